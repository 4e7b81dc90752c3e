"""What the staff write for the whole report: sections 一, 五 and 六 as text files and table 二 in a small TOML
file, in one folder (created with `request-flow report texts DIR --year Y`):

    overview.txt    一、总体情况                 one paragraph per line (blank lines are ignored)
    problems.txt    五、存在的主要问题及改进情况
    other.txt       六、其他需要报告的事项        optional; the fees collected are added by the engine
    table2.toml     二、主动公开政府信息情况      the numbers of the four small tables (see TABLE2_TEMPLATE)

UTF-8 text. A file that is missing or malformed is bad input, named with the key that is wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..domain.errors import BadInput
from . import os_reason

PLACEHOLDER = "（待填写）"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


MAX_COUNT = 1_000_000_000  # documents or decisions in a year
MAX_FEES = 1_000_000_000.0  # 万元


class Documents(_Strict):
    issued: int = Field(0, ge=0, le=MAX_COUNT)     # 本年制发件数
    repealed: int = Field(0, ge=0, le=MAX_COUNT)   # 本年废止件数
    in_force: int = Field(0, ge=0, le=MAX_COUNT)   # 现行有效件数


class Decisions(_Strict):
    licensing: int = Field(0, ge=0, le=MAX_COUNT)  # 行政许可
    penalty: int = Field(0, ge=0, le=MAX_COUNT)    # 行政处罚
    coercion: int = Field(0, ge=0, le=MAX_COUNT)   # 行政强制


class Charges(_Strict):
    administrative_fees: float = Field(0.0, ge=0, le=MAX_FEES, allow_inf_nan=False)  # 行政事业性收费，万元


class Table2(_Strict):
    rules: Documents = Field(default_factory=Documents)                # 规章
    normative_documents: Documents = Field(default_factory=Documents)  # 行政规范性文件
    decisions: Decisions = Field(default_factory=Decisions)
    charges: Charges = Field(default_factory=Charges)


TABLE2_TEMPLATE = """\
# 二、主动公开政府信息情况（《中华人民共和国政府信息公开条例》第二十条）
# 数字填非负整数；收费金额单位为万元，可有小数。

[rules]                     # 第二十条第（一）项 规章
issued = 0                  # 本年制发件数
repealed = 0                # 本年废止件数
in_force = 0                # 现行有效件数

[normative_documents]       # 第二十条第（一）项 行政规范性文件
issued = 0
repealed = 0
in_force = 0

[decisions]                 # 本年处理决定数量
licensing = 0               # 第二十条第（五）项 行政许可
penalty = 0                 # 第二十条第（六）项 行政处罚
coercion = 0                # 第二十条第（六）项 行政强制

[charges]                   # 第二十条第（八）项
administrative_fees = 0.0   # 行政事业性收费 本年收费金额（单位：万元）
"""

TEXT_FILES = {
    "overview.txt": "一、总体情况",
    "problems.txt": "五、存在的主要问题及改进情况",
    "other.txt": "六、其他需要报告的事项",
}

_TOML_WORDS = {"int_type": "应为非负整数", "float_type": "应为数字", "greater_than_equal": "不能为负数",
               "extra_forbidden": "不认识的项", "model_type": "应为一个表（[节]）", "int_from_float": "应为整数",
               "finite_number": "应为有限的数字（不能是 inf 或 nan）", "less_than_equal": "过大"}


@dataclass
class StaffTexts:
    overview: list[str]
    problems: list[str]
    other: list[str]
    table2: Table2
    warnings: list[str] = field(default_factory=list)


def _paragraphs(text: str, where: str = "") -> list[str]:
    """One paragraph a line. A control character (other than tab) would be dropped or refused by the document
    libraries: it is bad input, named with its line."""
    for n, line in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        for ch in line:
            if (ord(ch) < 32 and ch != "\t") or 0x7F <= ord(ch) < 0xA0:
                raise BadInput(f"{where} 第{n}行含有不可见的控制字符（U+{ord(ch):04X}），请删除后重试")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(f"{path} 不是 UTF-8 编码的文本文件：请另存为 UTF-8") from None
    except OSError as exc:
        raise BadInput(f"无法读取 {path}：{os_reason(exc)}") from None


def parse_table2(text: str, where: str = "table2.toml") -> Table2:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{where} 不是有效的 TOML：{exc}") from None
    except ValueError:  # an integer of thousands of digits
        raise BadInput(f"{where}：有数字过长（表二：主动公开政府信息情况）") from None
    try:
        return Table2.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"])
        raise BadInput(f"{where}：{key} {_TOML_WORDS.get(err['type'], err['msg'])}（表二：主动公开政府信息情况）") from None


def load(folder: Path | None, year: int) -> StaffTexts:
    if folder is None:
        return StaffTexts([PLACEHOLDER], [PLACEHOLDER], ["无"], Table2(),
                          [f"未给出 --texts：一、五、六部分以「{PLACEHOLDER}」代替，表二填0；"
                           f"用 request-flow report texts 文件夹 --year {year} 生成模板"])
    if not folder.is_dir():
        raise BadInput(f"找不到文件夹 {folder}（用 request-flow report texts {folder} --year {year} 生成）")
    missing = [n for n in ("overview.txt", "problems.txt", "table2.toml") if not (folder / n).is_file()]
    if missing:
        raise BadInput(f"{folder} 中缺少 {'、'.join(missing)}（一、总体情况 overview.txt，五、存在的主要问题 problems.txt，"
                       "表二 table2.toml）")
    texts = StaffTexts(_paragraphs(_read(folder / "overview.txt"), str(folder / "overview.txt")),
                       _paragraphs(_read(folder / "problems.txt"), str(folder / "problems.txt")),
                       _paragraphs(_read(folder / "other.txt"), str(folder / "other.txt"))
                       if (folder / "other.txt").is_file() else [],
                       parse_table2(_read(folder / "table2.toml"), str(folder / "table2.toml")))
    for attr, name in (("overview", "overview.txt"), ("problems", "problems.txt")):
        if not getattr(texts, attr):
            texts.warnings.append(f"{name}（{TEXT_FILES[name]}）是空的")
            setattr(texts, attr, [PLACEHOLDER])
    return texts


def write_template(folder: Path, year: int) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"无法创建文件夹 {folder}：{os_reason(exc)}") from None
    files = {
        "overview.txt": f"（{year}年本机关政府信息公开工作的总体情况：主动公开、依申请公开、政府信息管理、平台建设、监督保障。每行一段。）\n",
        "problems.txt": f"（{year}年政府信息公开工作存在的主要问题及改进情况。每行一段。）\n",
        "other.txt": "无\n",
        "table2.toml": TABLE2_TEMPLATE,
    }
    written = []
    for name, content in files.items():
        path = folder / name
        if path.exists():
            continue  # never overwrite what the staff wrote
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
