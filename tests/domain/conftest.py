"""Fixtures for the pure domain tests: no database, no configuration files."""

from __future__ import annotations

import pytest

from request_flow.calendar import load_calendar
from request_flow.domain.clocks import Policy


@pytest.fixture(scope="session")
def cal():
    """The official schedules only (the `chinese-calendar` package), no override files."""
    return load_calendar([])


@pytest.fixture
def policy() -> Policy:
    """The default practice choices: deemed delivery on the day of issue, 15-day correction period."""
    return Policy()
