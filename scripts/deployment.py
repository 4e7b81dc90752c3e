"""The larger office's deployment (README, "A larger office"), started for real on loopback, to be run and broken:

- a PostgreSQL cluster of its own (initdb into a folder, a free port; never the shared server, so that it can be
  restarted and killed),
- a Redis of its own (keeping nothing on disk: a restart empties it, as a crash would),
- an SMTP server (aiosmtpd, in this process) that can be told to answer 421, 451 or 550 for a while,
- three `celery -A workers.app worker` processes and exactly one `celery beat`, each in a process group of its
  own so that a SIGKILL takes the whole of one.

Used by tests/deadlines/test_deployment.py and scripts/fault-campaign.py (docs/decisions.md, "The deployment in
the suite"). Nothing here is part of the installed program.
"""

from __future__ import annotations

import email
import email.policy
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

FAST = """
[reminders]
sweep_seconds = 1
dispatch_seconds = 0.5
retry_base_seconds = 0.2
retry_max_seconds = 1
lease_seconds = 3
smtp_timeout = 5
requeue_seconds = 3

[letters]
render_retry_seconds = 3
render_timeout_seconds = 60
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what: str, check, timeout: float = 60, every: float = 0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def _as_postgres(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: its own cluster runs as the system's postgres user
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Postgres:
    """A cluster of its own (fsync off: it is thrown away), restartable and killable."""

    def __init__(self, folder: Path):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
        if not bins:
            raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql (scripts/services.sh installs them)")
        self.bin = Path(bins[-1])
        self.folder = folder / "pg"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> Postgres:
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(_as_postgres([str(self.bin / "initdb"), "-D", str(self.folder / "data"), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True, timeout=120)
        return self

    def _ctl(self, *args: str) -> None:
        opts = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
                                     str(self.folder / "log"), "-o", opts, "-w", "-t", "60", *args]),
                       check=True, capture_output=True, timeout=120)

    def start(self) -> Postgres:
        self._ctl("start")
        return self

    def restart(self) -> None:
        """An immediate restart: every connection is cut, what was not committed is gone."""
        self._ctl("-m", "immediate", "restart")

    def stop(self) -> None:
        try:
            self._ctl("-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass


class Redis:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> Redis:
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen([exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.folder)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until("redis", self._ping, timeout=20)
        return self

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """Gone with everything it held (no persistence), as in a crash."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=20)
            self.proc = None


class _Handler:
    """What the server accepted (a message counts once the server has said 250), and the refusals it is told to
    give: "421" (closes the session), "451" (try later), "550" (refused for good), or "" (accept)."""

    def __init__(self):
        self.received: list[tuple[float, email.message.EmailMessage]] = []
        self.refuse = ""
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse == "421":
            return "421 4.3.2 service not available, closing transmission channel"
        if self.refuse == "451":
            return "451 4.3.0 temporarily unavailable, try again later"
        if self.refuse == "550":
            return "550 5.7.1 message refused"
        with self.lock:
            self.received.append((time.time(), email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


class Smtp:
    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.handler = _Handler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> Smtp:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def received(self) -> list[tuple[float, email.message.EmailMessage]]:
        with self.handler.lock:
            return list(self.handler.received)


class Process:
    """One `celery` process in a group of its own; its output appended to a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path):
        self.name, self.args, self.env, self.folder = name, args, env, folder
        self.proc: subprocess.Popen | None = None
        self.log = folder / f"{name}.log"

    def start(self) -> Process:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "workers.app", *self.args],
                                         env=self.env, cwd=self.folder, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        if sig != signal.SIGKILL:  # pool children a graceful stop left behind
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None


class Deployment:
    """PostgreSQL, Redis, SMTP, three workers and one beat, all on loopback, under `folder`."""

    def __init__(self, folder: Path, workers: int = 3):
        self.folder = folder
        self.pg = Postgres(folder)
        self.redis = Redis(folder)
        self.smtp = Smtp()
        self.n_workers = workers
        self.workers: list[Process] = []
        self.beats: list[Process] = []
        self.config = folder / "request-flow.toml"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REQUEST_FLOW_")}
        env.update(REQUEST_FLOW_DATABASE_URL=self.pg.url, REQUEST_FLOW_BROKER_URL=self.redis.url,
                   REQUEST_FLOW_SMTP_URL=self.smtp.url, REQUEST_FLOW_CONFIG=str(self.config),
                   REQUEST_FLOW_NOTIFY_TO="gongkai@example.org", REQUEST_FLOW_USER="测试员",
                   REQUEST_FLOW_DATA_DIR=str(self.folder / "data"), HOME=str(self.folder))
        return env

    def start(self) -> Deployment:
        self.config.write_text(FAST, encoding="utf-8")
        self.pg.init().start()
        self.redis.start()
        self.smtp.start()
        return self

    def worker(self, i: int) -> Process:
        return Process(f"worker{i}", ["worker", "--concurrency", "1", "--hostname", f"w{i}@%h", "--loglevel", "INFO",
                                      "--without-mingle", "--without-gossip"], self.env(), self.folder)

    def beat(self, i: int = 0) -> Process:
        return Process(f"beat{i}", ["beat", "--loglevel", "INFO", "--schedule",
                                    str(self.folder / f"celerybeat-schedule-{i}")], self.env(), self.folder)

    def start_celery(self) -> None:
        self.workers = [self.worker(i).start() for i in range(self.n_workers)]
        self.beats = [self.beat(0).start()]

    def stop(self) -> None:
        for p in [*self.workers, *self.beats]:
            p.kill()
        self.redis.kill()
        self.smtp.stop()
        self.pg.stop()
