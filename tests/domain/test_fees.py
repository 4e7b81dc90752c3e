"""Information-processing fees (docs/procedure.md, "Fees"): progressive on the excess, per item (per month) or per page."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from request_flow.domain.fees import per_item, per_volume


def test_example_35_items_in_a_month():
    # 20 × 100 + 5 × 200 = 3,000 yuan
    fee = per_item(35)
    assert fee.amount == 3000
    assert [(ln.first, ln.last, ln.unit_price) for ln in fee.lines] == [(11, 30, 100), (31, 35, 200)]
    assert "3000" in fee.explain()


def test_example_250_pages():
    # 70 × 10 + 100 × 20 + 50 × 40 = 4,700 yuan
    fee = per_volume(250)
    assert fee.amount == 4700
    assert [(ln.first, ln.last, ln.unit_price) for ln in fee.lines] == [(31, 100, 10), (101, 200, 20), (201, 250, 40)]


@pytest.mark.parametrize(("items", "amount"), [
    (1, 0), (10, 0),          # items 1–10 free
    (11, 100), (30, 2000),    # 11–30: 100 each
    (31, 2200), (40, 4000),   # 31–40: 200 each → 2000 + 10 × 200
    (41, 4300), (50, 7000),   # 41–50: 300 each → 4000 + 10 × 300
    (51, 7400),               # 51–60: 400
])
def test_per_item_boundaries(items, amount):
    assert per_item(items).amount == amount


@pytest.mark.parametrize(("pages", "amount"), [
    (1, 0), (30, 0),                  # 1–30 free
    (31, 10), (100, 700),             # 31–100: 10 each
    (101, 720), (200, 2700),          # 101–200: 20 each
    (201, 2740), (1000, 2700 + 800 * 40),  # 201 and up: 40 each
])
def test_per_volume_boundaries(pages, amount):
    assert per_volume(pages).amount == amount


def test_item_41_costs_300():
    assert per_item(1, earlier_items_this_month=40).amount == 300
    assert per_item(1, earlier_items_this_month=39).amount == 200
    assert per_item(1, earlier_items_this_month=30).amount == 200
    assert per_item(1, earlier_items_this_month=29).amount == 100
    assert per_item(1, earlier_items_this_month=9).amount == 0


def test_per_item_counts_earlier_items_of_the_month():
    # 8 items already this month; this application's 5 are items 9–13: 9, 10 free, 11–13 at 100
    assert per_item(5, earlier_items_this_month=8).amount == 300
    # 20 earlier; these 15 are items 21–35: 10 × 100 + 5 × 200
    assert per_item(15, earlier_items_this_month=20).amount == 2000


@settings(max_examples=100, deadline=None)
@given(a=st.integers(min_value=1, max_value=80), b=st.integers(min_value=1, max_value=80))
def test_a_month_costs_the_same_however_split_into_applications(a, b):
    assert per_item(a).amount + per_item(b, earlier_items_this_month=a).amount == per_item(a + b).amount


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=1, max_value=500))
def test_fees_never_decrease(n):
    assert per_volume(n + 1).amount >= per_volume(n).amount
    assert per_item(n + 1).amount >= per_item(n).amount


@pytest.mark.parametrize("bad", [0, -1])
def test_quantities_must_be_positive(bad):
    with pytest.raises(ValueError):
        per_item(bad)
    with pytest.raises(ValueError):
        per_volume(bad)


def test_the_largest_quantities_are_counted_band_by_band():
    # 1,000 items: 11–30 at 100 (2,000), then 97 bands of ten from 31–40 at 200 to 991–1000 at 9,800:
    # 10 × (200 + 9,800) × 97 / 2 = 4,850,000; total 4,852,000 yuan, 98 lines
    fee = per_item(1000)
    assert fee.amount == 4_852_000
    assert len(fee.lines) == 98
    assert (fee.lines[-1].first, fee.lines[-1].last, fee.lines[-1].unit_price) == (991, 1000, 9800)
    # one item after ten million earlier ones: (10,000,001 − 31) // 10 = 999,997 → 100 × (2 + 999,997)
    assert per_item(1, earlier_items_this_month=10_000_000).amount == 99_999_900
    # a million pages: 700 + 2,000 + (1,000,000 − 200) × 40 = 39,994,700 yuan, three lines
    fee = per_volume(1_000_000)
    assert fee.amount == 39_994_700
    assert len(fee.lines) == 3


@pytest.mark.parametrize(("method", "quantity"), [
    (per_item, 1001), (per_item, 10_000_000), (per_volume, 1_000_001), (per_volume, 10 ** 25),
])
def test_quantities_beyond_the_documented_range_are_refused(method, quantity):
    with pytest.raises(ValueError, match="之间的整数"):
        method(quantity)
