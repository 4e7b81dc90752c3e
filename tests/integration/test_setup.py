"""Honest set-up (issue 11): `./run` stops with a clear line when the install fails, instead of running the tests
against the copy installed before; `scripts/services.sh` uses the server of REQUEST_FLOW_TEST_PG_URL and never
changes a reachable server's authentication."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/bin/sh
# stands for .venv/bin/python: pip prints what pip prints, and the install fails
case "$*" in
  *"pip install"*)
    echo "WARNING: Location 'file:///somewhere/simple/x/' is ignored: it is neither a file nor a directory."
    echo "ERROR: No matching distribution found for typer==99"
    exit 1 ;;
esac
exit 0
"""


def test_run_stops_when_the_install_fails(tmp_path):
    shutil.copy(ROOT / "run", tmp_path / "run")
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").write_text(FAKE_PYTHON)
    (venv / "python").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REQUEST_FLOW_")}
    r = subprocess.run(["bash", str(tmp_path / "run"), "test"], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1
    assert "ERROR: No matching distribution found for typer==99" in r.stderr  # pip's own reason is shown
    assert "WARNING: Location" not in r.stderr + r.stdout  # the index's noise is not
    assert r.stderr.strip().splitlines()[-1].startswith("安装失败：")
    assert "passed" not in r.stdout and "ruff" not in r.stdout  # nothing ran after it


def _hba() -> str:
    found = sorted(Path("/etc/postgresql").glob("*/main/pg_hba.conf"))
    return hashlib.sha256(found[-1].read_bytes()).hexdigest() if found else ""


def test_services_use_the_configured_server_and_leave_its_authentication_alone():
    before = _hba()
    script = str(ROOT / "scripts" / "services.sh")
    env = dict(os.environ)
    # a role the running server does not know: refused with one line, pg_hba.conf untouched
    env["REQUEST_FLOW_TEST_PG_URL"] = "postgresql+psycopg2://no_such_role_rf@127.0.0.1:5432/test"
    r = subprocess.run(["bash", script], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "no_such_role_rf" in r.stderr and "不修改已在运行的服务器的认证设置" in r.stderr
    assert _hba() == before
    # a server elsewhere that does not answer is not started here
    env["REQUEST_FLOW_TEST_PG_URL"] = "postgresql+psycopg2://postgres@192.0.2.1:5432/test"
    r = subprocess.run(["bash", script], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 1 and "192.0.2.1:5432" in r.stderr and "无法连接" in r.stderr
    assert _hba() == before
