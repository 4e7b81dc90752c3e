"""Every fact printed is the fact recorded (issue 9).

Each text that staff or the applicant entered (the applicant's name, the request and its correction, the items to
correct, the reasons, what is provided and where, the search, the party consulted and the information put to it,
the responsible body and its contact, the objection and the finding on it, the public interest, the withheld
parts, an earlier reply's number, the reason for an extension or a reopening) is replaced by text drawn by
Hypothesis from CJK (URO, Extension A, Extension B such as 𠀀), emoji, template syntax, HTML and ASCII, for every
letter of the set in every form, and must come out verbatim in the PDF (read back with pdftotext), the DOCX
(python-docx) and the HTML's text; a letter that goes to a third party must not carry the applicant's name or
request. Every date printed is one the case recorded or computed, written 2025年3月7日. No Python representation
(None, [], {}, True, <built-in …, … object at 0x…) is ever printed.

The cases are the sample cases of `letters preview` (fields.sample_events), replayed through the domain and built
by the same fields builder as real letters; the letters are rendered in-process (`issue.render_data`).
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from request_flow.calendar import load_calendar
from request_flow.config import EXAMPLE_BODY, Settings
from request_flow.domain.case import Event
from request_flow.domain.clocks import Policy
from request_flow.letters import fields, fonts, issue

from .conftest import docx_text, flat, pdf_text

SETTINGS = Settings()
BODY = EXAMPLE_BODY
CAL = load_calendar([])  # the official schedules
FEW = settings(max_examples=3, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- the texts ------------------------------------------------------------------------------------------------------

def _printable(ranges: list[tuple[int, int]]) -> list[str]:
    """The characters of `ranges` that an installed font of the default configuration can print (a character no
    font has is refused before any letter is issued, elsewhere: it is not what this test is about)."""
    s = SETTINGS.letters
    maps = [fonts.coverage(f.path, f.index) for f in fonts.resolve(s.body_fonts + s.symbol_fonts)]
    return [chr(cp) for a, b in ranges for cp in range(a, b + 1)
            if fonts.needs_glyph(chr(cp)) and any(cp in m for m in maps)]


URO = _printable([(0x4E00, 0x9FFF)])
EXT_A = _printable([(0x3400, 0x4DBF)])
EXT_B = _printable([(0x20000, 0x2A6DF)])
EMOJI = _printable([(0x1F300, 0x1F5FF), (0x1F600, 0x1F64F), (0x1F680, 0x1F6FF)])
ASCII = [chr(c) for c in range(0x20, 0x7F)]
SNIPPETS = ["{{ x }}", "{% if %}", "{% endif %}", "{{ letter.title }}", "{#", "}}", "<b>", "</p>", "&amp;", "<&>",
            "<script>", "None", "[]", "{}", "True", "{'a': 1}", "𠀀", "😀", "\n"]

segment = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(st.sampled_from(URO), min_size=1, max_size=4),
    st.text(st.sampled_from(EXT_A), min_size=1, max_size=2),
    st.text(st.sampled_from(EXT_B), min_size=1, max_size=2),
    st.text(st.sampled_from(EMOJI), min_size=1, max_size=2),
    st.text(st.sampled_from(ASCII), min_size=1, max_size=6),
)
TRAILING = "。．.；;，,、 \n"  # a full stop staff type at the end is the sentence's own (the `clause` filter)


def text_for(n: int):
    """A text as typed, led by a tag that no letter prints (【n】), so that its absence can be asserted too."""
    return st.lists(segment, min_size=2, max_size=5).map(lambda parts: (f"【{n}】" + "".join(parts)).rstrip(TRAILING))


# Texts that staff or the applicant enter, per event (the data contract of the acts).
TEXT_KEYS = {
    "request_correction": ("items",),
    "corrected": ("content",),
    "consult": ("party", "about"),
    "opinion": ("reason",),
    "decide": ("reason", "provided", "where", "search", "responsible_body", "responsible_contact", "earlier_reply",
               "public_interest", "objection_unfounded"),
    "reopen": ("reason",),
}
PUBLIC_CHANNEL = {"in_person": "当面提交", "registered_mail": "邮寄", "ordinary_mail": "信函",
                  "online": "互联网（网上申请平台或者电子邮件）", "fax": "传真"}
PY_REPR = ["<built-in", "objectat0x", "None", "[]", "{}", "True", "False", "{'", "['"]
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def letter_texts(files: dict[str, bytes]) -> dict[str, str]:
    """The text a reader sees: the PDF through pdftotext, the DOCX through python-docx, the HTML's text."""
    import tinyhtml5

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "letter.pdf"
        p.write_bytes(files["pdf"])
        out = {"pdf": pdf_text(p, raw=True)}
    out["docx"] = docx_text(files["docx"])
    body = tinyhtml5.parse(files["html"].decode("utf-8")).find("{http://www.w3.org/1999/xhtml}body")
    out["html"] = "".join(t for el in body.iter() if not str(el.tag).endswith(("style", "script"))
                          for t in (el.text or "", el.tail or ""))
    return out


