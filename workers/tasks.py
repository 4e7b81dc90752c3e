"""Each task a thin call into `request_flow.deadlines`; all of them idempotent (safe to run twice)."""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

log = logging.getLogger("request_flow.workers")
_fingerprint: list[str] = []


def _ctx():
    """The settings and calendar of this process; the calendar is read again when its files changed."""
    from request_flow import calendar, deadlines, services

    ctx = services.context()
    now = calendar.fingerprint(ctx.settings.calendar_dirs())
    if _fingerprint and _fingerprint[0] != now:
        ctx = deadlines.fresh_calendar(ctx)
    _fingerprint[:] = [now]
    return ctx


@shared_task(name="request_flow.sweep")
def sweep(today: str | None = None) -> dict:
    """The schedule's sweep: a task per lapsed case, the due reminders into the outbox, then the sender."""
    from request_flow import deadlines

    ctx = _ctx()
    day = date.fromisoformat(today) if today else ctx.today()
    result = deadlines.sweep(ctx, day, on_case=lambda case_id: act_on_case.delay(case_id, day.isoformat()),
                             deliver=lambda: send.delay())
    caught_up = [] if today else deadlines.catch_up_digest(ctx)  # this morning's digest, if it was missed
    if caught_up:
        send.delay()
    for item in result.skipped:  # a case that could not be handled: named by its number, nothing personal
        log.warning("sweep %s: case %s skipped", day, item["id"])
    log.info("sweep %s: %d reminders queued, %d calendar moves, %d skipped, %d digests caught up", day,
             len(result.reminders), len(result.moved), len(result.skipped), len(caught_up))
    return {"reminders": len(result.reminders), "digests": len(caught_up)}


@shared_task(name="request_flow.act_on_case")
def act_on_case(case_id: str, today: str) -> list:
    """The automatic acts of one case (closure, a consultation's silence), each in its own transaction."""
    from request_flow import deadlines

    done = deadlines.act_on_case(_ctx(), case_id, date.fromisoformat(today))
    for item in done:
        # the reason of a skipped case stays out of the log (it may quote what staff typed): `deadlines sweep` shows it
        log.info("case %s: %s", case_id, item.get("outcome") or item.get("kind") or "skipped")
    # what Celery logs as the task's result: the case and what was done, no text that staff or applicants wrote
    return [{"id": case_id, "done": item.get("outcome") or item.get("kind") or "skipped"} for item in done]


@shared_task(name="request_flow.send")
def send() -> dict:
    """Send the outbox in queue order under the lease; a second copy of this task finds the lease taken."""
    from request_flow import deadlines

    result = deadlines.flush(_ctx())
    if result.sent or result.failing or result.failed:
        log.info("send: %d sent, %d failing, %d failed", len(result.sent), len(result.failing), len(result.failed))
    return result.to_json()


@shared_task(name="request_flow.digest")
def digest() -> int:
    """The morning digest, on working days only (the official calendar decides, not the weekday)."""
    from request_flow import deadlines

    made = deadlines.queue_digest(_ctx())
    if made:
        send.delay()
    return len(made)


@shared_task(name="request_flow.render_letter")
def render_letter(number: str) -> str:
    """Draw one letter's PDF and DOCX from the HTML its act stored (docs/letters.md, "Rendering by the workers").
    Safe to run twice and at once; a try that fails is recorded, and the beat's `render_pending` tries again
    until the letter's tries are used up; then it is marked failed for staff to see in `letters list`."""
    import os
    import socket

    from request_flow import services

    status = services.render_letter(_ctx(), number, worker=f"celery@{socket.gethostname()}:{os.getpid()}")
    if status in ("failed", "retry"):
        log.warning("letter %s: render %s", number, "failed for good" if status == "failed" else "failed, will retry")
    return status


@shared_task(name="request_flow.render_pending")
def render_pending() -> int:
    """The catch-up of the schedule: letters still waiting (a message lost with the broker, a failed try with
    tries left) are queued again."""
    from request_flow import services

    numbers = services.queue_pending_letters(_ctx())
    if numbers:
        log.info("render_pending: %d letters queued again", len(numbers))
    return len(numbers)
