"""Start-up latency of `request-flow case show ID --json` against the cost of importing its frameworks.

Creates a temporary SQLite database (`request-flow init`), registers one case (`request-flow case new`), then
runs, N times each and interleaved (so that drift hits all three alike):
  A  request-flow case show ID --json                  (the installed entry point)
  B  python -c "import sqlmodel, typer"                (the same interpreter: the floor for a SQLModel+Typer CLI)
  C  python -c pass                                    (the interpreter alone)
and prints median and min of each, and the ratios A/B and A/C. Then it lists the heavy modules that the
`case show --json` path imports, the top-level packages costing the most import time (-X importtime), and
an in-process breakdown (imports, settings + calendar, the query and the JSON).

Target (bench/README.md): A within 1.5x of B. Prints figures only; never fails on timing.

    .venv/bin/python bench/bench_cli_latency.py [-n 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("celery", "weasyprint", "jinja2", "openpyxl", "docx", "docxtpl", "alembic", "rich", "pygments",
         "redis", "kombu", "psycopg2", "markdown_it")

PROBE = """
import sys
from request_flow.cli.main import run
code = run(['case', 'show', sys.argv[1], '--json'])
heavy = set(sys.argv[2].split(','))
print('@@', code, sorted(m for m in sys.modules if m.split('.')[0] in heavy and '.' not in m))
"""

BREAKDOWN = """
import sys, time, io, contextlib
t0 = time.perf_counter()
import typer, sqlmodel
t1 = time.perf_counter()
from request_flow.cli.app import app
t2 = time.perf_counter()
from request_flow import services
ctx = services.context()
t3 = time.perf_counter()
row, events, view = services.show(ctx, sys.argv[1])
t4 = time.perf_counter()
from request_flow.cli import render
from request_flow.cli.app import emit
with contextlib.redirect_stdout(io.StringIO()):
    emit(render.case_json(row, view, events=events, letters=None))
t5 = time.perf_counter()
import json
print('@@' + json.dumps({'import typer+sqlmodel': t1 - t0, 'import request_flow.cli.app': t2 - t1,
      'settings + calendar (context())': t3 - t2, 'load + replay (services.show)': t4 - t3,
      'render JSON': t5 - t4}))
"""


def run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=15)
    args = ap.parse_args()

    py = sys.executable
    cli = str(Path(py).parent / "request-flow")
    if not os.path.exists(cli):
        raise SystemExit(f"no entry point at {cli}: run with the project's venv python")

    tmp = tempfile.TemporaryDirectory(prefix="rf-bench-cli-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REQUEST_FLOW_")}
    env["REQUEST_FLOW_DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.db"
    env["REQUEST_FLOW_DATA_DIR"] = tmp.name
    env.pop("PYTHONPROFILEIMPORTTIME", None)

    print("== bench_cli_latency ==")
    p = run([cli, "init"], env)
    if p.returncode != 0:
        raise SystemExit(f"request-flow init failed: {p.stderr}")
    p = run([cli, "case", "new", "--applicant", "张三", "--type", "natural_person", "--channel", "in_person",
             "--received", "2026-03-02", "--json"], env)
    if p.returncode != 0:
        raise SystemExit(f"request-flow case new failed: {p.stderr}")
    case_id = json.loads(p.stdout)["id"]
    print(f"database {env['REQUEST_FLOW_DATABASE_URL']}, case {case_id}; N={args.n} runs each, interleaved")

    commands = {
        "A request-flow case show --json": [cli, "case", "show", case_id, "--json"],
        "B python -c 'import sqlmodel, typer'": [py, "-c", "import sqlmodel, typer"],
        "C python -c pass": [py, "-c", "pass"],
    }
    for cmd in commands.values():  # warm the OS caches and the .pyc files once
        timed(cmd, env)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(args.n):
        for name, cmd in commands.items():
            times[name].append(timed(cmd, env))

    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    low = {k: min(v) * 1000 for k, v in times.items()}
    for k in commands:
        print(f"  {k:<42} median {med[k]:7.1f} ms   min {low[k]:7.1f} ms")
    a, b, c = list(commands)
    print(f"  ratio A/B (target <= 1.5): median {med[a] / med[b]:.2f}x, min {low[a] / low[b]:.2f}x")
    print(f"  ratio A/C:                 median {med[a] / med[c]:.2f}x, min {low[a] / low[c]:.2f}x")
    print(f"  A - B: {med[a] - med[b]:.1f} ms (median) spent beyond importing sqlmodel and typer")

    # -- what the path imports ------------------------------------------------------------------------------
    p = run([py, "-c", PROBE, case_id, ",".join(HEAVY)], env)
    line = next((ln for ln in p.stdout.splitlines() if ln.startswith("@@")), None)
    print(f"\nheavy modules imported by `case show --json` (checked: {', '.join(HEAVY)}):")
    print(f"  {line[3:] if line else 'probe failed: ' + p.stderr.strip()[-500:]}")

    p = run([py, "-X", "importtime", "-c", PROBE, case_id, ",".join(HEAVY)], env)
    top: dict[str, int] = {}
    for ln in p.stderr.splitlines():
        if not ln.startswith("import time:") or "cumulative" in ln:
            continue
        # "import time:   <self us> | <cumulative us> | <indent><module>"
        self_us, _cum, name = ln[len("import time:"):].split("|", 2)
        pkg = name.strip().split(".")[0]
        top[pkg] = top.get(pkg, 0) + int(self_us)
    total = sum(top.values())
    print(f"\nimport time by top-level package (-X importtime, self time summed; total {total / 1000:.0f} ms):")
    for pkg, us in sorted(top.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {pkg:<22} {us / 1000:7.1f} ms")

    p = run([py, "-c", BREAKDOWN, case_id], env)
    line = next((ln for ln in p.stdout.splitlines() if ln.startswith("@@")), None)
    if line:
        parts = json.loads(line[2:])
        print("\nin-process breakdown of one `case show --json` (one run):")
        for k, v in parts.items():
            print(f"  {k:<34} {v * 1000:7.1f} ms")
    else:
        print(f"\nbreakdown failed: {p.stderr.strip()[-500:]}")

    print(f"\nSUMMARY cli_latency: show_median={med[a]:.0f}ms import_sqlmodel_typer_median={med[b]:.0f}ms "
          f"python_pass_median={med[c]:.0f}ms ratio_A/B={med[a] / med[b]:.2f}x (target <= 1.5x)")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