@dataclasses.dataclass
class Case:
    events: list[Event]
    drawn: dict[str, str]  # label -> the text entered


def draw_case(data, kind: str, variant: str, form: str, applicant_type: str, channel: str) -> Case:
    """The sample case of this letter, each entered text replaced by a drawn one."""
    drawn: dict[str, str] = {}

    def draw(label: str) -> str:
        if label not in drawn:
            drawn[label] = data.draw(text_for(len(drawn)), label=label)
        return drawn[label]

    events = []
    for ev in fields.sample_events(kind, variant, form):
        d = dict(ev.data)
        if ev.kind == "register":
            d.update(channel=channel, applicant_type=applicant_type)
        for key in TEXT_KEYS.get(ev.kind, ()):
            if d.get(key):
                d[key] = draw("party") if key == "party" else draw(f"{ev.kind}.{key}")
        if ev.kind == "opinion":
            d["party"] = draw("party")
        if ev.kind == "decide" and d.get("withheld"):
            d["withheld"] = [{**w, "part": draw(f"withheld.{i}.part"), "reason": draw(f"withheld.{i}.reason")}
                             for i, w in enumerate(d["withheld"])]
        reason = draw(f"{ev.kind}.why") if ev.reason else ""
        events.append(dataclasses.replace(ev, data=d, reason=reason))
    draw("applicant.name")
    draw("applicant.content")
    return Case(events, drawn)


def expected(kind: str, variant: str, form: str, case: Case, iss: fields.Issue) -> tuple[set[str], set[str], set[date]]:
    """What the letter must print (labels of entered texts), must not print, and the dates it prints: typed from
    docs/letters.md and the issue, not from the templates."""
    events = case.events
    ev = {e.kind: e for e in events}  # the last event of each kind
    third_party = kind in ("consultation", "override")
    corrected = bool(ev.get("corrected") and ev["corrected"].data.get("content"))
    shown, hidden = set(), set()
    if third_party:  # a letter to a third party names neither the applicant nor quotes the request
        hidden |= {"applicant.name", "applicant.content", "corrected.content"}
    else:
        shown.add("applicant.name")
        # later letters quote the corrected request instead of the original one
        (shown if not corrected else hidden).add("applicant.content")
        if corrected:
            shown.add("corrected.content")
    on, received = iss.on, iss.after.received_on
    dates = {on, received}
    if ev.get("corrected"):
        dates.add(ev["corrected"].on)
    if kind == "receipt":
        dates.add(iss.after.due("reply_due"))
        if iss.after.clock_start != received:
            dates.add(iss.after.clock_start)  # the next working day the period was counted from
    elif kind == "correction":
        shown.add("request_correction.items")
    elif kind == "extension":
        dates.add(iss.after.due("reply_due"))
        if variant == "art33":
            shown.add("extend.why")
            dates.add(iss.before.due("reply_due"))
    elif kind == "consultation":
        shown |= {"party", "consult.about"}
    elif kind == "consultation_notice":
        hidden.add("party")  # the applicant is not told whom the body consulted
        dates.add(ev["consult"].on)
    elif kind == "override":
        shown |= {"party", "consult.about", "opinion.reason", "decide.provided", "decide.public_interest"}
        dates.add(ev["consult"].on)
    elif kind == "reply":
        shown |= {k for k in case.drawn if k.startswith(("decide.", "withheld."))}
        if "opinion" in ev:
            hidden |= {"party", "opinion.reason"}  # the third party and its reasons stay with the body
            dates.add(ev["consult"].on)
        if variant == "excessive":
            dates.add(ev["request_reasons"].on)
            if form != "not_given":
                dates.add(ev["reasons_received"].on)
        if variant == "unclear_after_correction":
            dates.add(ev["request_correction"].on)
    elif kind == "closure":
        notice = ev["request_correction" if variant == "no_correction" else "fee_notice"]
        dates |= {notice.on, iss.before.due("correction_due" if variant == "no_correction" else "payment_due")}
    elif kind == "reopen":
        shown.add("reopen.reason")
        notice = ev["request_correction" if variant == "no_correction" else "fee_notice"]
        dates |= {notice.on, ev["lapse_correction" if variant == "no_correction" else "lapse_fee"].on}
    return shown, hidden, dates


SAMPLES = fields.all_samples()


@pytest.mark.parametrize("kind,variant,form", SAMPLES)
@FEW
@given(data=st.data(), applicant_type=st.sampled_from(["natural_person", "commercial", "public_interest", "other"]),
       channel=st.sampled_from(list(PUBLIC_CHANNEL)), wait_days=st.sampled_from([0, 10]))
