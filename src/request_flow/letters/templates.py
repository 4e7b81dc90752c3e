"""The letter templates: a sandboxed Jinja2 environment over a body's own folder and the shipped defaults.

- Sandboxed (`SandboxedEnvironment`): a template cannot reach Python internals (`__class__`, `__globals__`).
- `a.b` on the letter's data reads the field `b` and nothing else (`LetterEnvironment`): Jinja2's own lookup
  finds a dict's methods before its keys, so `{{ correction.items }}` printed "<built-in method items of dict
  object at 0x…>" instead of the items to correct. A field that is not there is undefined, as the static check
  below says. And `{{ }}` prints text and numbers only: a list, a dict, None, a bool or a method would print as
  Python writes it, so printing one is an error (`_finalize`), never a line in a letter.
- `StrictUndefined`: a field that does not exist is an error, never a blank in a letter.
- Autoescaping: applicant text is data and is escaped in HTML; it is passed as values, never compiled.
- Fields are also checked statically, before anything is rendered: every `a.b.c` a template (and the layout and
  partials it uses) reads from the letter's fields must exist in the fields that letter receives, in every
  branch, taken or not (`check_fields`).
- A template's version is the SHA-256 of its text and of every template it extends or includes.
- Bounded work (`Limits`, docs/letters.md, "Template limits"): filling one letter may take at most
  RENDER_SECONDS of wall-clock time and produce at most MAX_TEXT characters. No operation may build a value larger
  than that: `range()` stops at MAX_RANGE items, `*`, `**`, `%` and `str.format` are checked before they run,
  and a filter given a number beyond MAX_TEXT is refused. The clock is checked on every call and every line of
  the template's own code (a trace function of the rendering thread only, so it holds in any thread, a Celery
  worker's included, and costs nothing outside the rendering), and on every piece of output.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplateSyntaxError,
    Undefined,
    UndefinedError,
    meta,
    nodes,
)
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup, escape

from . import LetterError

RENDER_SECONDS = 10.0  # to fill one letter, compiling its template included (default of [letters] render_seconds)
MAX_TEXT = 1_000_000  # characters a letter, or any value built while filling it, may have
MAX_RANGE = 10_000  # items of range() (Jinja2's own sandbox allows 100,000)
_BIG_WIDTH = re.compile(r"\d{7,}|\*")  # a width or precision of a million and more, or one given as an argument


class LimitExceeded(Exception):
    """Filling a letter went beyond the bounds of `Limits`."""


class Limits:
    """The clock of one rendering: started by `running()`, checked by the environment's hooks and, for the
    template's own loops, by a trace function on the rendering thread."""

    def __init__(self, env: SandboxedEnvironment):
        self.env = env
        self.deadline = float("inf")
        self.seconds = RENDER_SECONDS
        self.ticks = 0

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"超过{self.seconds:g}秒仍未完成")

    def _trace(self, frame: Any, event: str, arg: Any) -> Any:
        """Called at every call on the rendering thread: the template's own frames get `_line`, the rest nothing."""
        if frame.f_globals.get("environment") is self.env:
            return self._line
        return None

    def _line(self, frame: Any, event: str, arg: Any) -> Any:
        """Every line of the template's compiled code: the clock is read every 256th (a line is well under a µs)."""
        self.ticks += 1
        if not self.ticks & 255 and time.monotonic() > self.deadline:
            raise LimitExceeded(f"超过{self.seconds:g}秒仍未完成")
        return self._line

    def running(self, seconds: float = RENDER_SECONDS) -> _Running:
        return _Running(self, seconds)


class _Running:
    def __init__(self, limits: Limits, seconds: float):
        self.limits, self.seconds = limits, seconds

    def __enter__(self) -> Limits:
        self.saved = sys.gettrace()
        self.limits.seconds = self.seconds
        self.limits.deadline = time.monotonic() + self.seconds
        sys.settrace(self.limits._trace)
        return self.limits

    def __exit__(self, *exc: object) -> None:
        sys.settrace(self.saved)
        self.limits.deadline = float("inf")


def _size(value: Any) -> int:
    try:
        return len(value)
    except TypeError:
        return 1


def _bounded_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise LimitExceeded(f"range() 最多{MAX_RANGE}项")
    return rng


