"""SMTP: `smtp://[user:password@]host[:port][?starttls=true]` or `smtps://…`; one connection per batch.

Failures are sorted the way SMTP means them (RFC 5321 §4.2.1): a 4xx reply or a broken connection is
transient (retry later, with backoff); a 5xx reply is permanent (never retried; shown as failed).
`smtplib.SMTPException` is an `OSError`, as are connection errors, so everything that can go wrong in
sending is one of the two `SendError`s below. A message that cannot be encoded for the server (a non-ASCII
address to a server without SMTPUTF8, a header the encoder refuses) is permanent for that message alone.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from ..config import ConfigError


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    tls: bool  # smtps: TLS from the start
    starttls: bool
    user: str | None
    password: str | None

    @property
    def shown(self) -> str:  # no password, for status lines and logs
        return f"{'smtps' if self.tls else 'smtp'}://{self.host}:{self.port}"


def parse_url(url: str) -> SmtpTarget:
    bad = f"REQUEST_FLOW_SMTP_URL「{url}」无效：应为 smtp://主机:端口 或 smtps://主机:端口"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ConfigError(bad) from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(bad)
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
    return SmtpTarget(parts.hostname, port or (465 if parts.scheme == "smtps" else 25), parts.scheme == "smtps",
                      starttls, unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None)


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool, connection: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.connection = connection  # the server is unavailable: every message waits, not just this one


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    text = getattr(exc, "smtp_error", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if code:
        return f"{code} {text}".strip()
    return f"{type(exc).__name__}: {exc}".strip()


def classify(exc: BaseException) -> SendError:
    if isinstance(exc, smtplib.SMTPNotSupportedError | ValueError | UnicodeError | TypeError):
        # this message cannot be sent as it is (an address or header the server or the encoder refuses):
        # permanent, and only this message's trouble, never a reason to hold back the queue
        return SendError(f"邮件无法按SMTP编码发送：{_describe(exc)}", permanent=True)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in exc.recipients.values()]
        detail = "；".join(f"{r}: {c} {m.decode('utf-8', 'replace') if isinstance(m, bytes) else m}"
                          for r, (c, m) in exc.recipients.items())
        return SendError(f"收件人被拒绝：{detail}", permanent=all(c >= 500 for c in codes))
    if isinstance(exc, smtplib.SMTPResponseException):
        # A 4xx to MAIL or DATA (421, 451, 452 ...) is the server's trouble, not this message's: everything waits,
        # so that the queue goes out in order when the server is back. Only refused recipients are per message.
        code = exc.smtp_code
        return SendError(_describe(exc), permanent=code >= 500, connection=code < 500)
    # SMTPServerDisconnected, SMTPConnectError without a code, refused connections, timeouts, TLS errors
    return SendError(_describe(exc), permanent=False, connection=True)


class Mailer:
    """One SMTP session; `send` raises SendError. Use as a context manager."""

    def __init__(self, target: SmtpTarget, timeout: float = 30):
        self.target, self.timeout = target, timeout
        self.conn: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        t = self.target
        try:
            if t.tls:
                conn: smtplib.SMTP = smtplib.SMTP_SSL(t.host, t.port, timeout=self.timeout,
                                                      context=ssl.create_default_context())
            else:
                conn = smtplib.SMTP(t.host, t.port, timeout=self.timeout)
                if t.starttls:
                    conn.starttls(context=ssl.create_default_context())
            if t.user:
                conn.login(t.user, t.password or "")
            return conn
        except (OSError, smtplib.SMTPException) as exc:
            err = classify(exc)
            err.connection = True
            raise err from None

    def send(self, msg: EmailMessage) -> dict:
        if self.conn is None:
            self.conn = self._connect()
        try:
            return self.conn.send_message(msg)  # the recipients refused, when others were accepted
        except (OSError, smtplib.SMTPException, ValueError, UnicodeError, TypeError) as exc:
            err = classify(exc)
            if err.connection or isinstance(exc, smtplib.SMTPServerDisconnected):
                self._drop()
            else:
                try:  # a refused message leaves the session usable after RSET
                    self.conn.rset()
                except (OSError, smtplib.SMTPException):
                    self._drop()
            raise err from None

    def _drop(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except OSError:
                pass
        self.conn = None

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except (OSError, smtplib.SMTPException):
                pass
        self._drop()
