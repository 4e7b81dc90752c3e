"""Letter rendering throughput: HTML (sandboxed Jinja2), DOCX (python-docx), PDF (WeasyPrint), one core and a
batch on every core.

Renders the 33 letters of the shipped set with their sample data (`letters preview` data: the example body, a
case received 2025-03-03), round-robin:
  - HTML: `Templates.render` (sandboxed, StrictUndefined, autoescape, static field check cached) + the glyph
    check of the text against the configured fonts; baseline: the same templates through a plain
    `jinja2.Environment` (no sandbox, no autoescape) in the same run.
  - DOCX: the DOCX built from each letter's parsed HTML; baseline: python-docx saving an empty document.
  - PDF: WeasyPrint, fonts embedded (HarfBuzz subsetting); first PDF timed apart (font loading); then N in one
    process, and a batch of N across all cores (a process pool, fork); baseline: the same number of one-page
    Latin-only PDFs (no CJK font to subset) in one process.
Targets (issue 4): HTML >= 500 letters/s, DOCX >= 50/s, PDF about 130 ms a letter, batch on both cores.
Prints figures only; never fails on timing.

    .venv/bin/python bench/bench_letters.py [--html 2000] [--docx 200] [--pdf 24]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def _pdf_job(args):
    kind, variant = args
    from request_flow import services
    from request_flow.letters import issue

    ctx = services.context()
    t0 = time.perf_counter()
    r = issue.render_data(ctx.settings, ctx.body, issue.sample_data(ctx, kind, variant), formats=("pdf",))
    return time.perf_counter() - t0, len(r.files["pdf"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html", type=int, default=2000)
    ap.add_argument("--docx", type=int, default=200)
    ap.add_argument("--pdf", type=int, default=24)
    args = ap.parse_args()
    for k in [k for k in os.environ if k.startswith("REQUEST_FLOW_")]:
        del os.environ[k]
    tmp = tempfile.TemporaryDirectory(prefix="rf-bench-letters-")
    os.environ["REQUEST_FLOW_DATA_DIR"] = tmp.name

    from request_flow import services
    from request_flow.letters import fields, issue, render

    ctx = services.context()
    letters = fields.all_letters()
    datas = [issue.sample_data(ctx, k, v) for k, v in letters]
    style = render.Style.of(ctx.settings)
    tpl = issue.templates_for(ctx.settings, ctx.body)
    print("== bench_letters ==")
    print(f"{len(letters)} letters of the shipped set; {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}")

    # -- HTML --------------------------------------------------------------------------------------------------------
    full = [{**d, "page_css": style.css(), "seal": ""} for d in datas]
    names = [fields.template_name(k, v) for k, v in letters]
    for n, d in zip(names, full):  # compile once, as a long-running process would
        tpl.render(n, d)
    t0 = time.perf_counter()
    for i in range(args.html):
        j = i % len(names)
        tpl.render(names[j], full[j])
    t_html = time.perf_counter() - t0
    t0 = time.perf_counter()
    roots = []
    for i in range(args.html):
        j = i % len(names)
        root = render.parse(tpl.render(names[j], full[j]))
        render.check_glyphs(root, style)
        if i < len(names):
            roots.append(root)
    t_html_checked = time.perf_counter() - t0

    import jinja2

    plain = jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in ctx.settings.templates_dirs(ctx.body)]),
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    plain.filters.update(tpl.env.filters)
    for n, d in zip(names, full):
        plain.get_template(n).render(d)
    t0 = time.perf_counter()
    for i in range(args.html):
        j = i % len(names)
        plain.get_template(names[j]).render(full[j])
    t_plain = time.perf_counter() - t0
    print(f"HTML  sandboxed+autoescape: {args.html / t_html:,.0f} letters/s ({t_html / args.html * 1000:.2f} ms); "
          f"with parse + glyph check: {args.html / t_html_checked:,.0f}/s; "
          f"baseline plain Environment: {args.html / t_plain:,.0f}/s  (target >= 500/s)")

    # -- DOCX --------------------------------------------------------------------------------------------------------
    from docx import Document

    render.docx(roots[0], style, "warm-up")
    t0 = time.perf_counter()
    size = 0
    for i in range(args.docx):
        size += len(render.docx(roots[i % len(roots)], style, "bench"))
    t_docx = time.perf_counter() - t0
    import io

    t0 = time.perf_counter()
    for _ in range(args.docx):
        Document().save(io.BytesIO())
    t_empty = time.perf_counter() - t0
    print(f"DOCX  {args.docx / t_docx:,.0f} letters/s ({t_docx / args.docx * 1000:.1f} ms, {size / args.docx / 1024:.0f} KiB); "
          f"baseline empty python-docx document: {args.docx / t_empty:,.0f}/s  (target >= 50/s)")

    # -- PDF ---------------------------------------------------------------------------------------------------------
    t0 = time.perf_counter()
    first = render.pdf(tpl.render(names[0], full[0]))
    t_first = time.perf_counter() - t0
    htmls = [tpl.render(names[i % len(names)], full[i % len(names)]) for i in range(args.pdf)]
    t0 = time.perf_counter()
    sizes = [len(render.pdf(h)) for h in htmls]
    t_pdf = time.perf_counter() - t0
    latin = "<html><body><h1>Letter</h1>" + "<p>Lorem ipsum dolor sit amet, consectetur adipiscing.</p>" * 12 + "</body></html>"
    render.pdf(latin)
    t0 = time.perf_counter()
    for _ in range(args.pdf):
        render.pdf(latin)
    t_latin = time.perf_counter() - t0
    print(f"PDF   first {t_first * 1000:.0f} ms ({len(first) / 1024:.0f} KiB); one core: {args.pdf / t_pdf:.1f} letters/s "
          f"({t_pdf / args.pdf * 1000:.0f} ms a letter, {sum(sizes) / len(sizes) / 1024:.0f} KiB); "
          f"baseline Latin-only page: {t_latin / args.pdf * 1000:.0f} ms")

    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    jobs = [letters[i % len(letters)] for i in range(args.pdf * 2)]
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        list(pool.map(_pdf_job, letters[:workers]))  # warm each worker (imports, fonts)
        t0 = time.perf_counter()
        results = list(pool.map(_pdf_job, jobs))
        t_batch = time.perf_counter() - t0
    print(f"PDF   batch of {len(jobs)} on {workers} processes: {len(jobs) / t_batch:.1f} letters/s "
          f"({t_batch / len(jobs) * 1000:.0f} ms a letter wall, {sum(r[0] for r in results) / len(results) * 1000:.0f} ms "
          f"each in its worker); speed-up over one core {len(jobs) / t_batch / (args.pdf / t_pdf):.2f}×")
    print(f"\nSUMMARY letters: HTML {args.html / t_html:.0f}/s (checked {args.html / t_html_checked:.0f}/s), "
          f"DOCX {args.docx / t_docx:.0f}/s, PDF {t_pdf / args.pdf * 1000:.0f} ms/letter one core, "
          f"batch {len(jobs) / t_batch:.1f}/s on {workers} cores")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
