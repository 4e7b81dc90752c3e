"""Shared fixtures: real databases (a fresh SQLite file, a fresh PostgreSQL database) and the installed command.

PostgreSQL is not optional: `./run test` starts it. If it cannot be reached, the PostgreSQL tests fail loudly
rather than being skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("REQUEST_FLOW_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
EXE = str(Path(sys.executable).parent / "request-flow")


def _pg_create() -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"rf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({type(exc).__name__}); ./run test starts it")
    finally:
        admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _pg_drop(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from request_flow.store.db import engine_for

    engine_for(url).dispose()
    name = make_url(url).database
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'rf.db'}"
    else:
        url = _pg_create()
        yield url
        _pg_drop(url)


def calendar_for_today(folder: Path) -> list[int]:
    """Tests that run on the real date (a worker sweeping "today") bring a calendar that knows the year: from 2027
    the installed schedules do not (docs/decisions.md, "Tests on any date"). For this year and the next, where the
    installed calendar lacks them, a file in `folder` (a `calendar` folder beside a configuration file) declares
    a year of plain Monday–Friday weeks, named as a test calendar. Returns the years it declared."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from request_flow.calendar import load_calendar

    this_year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    known = load_calendar().known_years
    missing = [y for y in (this_year, this_year + 1) if y not in known]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        years = "".join(f'\n[[year]]\nyear = {y}\nsource = "测试用日历：{y}年按周一至周五计算"\n' for y in missing)
        (folder / "zz-test-years.toml").write_text(
            'version = 1\n\n[[history]]\nversion = 1\ndate = 2026-11-30\nsource = "测试用日历"\n' + years,
            encoding="utf-8")
    return missing


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'rf.db'}"


class Runner:
    """Runs `request-flow` as a user would, with its own HOME and database.

    `in_process=False` starts the installed command as a subprocess (end-to-end, about 0.8 s a call here);
    `in_process=True` calls the same entry point (`request_flow.cli.main.run`) in this process with the same
    environment, for the many tests whose subject is a rule rather than the process boundary.
    """

    def __init__(self, url: str, home: Path, in_process: bool = False):
        self.in_process = in_process
        self.url = url
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("REQUEST_FLOW_")}
        self.env.update(REQUEST_FLOW_DATABASE_URL=url, HOME=str(home), XDG_DATA_HOME=str(home / "data"),
                        REQUEST_FLOW_USER="测试员")
        # The engine's tests run without the registration receipt ([letters] receipt = false): each letter costs a
        # command about 1.5 s (WeasyPrint's start and first PDF), and registration is the commonest act here. The
        # letters' own tests (tests/letters) turn it back on; every other letter is issued as configured.
        self.env["REQUEST_FLOW_LETTERS"] = '{"receipt": false}'
        # Output to a pipe is laid out for COLUMNS (console.py): a fixed, wide page, whatever the parent's terminal or
        # an earlier test left; tests of narrow terminals pass their own
        self.env["COLUMNS"] = "200"
        self.cwd = home

    def __call__(self, *args: str, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
        if self.in_process:
            return self._run_here([str(a) for a in args], {**self.env, **(env or {})})
        return subprocess.run([EXE, *map(str, args)], env={**self.env, **(env or {})}, cwd=self.cwd,
                              capture_output=True, text=True, timeout=timeout)

    def exe(self, *args: str, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
        """Always the installed command in a process of its own (for a process that is meant to die)."""
        return subprocess.run([EXE, *map(str, args)], env={**self.env, **(env or {})}, cwd=self.cwd,
                              capture_output=True, text=True, timeout=timeout)

    def _run_here(self, args: list[str], env: dict) -> subprocess.CompletedProcess:
        import contextlib
        import io

        from request_flow.cli.main import run

        saved = dict(os.environ)
        out, err = io.StringIO(), io.StringIO()
        try:
            os.environ.clear()
            os.environ.update(env)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = run(args)
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return subprocess.CompletedProcess(["request-flow", *args], code, out.getvalue(), err.getvalue())

    def popen(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        return subprocess.Popen([EXE, *map(str, args)], env={**self.env, **(env or {})}, cwd=self.cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def ok(self, *args: str, **kw) -> subprocess.CompletedProcess:
        r = self(*args, **kw)
        assert r.returncode == 0, f"{args}: exit {r.returncode}: {r.stderr}"
        return r

    def json(self, *args: str, **kw):
        return json.loads(self.ok(*args, "--json", **kw).stdout)

    def refused(self, *args: str, code: int = 1, **kw) -> str:
        """The act is refused with `code`, one line on stderr, no traceback; returns that line."""
        r = self(*args, **kw)
        assert r.returncode == code, f"{args}: exit {r.returncode}, want {code}: {r.stderr}{r.stdout}"
        assert "Traceback" not in r.stderr
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1, r.stderr
        return lines[0]


def _ready(runner: Runner) -> Runner:
    runner.ok("init")
    runner.ok("staff", "add", "王主任", "--role", "office_head")
    return runner


@pytest.fixture
def rf(db_url, tmp_path):
    """The command line in this process, on SQLite and on PostgreSQL."""
    return _ready(Runner(db_url, tmp_path, in_process=True))


@pytest.fixture
def rf_sqlite(sqlite_url, tmp_path):
    return _ready(Runner(sqlite_url, tmp_path, in_process=True))


@pytest.fixture
def rf_exe(db_url, tmp_path):
    """The installed `request-flow` command as a subprocess, on SQLite and on PostgreSQL."""
    return _ready(Runner(db_url, tmp_path))
