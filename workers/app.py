"""The Celery application, configured from the project's settings (REQUEST_FLOW_BROKER_URL, [reminders]).

Measured before this was built (docs/decisions.md, "Celery"): on Redis, a countdown longer than the visibility timeout runs a
task again and again, and a killed worker's message waits for the visibility timeout. So: acks_late with
reject-on-worker-lost (a task in a killed process is redelivered, never dropped), prefetch 1 (a dead worker
holds back at most one message), no long ETAs (the only countdowns are none: retries wait in the database,
`next_attempt_at`, and the schedule re-reads it), and the deadlines themselves in the database.
"""

from __future__ import annotations

from celery import Celery
from celery.schedules import crontab
from kombu.transport import redis as kombu_redis
from redis import exceptions as redis_errors

from request_flow.config import ConfigError, get_settings

BROKER_SCHEMES = ("redis", "rediss", "sentinel", "amqp", "amqps", "pyamqp", "memory", "filesystem")


def check_broker(url: str | None) -> str:
    if not url:
        raise ConfigError("未设置 REQUEST_FLOW_BROKER_URL（如 redis://127.0.0.1:6379/0）：worker 需要消息队列；"
                          "不用消息队列时，可由 cron 定时运行 request-flow deadlines sweep")
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in BROKER_SCHEMES:
        raise ConfigError(f"REQUEST_FLOW_BROKER_URL「{url.split('@')[-1]}」无效：应为 redis://主机:端口/库号")
    return url


class _RedisChannel(kombu_redis.Channel):
    def _connparams(self, asynchronous=False):
        # A task that ends just as Redis goes away is acknowledged (acks_late) on a channel whose connection
        # kombu has already dropped; kombu then fails with AttributeError, which the worker takes as
        # unrecoverable, and it stops (seen in tests/deadlines/test_faults.py; upstream: celery/kombu#582).
        # As a connection error the failed ack is logged, the message comes back after the reconnect, and the
        # task runs again, which costs nothing: the work is in the database and each reminder is sent once.
        if self.connection is None or self.connection.client is None:
            raise redis_errors.ConnectionError("the connection to Redis was lost")
        return super()._connparams(asynchronous=asynchronous)


class RedisTransport(kombu_redis.Transport):
    """kombu's Redis transport, with a lost connection reported as one (see _RedisChannel)."""

    Channel = _RedisChannel


def create_app() -> Celery:
    s = get_settings()
    r = s.reminders
    hour, minute = (int(x) for x in r.digest_time.split(":"))
    app = Celery("request_flow", include=["workers.tasks"])
    app.conf.update(
        broker_url=s.broker_url or "memory://",
        task_ignore_result=True,
        result_backend=None,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        timezone=s.timezone,
        enable_utc=True,
        task_default_queue="request_flow",
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # Redis away: keep trying, the database holds the work
        broker_transport_options={"visibility_timeout": 3600},
        broker_transport=(f"{__name__}:RedisTransport" if (s.broker_url or "").startswith(("redis://", "rediss://"))
                          else None),
        worker_cancel_long_running_tasks_on_connection_loss=False,
        # a render that hangs is killed (its try then counts, docs/letters.md "Rendering by the workers")
        task_annotations={"request_flow.render_letter": {"time_limit": s.letters.render_timeout_seconds}},
        beat_schedule={
            # `expires`: a tick that waited in the broker past its interval is dropped, the next one does it all
            "sweep": {"task": "request_flow.sweep", "schedule": r.sweep_seconds,
                      "options": {"expires": max(r.sweep_seconds, 1.0)}},
            "send": {"task": "request_flow.send", "schedule": r.dispatch_seconds,
                     "options": {"expires": max(r.dispatch_seconds, 1.0)}},
            # letters still waiting for their PDF and DOCX (a message lost with the broker, a failed try)
            "render_pending": {"task": "request_flow.render_pending", "schedule": r.dispatch_seconds,
                               "options": {"expires": max(r.dispatch_seconds, 1.0)}},
        },
    )
    if r.digest:  # every day at digest_time (Asia/Shanghai); the task itself skips days off by the official calendar
        app.conf.beat_schedule["digest"] = {"task": "request_flow.digest", "schedule": crontab(hour=hour, minute=minute),
                                            "options": {"expires": 3600}}
    return app


app = create_app()
