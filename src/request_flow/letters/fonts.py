"""Which installed font files stand behind the configured font families, and which characters they can show.

A character no configured font has would print as a blank box (or be taken from whatever font fontconfig finds):
it is refused before the letter is issued, naming the character (docs/letters.md, "Safety"). Families are resolved
with `fc-list` (what WeasyPrint's fontconfig sees); each file's character map is read once with fontTools and
kept in a small cache file keyed by the font file's path, size and modification time.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import LetterError


@dataclass(frozen=True)
class FontFile:
    family: str
    path: str
    index: int
    style: str


@lru_cache(maxsize=1)
def installed() -> dict[str, list[FontFile]]:
    """Every family name (each of its localized names, lower-cased) -> its font files."""
    try:
        out = subprocess.run(["fc-list", "--format", "%{family}\t%{index}\t%{style}\t%{file}\n"], capture_output=True,
                             text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        raise LetterError("找不到 fontconfig（fc-list），无法确定已安装的字体：请安装 fontconfig 和 fonts-noto-cjk"
                          "（scripts/letters-packages.sh）") from None
    families: dict[str, list[FontFile]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        names, index, style, path = parts
        for name in names.split(","):
            if name.strip():
                families.setdefault(name.strip().lower(), []).append(
                    FontFile(name.strip(), path, int(index or 0), style.split(",")[0]))
    return families


def resolve(stack: list[str]) -> list[FontFile]:
    """The installed files of the configured families, in the configured order (missing families are skipped)."""
    files: list[FontFile] = []
    fams = installed()
    for family in stack:
        for f in fams.get(family.lower(), []):
            if f not in files:
                files.append(f)
    return files


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "request-flow" / "fonts"


@lru_cache(maxsize=64)
def coverage(path: str, index: int) -> frozenset[int]:
    """The code points a font file maps to glyphs (its best cmap), cached on disk as ranges."""
    st = os.stat(path)
    key = hashlib.sha256(f"{path}\0{index}\0{st.st_size}\0{st.st_mtime_ns}".encode()).hexdigest()[:32]
    cache = _cache_dir() / f"{key}.json"
    try:
        ranges = json.loads(cache.read_text(encoding="utf-8"))
        return frozenset(cp for a, b in ranges for cp in range(a, b + 1))
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True) if path.lower().endswith((".ttc", ".otc")) else TTFont(path, lazy=True)
        cmap = font.getBestCmap() or {}
    except Exception as exc:  # a broken font file: say which
        raise LetterError(f"字体文件 {path} 无法读取（{type(exc).__name__}）") from None
    points = sorted(cmap)
    ranges: list[list[int]] = []
    for cp in points:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(ranges), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only home: the check still works, only slower
    return frozenset(points)


def needs_glyph(ch: str) -> bool:
    """Whitespace, controls, format characters and variation selectors are not drawn from a font's cmap."""
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Zl", "Zp") or ch in " \u00a0":
        return False
    cp = ord(ch)
    return not (0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF)


def char_name(ch: str) -> str:
    return f"「{ch}」（U+{ord(ch):04X}）"


def check(text: str, stack: list[str], what: str) -> list[FontFile]:
    """Refuse text with a character that no installed font of `stack` can show; return the files used."""
    files = resolve(stack)
    if not files:
        raise LetterError(f"{what}配置的字体（{'、'.join(stack)}）一个也没有安装：请安装 fonts-noto-cjk"
                          "（scripts/letters-packages.sh）或修改配置 [letters]")
    shown = _shown.setdefault(tuple(stack), set())
    new = set(text) - shown  # most of a letter is the template's own wording, checked with the first letter
    if new:
        maps = [coverage(f.path, f.index) for f in files]
        for ch in sorted(new, key=text.index):  # the first offending character of the text is the one named
            if needs_glyph(ch) and not any(ord(ch) in m for m in maps):
                raise LetterError(f"{what}中的字符{char_name(ch)}在配置的字体中都没有字形，打印出来会是空白方框：请安装含有该字的"
                                  f"字体并加入配置 [letters] 的字体列表（当前：{'、'.join(stack)}）")
        shown.update(new)
    return files


_shown: dict[tuple[str, ...], set[str]] = {}  # per font list: the characters found in its fonts (the fonts are read once a process)
