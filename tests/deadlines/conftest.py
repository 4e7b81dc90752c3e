"""Real parts for the deadline workers: an SMTP server (aiosmtpd on loopback, in a thread of the test), a Redis
started on a port of its own, and the installed `request-flow worker` as a process group that can be killed."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import EXE, Runner, calendar_for_today

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what: str, check, timeout: float = 30, every: float = 0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Handler:
    """Records what the server accepted (a message counts only once the server has said 250)."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.mode = "accept"  # or "tempfail": 451 to every DATA
        self.reject: set[str] = set()  # recipients refused with 550
        self.delay = 0.0  # seconds before each 250
        self.hold_at: int | None = None  # the n-th DATA waits (the test kills the sender meanwhile)
        self.holding = threading.Event()
        self.attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "tempfail":
            return "451 4.3.0 temporarily unavailable, try again later"
        self.attempts += 1
        if self.hold_at == self.attempts:
            self.holding.set()
            await asyncio.sleep(30)  # cancelled when the client dies: the message was never accepted
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class MailServer:
    def __init__(self):
        self.port = free_port()
        self.handler = Handler()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> MailServer:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return list(self.handler.messages)

    def ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


@pytest.fixture
def mail():
    server = MailServer()
    yield server
    server.stop()


class RedisServer:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.folder)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until("redis", self._ping, timeout=10)

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Gone, with whatever it held (no persistence): what a crash of the broker does."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


FAST = """
[reminders]
sweep_seconds = 1
dispatch_seconds = 0.5
retry_base_seconds = 0.2
retry_max_seconds = 0.5
lease_seconds = 2
smtp_timeout = 5
"""


@pytest.fixture
def office(sqlite_url, tmp_path):
    """A SQLite installation with short worker intervals, a handler and an office head with e-mail."""
    cfg = tmp_path / "rf.toml"
    cfg.write_text(FAST, encoding="utf-8")
    calendar_for_today(tmp_path / "calendar")  # the worker sweeps the real today
    r = Runner(sqlite_url, tmp_path, in_process=True)
    r.env.update(REQUEST_FLOW_CONFIG=str(cfg), REQUEST_FLOW_NOTIFY_TO="office@example.org")
    r.ok("init")
    r.ok("staff", "add", "王主任", "--role", "office_head", "--email", "head@example.org")
    r.ok("staff", "add", "李科员", "--email", "li@example.org")
    r.config = cfg
    return r


class Worker:
    """`request-flow worker` in a process group of its own, so that a SIGKILL takes the pool and beat too."""

    def __init__(self, runner: Runner, env: dict):
        self.runner, self.env = runner, env
        self.proc: subprocess.Popen | None = None
        self.log = runner.cwd / "worker.log"

    def start(self) -> Worker:
        out = open(self.log, "ab")
        self.proc = subprocess.Popen([EXE, "worker", "--concurrency", "2", "--loglevel", "INFO"],
                                     env={**self.runner.env, **self.env}, cwd=self.runner.cwd, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        return self

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            if sig != signal.SIGKILL:  # children left behind by a graceful stop that hung
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc = None


@pytest.fixture
def workers():
    started: list[Worker] = []

    def make(runner, env):
        w = Worker(runner, env)
        started.append(w)
        return w

    yield make
    for w in started:
        w.kill()


SEED = r"""
import sys
from datetime import date
from request_flow import services
from request_flow.calendar import WorkCalendar

ctx = services.context()
cal = WorkCalendar.default().with_assumption(True)
today = ctx.today()
received = cal.add_workdays(today, -int(sys.argv[2])) if int(sys.argv[2]) else today
for _ in range(int(sys.argv[1])):
    row, view = services.register(ctx, applicant="张某某", applicant_type="natural_person", channel="in_person",
                                  on=received, received_on=received, handler="李科员")
    print(row.id, view.due("reply_due").isoformat())
"""


def seed(runner, n: int, workdays_ago: int = 17) -> list[tuple[str, str]]:
    """n cases received `workdays_ago` working days before today, in one interpreter: with 17, each reply is
    due on the 3rd working day after today (20 working days after receipt), so each calls for its offset-3
    reminder and nothing else (the correction notice was due 10 working days ago)."""
    import sys

    out = subprocess.run([sys.executable, "-c", SEED, str(n), str(workdays_ago)], env=runner.env, cwd=runner.cwd,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [tuple(line.split()) for line in out.stdout.splitlines()]
