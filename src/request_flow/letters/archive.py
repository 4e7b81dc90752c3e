"""The archive of issued letters: what was sent, kept as sent.

The database is the record: each letter's files (bytes and SHA-256), its template and version, the data it was
rendered from and who issued it, written in the act's own transaction (append-only tables). Copies of the files
live under the data folder (`<data>/letters/<body>/<year>/<文号>.<format>`, read-only) for staff to open and
print; they are written after the commit and re-written from the database whenever one is missing or does not
match its hash, so a crash between commit and file write loses nothing and a damaged copy is never handed out.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from ..store.models import Letter, LetterFile, LetterRender, LetterRenderTry
from . import LetterError
from .issue import Rendered

FORMAT_ORDER = ("pdf", "docx", "html")


@lru_cache(maxsize=1)
def engine_versions() -> str:  # read once a process: importlib.metadata parses the packages' files every call
    from importlib.metadata import version

    return " ".join(f"{p}/{version(p)}" for p in ("weasyprint", "python-docx", "jinja2"))


def store(conn: Any, r: Rendered, user: str) -> None:
    """Insert the letter's render record and files (the `letter` row itself is written by the act)."""
    conn.execute(insert(LetterRender.__table__), {
        "number": r.number, "variant": r.variant, "addressee": r.addressee, "template": r.template,
        "template_sha256": r.template_sha256, "sources": r.sources, "data": r.data, "fonts": r.fonts,
        "engine": engine_versions(), "rendered_by": user, "rendered_at": datetime.now(ZoneInfo("UTC"))})
    store_files(conn, r.number, r.files)


def _safe(number: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", number)


def path_for(settings: Any, body: str, year: int, number: str, fmt: str) -> Path:
    return settings.archive_dir() / body / str(year) / f"{_safe(number)}.{fmt}"


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_copy(path: Path, content: bytes) -> None:
    """Atomically (temporary file, then rename), read-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.chmod(tmp, 0o444)
    os.replace(tmp, path)


def materialize(settings: Any, body: str, year: int, number: str, files: dict[str, bytes]) -> dict[str, Path]:
    """Write the copies of freshly issued files; a failure here loses nothing (the database has them)."""
    paths = {}
    for fmt in sorted(files, key=FORMAT_ORDER.index):
        p = path_for(settings, body, year, number, fmt)
        try:
            write_copy(p, files[fmt])
        except OSError:
            pass  # re-written from the database the next time the letter is listed or printed
        paths[fmt] = p
    return paths


@dataclass
class Tries:
    """The workers' tries at a letter (table letter_render_try): how many started, how many failed and why."""

    started: int = 0
    errors: int = 0
    last_error: str | None = None
    last_start: datetime | None = None


@dataclass
class Archived:
    letter: Letter
    render: LetterRender | None
    files: dict[str, tuple[str, int]]  # format -> (sha256, size)
    tries: Tries

    @property
    def drawn(self) -> bool:
        """Its PDF and DOCX are archived (an act that renders itself stores them with the letter)."""
        return "pdf" in self.files and "docx" in self.files

    def failed(self, allowed: int, timeout_seconds: float) -> str | None:
        """The reason, once the workers have used up their tries without drawing it: `allowed` tries failed, or
        were started and never finished (the process died): the last started longer ago than a try may run
        (`timeout_seconds`, the workers' time limit for a render)."""
        t = self.tries
        if self.drawn or self.render is None or t.started < allowed:
            return None
        if t.errors >= allowed:
            return t.last_error
        if t.last_start is not None and (datetime.now(ZoneInfo("UTC")) - _utc(t.last_start)).total_seconds() > timeout_seconds:
            return t.last_error or "生成文书的进程多次中断"
        return None  # the last try is still under way

    def pending(self, allowed: int, timeout_seconds: float) -> bool:
        """Waiting for the workers (a letter reserved before letters were issued has no render and never waits)."""
        return self.render is not None and not self.drawn and self.failed(allowed, timeout_seconds) is None


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def load(s: Any, letters: list[Letter]) -> list[Archived]:
    numbers = [x.number for x in letters]
    renders = {r.number: r for r in s.execute(select(LetterRender).where(LetterRender.number.in_(numbers))).scalars()}
    files: dict[str, dict[str, tuple[str, int]]] = {}
    q = select(LetterFile.number, LetterFile.format, LetterFile.sha256, LetterFile.size).where(LetterFile.number.in_(numbers))
    for number, fmt, sha, size in s.execute(q):
        files.setdefault(number, {})[fmt] = (sha, size)
    tries: dict[str, Tries] = {}
    q2 = (select(LetterRenderTry.number, LetterRenderTry.error, LetterRenderTry.at)
          .where(LetterRenderTry.number.in_(numbers)).order_by(LetterRenderTry.id))
    for number, error, at in s.execute(q2):
        t = tries.setdefault(number, Tries())
        if error is None:
            t.started, t.last_start = t.started + 1, at
        else:
            t.errors, t.last_error = t.errors + 1, error
    return [Archived(x, renders.get(x.number), files.get(x.number, {}), tries.get(x.number, Tries())) for x in letters]


def store_files(conn: Any, number: str, files: dict[str, bytes]) -> None:
    """The files the workers drew, added to the letter's archive (its HTML was stored by the act)."""
    conn.execute(insert(LetterFile.__table__), [
        {"number": number, "format": fmt, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
         "content": content} for fmt, content in files.items()])


def record_try(conn: Any, number: str, worker: str, error: str | None = None) -> None:
    conn.execute(insert(LetterRenderTry.__table__), {"number": number, "at": datetime.now(ZoneInfo("UTC")),
                                                     "worker": worker, "error": error})


def ensure_copies(settings: Any, s: Any, a: Archived) -> dict[str, Path]:
    """The copies under the data folder, each checked against its hash and re-written from the database if needed."""
    paths: dict[str, Path] = {}
    for fmt in sorted(a.files, key=lambda f: FORMAT_ORDER.index(f) if f in FORMAT_ORDER else 99):
        sha, _ = a.files[fmt]
        p = path_for(settings, a.letter.body, a.letter.issued_on.year, a.letter.number, fmt)
        if _sha(p) != sha:
            content = content_of(s, a.letter.number, fmt, sha)
            try:
                write_copy(p, content)
            except OSError as exc:
                raise LetterError(f"无法写入文书归档目录 {p.parent}（{exc.strerror or type(exc).__name__}）") from None
        paths[fmt] = p
    return paths


def content_of(s: Any, number: str, fmt: str, sha: str | None = None) -> bytes:
    row = s.execute(select(LetterFile.content, LetterFile.sha256).where(LetterFile.number == number,
                                                                         LetterFile.format == fmt)).first()
    if row is None:
        raise LetterError(f"文书 {number} 没有 {fmt.upper()} 文件")
    content = bytes(row.content)
    if hashlib.sha256(content).hexdigest() != row.sha256 or (sha and sha != row.sha256):
        raise LetterError(f"文书 {number} 的 {fmt.upper()} 文件与归档时的校验值不符：归档已损坏，请勿使用，并报告系统管理员")
    return content
