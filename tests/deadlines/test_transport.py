"""The worker's Redis transport: a late acknowledgement on a channel whose connection kombu has just dropped is
reported as a connection error (logged, the message comes back after the reconnect), not as an AttributeError
that stops the worker (seen in test_faults.py's Redis restart; upstream celery/kombu#582)."""

from __future__ import annotations

import pytest
from workers.app import RedisTransport, create_app


def channel_without_connection():
    channel = RedisTransport.Channel.__new__(RedisTransport.Channel)  # as kombu leaves it after the loss
    channel.connection = None
    return channel


def test_a_lost_connection_is_a_connection_error():
    # what kombu's Message.ack_log_error catches, logs and survives: the transport's connection errors
    with pytest.raises(RedisTransport.connection_errors, match="connection to Redis was lost"):
        channel_without_connection()._connparams()


def test_the_app_uses_it_for_redis_only(monkeypatch):
    from request_flow.config import get_settings

    monkeypatch.setenv("REQUEST_FLOW_BROKER_URL", "redis://127.0.0.1:6379/0")
    get_settings.cache_clear()
    assert create_app().connection_for_write().transport_cls == "workers.app:RedisTransport"
    monkeypatch.setenv("REQUEST_FLOW_BROKER_URL", "memory://")
    get_settings.cache_clear()
    assert create_app().connection_for_write().transport_cls in ("memory", None)
    get_settings.cache_clear()