def _bounded_filter(name: str, func: Any) -> Any:
    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for a in (*args[1:], *kwargs.values()):
            if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_TEXT:
                raise LimitExceeded(f"过滤器 {name} 的参数超过{MAX_TEXT}")
        return func(*args, **kwargs)
    return bounded


class LetterEnvironment(SandboxedEnvironment):
    """The sandbox, with `a.b` and `a["b"]` on a mapping reading its key only (never one of dict's methods), and
    the bounds of `Limits` on the operations that could build a large value or run long."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.limits = Limits(self)
        self.globals["range"] = _bounded_range
        self.filters = {k: _bounded_filter(k, f) for k, f in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.limits.check()
        if operator == "*":
            n = right if isinstance(right, int) else left if isinstance(left, int) else None
            other = left if n is right else right
            if n is not None and not isinstance(other, (int, float)) and _size(other) * max(n, 0) > MAX_TEXT:
                raise LimitExceeded(f"重复后超过{MAX_TEXT}个字符")
        elif operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 1000:
                raise LimitExceeded("乘方的指数超过1000")
        elif operator == "%" and isinstance(left, str):
            if _BIG_WIDTH.search(left):
                raise LimitExceeded("格式中的宽度或精度过大")
        elif operator == "+" and _size(left) + _size(right) > MAX_TEXT:
            raise LimitExceeded(f"连接后超过{MAX_TEXT}个字符")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (as Jinja2 names it)
        __self.limits.check()
        if getattr(__obj, "__name__", None) in ("format", "format_map") and isinstance(getattr(__obj, "__self__", None), str):
            if _BIG_WIDTH.search(__obj.__self__):
                raise LimitExceeded("格式中的宽度或精度过大")
        for a in (*args, *kwargs.values()):
            if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_TEXT:
                raise LimitExceeded(f"参数超过{MAX_TEXT}")
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping):
            return self._key(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Mapping):
            return self._key(obj, argument)
        return super().getitem(obj, argument)

    def _key(self, obj: Mapping, key: Any) -> Any:
        try:
            return obj[key]
        except (KeyError, TypeError):
            return self.undefined(obj=obj, name=key)


def _finalize(value: Any) -> Any:
    """What `{{ }}` may print: text and numbers. Anything else would print as Python's representation of it."""
    if isinstance(value, Undefined) or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    what = ("空值" if value is None else "真假值" if isinstance(value, bool) else "列表" if isinstance(value, (list, tuple, set, frozenset))
            else "字段组" if isinstance(value, Mapping) else "方法" if callable(value) else type(value).__name__)
    raise TemplateRuntimeError(f"输出了一个{what}而不是文字：请引用其中具体的字段（字段见 request-flow letters fields），"
                               "列表请用 {% for %} 逐项引用")


@dataclass
class Source:
    name: str
    origin: str  # the file it came from
    sha256: str