def test_every_fact_printed_is_the_fact_recorded(kind, variant, form, data, applicant_type, channel, wait_days):
    case = draw_case(data, kind, variant, form, applicant_type, channel)
    applicant = fields.sample_applicant(case.drawn["applicant.name"], applicant_type, channel,
                                        case.drawn["applicant.content"])
    iss = fields.sample_issue(kind, case.events, CAL, Policy(), "示县政办公开复〔2025〕9号", applicant)
    letter = fields.build(iss, BODY, override_wait_days=wait_days)
    rendered = issue.render_data(SETTINGS, BODY, letter)
    shown, hidden, dates = expected(kind, variant, form, case, iss)
    values = sorted({flat(v) for v in case.drawn.values()}, key=len, reverse=True)
    where = f"{kind} {variant} {form}".strip()
    for fmt, text in letter_texts(rendered.files).items():
        t = flat(text)
        for label in sorted(shown):
            assert flat(case.drawn[label]) in t, f"{where} ({fmt}): {label} {case.drawn[label]!r} is not printed as entered"
        for label in sorted(hidden & set(case.drawn)):
            assert flat(case.drawn[label]) not in t, f"{where} ({fmt}): {label} must not be printed"
        rest = t
        for v in values:  # what the letter says itself, the entered texts taken out
            rest = rest.replace(v, "\0")
        for token in PY_REPR:
            at = rest.find(token)
            assert at < 0, f"{where} ({fmt}): {token!r} printed: …{rest[max(0, at - 40):at + 60]}…"
        printed = {date(int(y), int(m), int(d)) for y, m, d in DATE.findall(rest)}
        assert printed == dates, f"{where} ({fmt}): dates printed {sorted(printed)}, recorded {sorted(dates)}"
        assert not re.search(r"年0\d|月0\d", rest), f"{where} ({fmt}): a date with a leading zero"
        if kind not in ("consultation", "override"):
            # the channel in public words; an organisation is 贵单位, a person 您
            assert f"提交方式：{PUBLIC_CHANNEL[channel]}）" in rest and "需签收" not in rest, where
            you, other = ("您", "贵单位") if applicant_type == "natural_person" else ("贵单位", "您")
            assert you in rest and other not in rest, f"{where} ({fmt}): addressed as {other}"
        if kind == "override":
            period = f"本机关将自贵方收到本告知书之日起{wait_days}个工作日后予以公开"
            assert (period in rest) == bool(wait_days), f"{where} ({fmt}): the waiting period"


# -- the receipt: the period as counted, the rule as printed ----------------------------------------------------------

@FEW
@given(received=st.dates(date(2025, 1, 1), date(2025, 12, 10)), shifted=st.booleans())
def test_the_receipt_prints_the_rule_that_gives_its_date(received, shifted):
    """docs/clocks.md, "Receipt on a non-working day": counted plainly from the actual day of receipt (the N-th working day
    after it), or, where a body's rule shifts a non-working day's receipt, from the next working day; the receipt
    says which, and the date it prints is the one its rule gives on a plain count."""
    text = flat(receipt_text(received, shifted))
    workday = CAL.is_workday(received)
    if workday or not shifted:
        due = CAL.add_workdays(received, 20)
    else:
        start = CAL.next_workday(received)
        due = CAL.add_workdays(start, 20)
    assert f"收到申请之日为{cn(received)}" in text
    if workday:
        assert f"本机关将在收到申请之日起20个工作日内，即不晚于{cn(due)}予以答复" in text
        assert "非工作日" not in text
    elif shifted:
        weekday = "一二三四五六日"[received.weekday()]
        assert (f"收到申请之日为{cn(received)}（星期{weekday}，非工作日），答复期限按下一个工作日{cn(start)}起算，"
                f"自该日的次日起计算第20个工作日，即{cn(due)}") in text
        assert "自收到申请之日起20个工作日内" not in text  # that rule would give another date
    else:  # counted plainly: both wordings of the rule give the same date
        assert (f"自该日的次日起计算第20个工作日，即{cn(due)}" in text
                or f"本机关将在收到申请之日起20个工作日内，即不晚于{cn(due)}予以答复" in text)


def receipt_text(received: date, shifted: bool) -> str:
    reg = Event(1, "register", received, {"channel": "in_person", "applicant_type": "natural_person",
                                          "received_on": received.isoformat(),
                                          "counting": "shifted" if shifted else "strict"})
    policy = Policy(shift_nonworking_receipt=shifted)
    iss = fields.sample_issue("receipt", [reg], CAL, policy, "示县政办公开收〔2025〕1号", fields.sample_applicant())
    r = issue.render_data(SETTINGS, BODY, fields.build(iss, BODY), formats=("pdf",))
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "receipt.pdf"
        p.write_bytes(r.files["pdf"])
        return pdf_text(p, raw=True)


def test_a_saturday_receipt_under_each_rule():
    # received Saturday 2025-03-01 (docs/clocks.md): plainly, reply due 2025-03-28; shifted to Monday 03-03, 03-31
    strict = flat(receipt_text(date(2025, 3, 1), shifted=False))
    assert "即2025年3月28日" in strict or "即不晚于2025年3月28日" in strict
    assert "2025年3月31日" not in strict
    assert ("收到申请之日为2025年3月1日（星期六，非工作日），答复期限按下一个工作日2025年3月3日起算，"
            "自该日的次日起计算第20个工作日，即2025年3月31日") in flat(receipt_text(date(2025, 3, 1), shifted=True))
