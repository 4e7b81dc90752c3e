"""Handing letters to the workers: one message a letter on the broker, naming its 文号 and nothing else (the data
and the HTML are in the database, written by the act). See docs/letters.md, "Rendering by the workers".

A message that cannot be sent (the broker is down, Redis restarted empty and lost it) costs nothing: the letter
stays pending in the database, the beat's `render_pending` queues it again, and `letters print` renders it on
the spot. So sending never fails an act that has already been committed.
"""

from __future__ import annotations

import logging
from typing import Any

RENDER_TASK = "request_flow.render_letter"
QUEUE = "request_flow"  # the workers' default queue (workers/app.py)

log = logging.getLogger("request_flow.letters")
_producers: dict[str, Any] = {}  # broker URL -> (Celery app, producer on an open connection), reused by every act


def _producer(broker_url: str) -> tuple[Any, Any]:
    held = _producers.get(broker_url)
    if held is None:
        from celery import Celery

        app = Celery("request_flow_producer", broker=broker_url, set_as_current=False)
        app.conf.update(
            task_default_queue=QUEUE, task_serializer="json", accept_content=["json"],
            broker_connection_timeout=2, broker_connection_retry=False, broker_connection_max_retries=0,
            # a broker that is down must not hold the clerk's command: the letter waits in the database instead
            broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0},
        )
        connection = app.connection_for_write()
        connection.ensure_connection(max_retries=0)
        held = _producers[broker_url] = (app, app.amqp.Producer(connection, auto_declare=True))
    return held


def _publish(app: Any, producer: Any, number: str) -> None:
    """One message, built by Celery (`amqp.as_task_v2`, the task protocol the workers read) and published by kombu
    exactly as Celery's `send_task` publishes it to a direct queue: the anonymous exchange, the queue's name as
    routing key, persistent, JSON. `send_task` itself first routes the task, fires its signals and writes reprs of
    the arguments: about half of the 0.5-0.8 ms a letter cost the act (docs/decisions.md, "2026-12-01 (second
    pass)"). Nothing here depends on those: no router, no signal handler, no sent events."""
    from kombu.utils.uuid import uuid

    args = [number]
    message = app.amqp.as_task_v2(uuid(), RENDER_TASK, args=args, argsrepr=repr(args), kwargsrepr="{}")
    producer.publish(message.body, exchange="", routing_key=QUEUE, serializer="json", delivery_mode=2, retry=False,
                     headers=message.headers, **message.properties)


def enqueue(broker_url: str, numbers: list[str]) -> bool:
    """Queue the rendering of each letter; False (and a warning in the log) when the broker could not be reached."""
    if not numbers:
        return True
    try:
        app, producer = _producer(broker_url)
        for number in numbers:
            _publish(app, producer, number)
        return True
    except Exception as exc:  # noqa: BLE001 - any broker failure: the letter stays pending, nothing is lost
        held = _producers.pop(broker_url, None)
        if held is not None:
            try:
                held[1].connection.close()
            except Exception:  # noqa: BLE001 - already gone
                pass
        log.warning("letters %s left pending: the broker could not be reached (%s)", ", ".join(numbers),
                    type(exc).__name__)
        return False