@dataclass
class Templates:
    """The templates of one body: its folder first (if configured), then the defaults."""

    dirs: list[Path]
    env: LetterEnvironment = field(init=False)
    _sources: dict[str, Source] = field(default_factory=dict, init=False)
    _checked: set[tuple[str, str]] = field(default_factory=set, init=False)
    _closures: dict[str, tuple[list[tuple[str, nodes.Template, Source]], list[int]]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for d in self.dirs[:-1]:  # the body's own folder must exist when configured; the defaults always do
            if not d.is_dir():
                raise LetterError(f"配置的文书模板目录 {d} 不存在（[[body]] templates）")
        self.env = LetterEnvironment(
            loader=ChoiceLoader([FileSystemLoader(str(d), encoding="utf-8") for d in self.dirs]),
            undefined=StrictUndefined, autoescape=True, trim_blocks=True, lstrip_blocks=True, finalize=_finalize)
        self.env.filters["br"] = _br
        self.env.filters["clause"] = _clause

    # -- sources and versions -------------------------------------------------------------------------------------

    def source(self, name: str) -> tuple[str, Source]:
        try:
            text, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except TemplateNotFound:
            raise LetterError(f"找不到文书模板 {name}（在 {'、'.join(str(d) for d in self.dirs)} 中）") from None
        except UnicodeDecodeError:
            raise LetterError(f"文书模板 {name} 不是 UTF-8 编码的文本") from None
        src = Source(name, filename or name, hashlib.sha256(text.encode("utf-8")).hexdigest())
        self._sources[name] = src
        return text, src

    def parse(self, name: str) -> tuple[nodes.Template, Source]:
        text, src = self.source(name)
        try:
            return self.env.parse(text, name=name, filename=src.origin), src
        except TemplateSyntaxError as exc:
            raise LetterError(f"文书模板 {name} 第{exc.lineno}行语法错误：{exc.message}") from None

    def closure(self, name: str) -> list[tuple[str, nodes.Template, Source]]:
        """The template and every template it extends, includes or imports (recursively), each once. Kept while
        none of its files changes (checked by modification time, as Jinja2 checks its compiled templates)."""
        cached = self._closures.get(name)
        if cached is not None and all(_stamp(src.origin) == stamp for (_, _, src), stamp in zip(cached[0], cached[1])):
            return cached[0]
        parts = self._closure(name)
        self._closures[name] = (parts, [_stamp(src.origin) for _, _, src in parts])
        return parts

    def _closure(self, name: str) -> list[tuple[str, nodes.Template, Source]]:
        seen: dict[str, tuple[nodes.Template, Source]] = {}
        todo = [name]
        while todo:
            n = todo.pop(0)
            if n in seen:
                continue
            ast, src = self.parse(n)
            seen[n] = (ast, src)
            for ref in meta.find_referenced_templates(ast):
                if ref is None:
                    raise LetterError(f"文书模板 {n} 用变量指定要引用的模板：只能引用写明名称的模板")
                todo.append(ref)
        return [(n, ast, src) for n, (ast, src) in seen.items()]

    def version(self, name: str) -> tuple[str, dict[str, str]]:
        """The SHA-256 of the template and its dependencies, and each source's own hash and origin."""
        parts = self.closure(name)
        h = hashlib.sha256()
        for n, _, src in sorted(parts, key=lambda p: p[0]):
            h.update(f"{n}\0{src.sha256}\n".encode())
        return h.hexdigest(), {n: f"{src.sha256} {src.origin}" for n, _, src in parts}

    # -- checks ---------------------------------------------------------------------------------------------------

    def check_fields(self, name: str, data: dict[str, Any]) -> None:
        """Every field the template and its dependencies read must exist in `data` (all branches)."""
        version, _ = self.version(name)
        if (version, str(data.get("letter", {}).get("kind"))) in self._checked:
            return
        for n, ast, _ in self.closure(name):
            for path, lineno in _field_paths(ast, set(self.env.globals)):
                problem = _missing(path, data)
                if problem:
                    raise LetterError(f"文书模板 {n} 第{lineno}行引用了不存在的字段「{problem}」"
                                      f"（{data.get('letter', {}).get('title', '')}可用的字段见 request-flow letters fields）")
        self._checked.add((version, str(data.get("letter", {}).get("kind"))))

    def render(self, name: str, data: dict[str, Any], seconds: float = RENDER_SECONDS) -> str:
        self.check_fields(name, data)
        try:
            with self.env.limits.running(seconds) as limits:
                template = self.env.get_template(name)
                parts: list[str] = []
                size = 0
                for part in template.generate(data):
                    size += len(part)
                    if size > MAX_TEXT:
                        raise LimitExceeded(f"文书超过{MAX_TEXT}个字符")
                    limits.check()
                    parts.append(part)
                return "".join(parts)
        except LimitExceeded as exc:
            raise LetterError(f"文书模板 {name} 超出模板的限制（{exc}）") from None
        except MemoryError:
            raise LetterError(f"文书模板 {name} 超出模板的限制（内存不足）") from None
        except RecursionError:
            raise LetterError(f"文书模板 {name} 超出模板的限制（嵌套或递归过深）") from None
        except UndefinedError as exc:
            raise LetterError(f"文书模板 {name} 引用了不存在的字段：{exc.message}") from None
        except SecurityError as exc:
            raise LetterError(f"文书模板 {name} 试图做模板不允许的事：{exc}") from None
        except TemplateSyntaxError as exc:
            raise LetterError(f"文书模板 {exc.name or name} 第{exc.lineno}行语法错误：{exc.message}") from None
        except TemplateNotFound as exc:
            raise LetterError(f"文书模板 {name} 引用的模板 {exc.name} 不存在") from None
        except TemplateError as exc:
            raise LetterError(f"文书模板 {name} 无法填写：{exc}") from None
        except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
            raise LetterError(f"文书模板 {name} 填写时出错：{type(exc).__name__}: {exc}") from None


# Bidirectional classes that can move the text around them: right-to-left letters and digits, and the explicit
# embeddings, overrides, isolates and marks (U+202A–202E, U+2066–2069, U+200E/200F, U+061C).
_MOVERS = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
FSI, PDI = "\u2068", "\u2069"


def isolate(value: Any) -> Any:
    """Entered text as the letter prints it: each line that holds a right-to-left character or a bidirectional
    control is set between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, so that it is laid out on its own
    and cannot reorder the statute's words around it (docs/letters.md, "Safety"). The text itself is kept as
    entered, controls included. Lists and mappings are walked; anything else is returned as it is."""
    if isinstance(value, str):
        if not _moves(value):
            return value
        return "\n".join(_isolate_line(line) for line in value.split("\n"))
    if isinstance(value, Mapping):
        return {k: isolate(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(isolate(v) for v in value)
    return value


@functools.lru_cache(maxsize=4096)  # most of a letter's data (the statute's words, the body's) recurs in every letter
def _moves(text: str) -> bool:
    """Whether text holds a character that can reorder what surrounds it (ASCII never does)."""
    return not text.isascii() and any(unicodedata.bidirectional(ch) in _MOVERS or ch in "\u200e\u200f\u061c" for ch in text)


def _isolate_line(line: str) -> str:
    if not line:
        return line
    depth = unmatched = 0  # isolates the line opens and leaves open; isolate ends it has without a start
    for ch in line:
        if ch in "\u2066\u2067\u2068":
            depth += 1
        elif ch == PDI:
            if depth:
                depth -= 1
            else:
                unmatched += 1
    # an unmatched PDI of the line closes one of the extra FSIs, never the isolate around the line; an isolate the
    # line leaves open is closed before ours (and with it any embedding or override the line started)
    return FSI * (1 + unmatched) + line + PDI * (1 + depth)


def _stamp(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def _br(value: Any) -> Markup:
    """Text with its line breaks kept: each line escaped, joined by <br>."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Markup("<br>").join(escape(line) for line in lines)


def _clause(value: Any) -> str:
    """Staff's words inside a sentence: without the full stop they may have typed at the end."""
    return str(value).strip().rstrip("。．.；;，,、 ")


def _chain(node: nodes.Node) -> tuple[list[str], int] | None:
    """`a.b["c"]` -> (["a", "b", "c"], line) when the expression is a plain chain from a name."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            return list(reversed(parts)), node.lineno
        else:
            return None


def _field_paths(ast: nodes.Template, env_globals: set[str]) -> list[tuple[list[str], int]]:
    """The longest field chains read from the letter's data (names the template binds itself are skipped)."""
    free = meta.find_undeclared_variables(ast) - env_globals
    found: list[tuple[list[str], int]] = []
    inner: set[int] = set()
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        for child in node.iter_child_nodes():
            inner.add(id(child))
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in inner:
            continue  # part of a longer chain, checked with it
        chain = _chain(node)
        if chain and chain[0][0] in free and (not isinstance(node, nodes.Name) or node.ctx == "load"):
            found.append(chain)
    return found


def _missing(path: list[str], data: dict[str, Any]) -> str | None:
    """The first part of `path` that the data lacks. A mapping is read by its keys only, as `LetterEnvironment`
    reads it when the letter is filled: `reply.items` is a missing field, not dict.items."""
    value: Any = data
    for i, key in enumerate(path):
        if isinstance(value, dict):
            if key not in value:
                return ".".join(path[: i + 1])
            value = value[key]
        elif isinstance(value, list):
            return None  # items are reached through loop variables, checked when rendered
        elif not hasattr(value, key) or key.startswith("_"):
            return ".".join(path[: i + 1])
        else:
            return None  # a method of a string or number (e.g. .strip), called by the template
    return None
