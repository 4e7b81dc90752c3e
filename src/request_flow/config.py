"""Settings: option > environment (REQUEST_FLOW_*) > config file (TOML) > built-in default.

The built-in default needs nothing configured: a SQLite file in the per-user data folder and an example
body, marked as an example wherever it appears.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
import unicodedata
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .domain.clocks import DELIVERY_METHODS, Policy


class ConfigError(ValueError):
    """A config file or setting that cannot be used; one line, in Chinese."""


def package_data() -> Path:
    """The default configuration shipped with the package (or the repository's config/ in a source tree)."""
    shipped = Path(str(resources.files("request_flow"))) / "_data" / "config"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "config"


@lru_cache(maxsize=1)  # where the package lies does not change while it runs (asked at every letter)
def package_templates() -> Path:
    """The default letter templates shipped with the package (or the repository's templates/)."""
    shipped = Path(str(resources.files("request_flow"))) / "_data" / "templates"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "templates"


# An e-mail address as reminders are sent to it (docs/decisions.md, "E-mail addresses"): ASCII only, a dot-atom
# local part and a host name; no display name, no spaces, commas, angle brackets or line breaks.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def shown_text(value: str) -> str:
    """A value quoted in a one-line message: control and format characters written as escapes."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in value)


def email_problem(address: str) -> str | None:
    """Why `address` cannot receive reminders (one Chinese clause), or None when it can."""
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in address):
        return "含换行符或控制字符（可能被用来插入邮件头）"
    if any(c.isspace() for c in address):
        return "含空格"
    if not address.isascii():
        return ("含非ASCII字符：提醒邮件不使用国际化邮箱地址（SMTPUTF8），请登记ASCII形式的地址"
                "（中文域名请写成 xn-- 开头的形式）")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return "应为「用户名@域名」的形式"
    if len(local) > 64 or len(address) > 254 or not _LOCAL.fullmatch(local):
        return "@前的用户名含有不允许的字符（如逗号、尖括号、引号、分号）"
    if len(domain) > 253 or not all(_LABEL.fullmatch(label) for label in domain.split(".")):
        return "@后的域名无效"
    return None


def check_email(address: str, what: str) -> str:
    """`address` stripped, or ValueError with one Chinese line naming `what` and the rule."""
    address = address.strip(" ")
    problem = email_problem(address)
    if problem:
        raise ValueError(f"{what}「{shown_text(address)}」无效：{problem}")
    return address


class StaffEntry(BaseModel):
    name: str
    role: str = "clerk"
    email: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return check_email(v, "工作人员的电子邮箱") if v else None

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        if v not in ("clerk", "office_head"):
            raise ValueError("role 应为 clerk（工作人员）或 office_head（机构负责人）")
        return v


class BodyProfile(BaseModel):
    """An administrative body: it, not an internal division, issues the letters and answers in court."""

    code: str = Field(pattern=r"^[A-Za-z0-9_]{1,16}$")
    name: str
    short_name: str  # the 文号 prefix, e.g. 示县政办
    review_body: str = ""  # 行政复议机关 (docs/letters.md, "Remedies")
    court: str = ""
    contact: str = ""
    phone: str = ""
    letter_codes: dict[str, str] = Field(default_factory=dict)
    require_registered_staff: bool = False
    example: bool = False
    staff: list[StaffEntry] = Field(default_factory=list)
    # Letters: a folder whose templates replace the default ones of the same name (relative paths are taken
    # from the config file's folder), and the seal printed on the PDF (PNG or JPEG; optional).
    templates: Path | None = None
    seal: Path | None = None
    payment: str = ""  # how to pay a fee (account, payee, where), printed in the fee notice


EXAMPLE_BODY = BodyProfile(
    code="EXAMPLE",
    name="示例县人民政府办公室（示例机关，请配置本机关信息）",
    short_name="示县政办",
    review_body="示例县人民政府",
    court="示例县人民法院",
    example=True,
)


_FONT_NAME = r"^[^'\"{};\\<>]{1,80}$"


class LetterSettings(BaseModel):
    """How letters are issued and printed (docs/letters.md). Fonts are families as fontconfig names them (fc-list);
    the first installed family that has a character prints it, so the defaults end with fonts that cover
    every hanzi (Noto CJK; HanaMin for Extension B and beyond) and emoji."""

    title_fonts: list[Annotated[str, Field(pattern=_FONT_NAME)]] = Field(default_factory=lambda: [
        "方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "HanaMinA", "HanaMinB"])
    body_fonts: list[Annotated[str, Field(pattern=_FONT_NAME)]] = Field(default_factory=lambda: [
        "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", "HanaMinA", "HanaMinB"])
    # Emoji and symbol fonts: fontconfig falls back to them by itself; they are not put in the page's font list
    # (measured: with Noto Color Emoji listed, the digits 0-9 are taken from it) but count in the glyph check.
    symbol_fonts: list[Annotated[str, Field(pattern=_FONT_NAME)]] = Field(default_factory=lambda: [
        "Noto Color Emoji", "Symbola"])
    # Word and WPS have no font fallback list: one family each, as the staff's computers name it.
    docx_title_font: str = Field("方正小标宋简体", pattern=_FONT_NAME)
    docx_body_font: str = Field("仿宋_GB2312", pattern=_FONT_NAME)
    receipt: bool = True  # 登记回执 on registration (or on confirmation of receipt)
    consultation_notice: bool = True  # tell the applicant that a consultation pauses the clock (Art. 33 ¶3)
    closure: bool = True  # 终止办理告知书 for no_correction and fee_unpaid (optional, docs/letters.md)
    # 文号 serials run per body, year and letter type; `shared_series` makes all types of a body share one series
    shared_series: bool = False
    archive_dir: Path | None = None  # default: <data folder>/letters
    # Who draws the PDF and DOCX (docs/letters.md, "Rendering by the workers"): "auto" = the Celery workers when a
    # broker is configured, else the command itself; "inline" = always the command; "workers" = always the workers.
    render: str = Field("auto", pattern=r"^(auto|inline|workers)$")
    render_tries: int = Field(3, ge=1, le=20)  # a letter whose rendering failed this often is marked failed
    render_retry_seconds: float = Field(120, ge=0, le=86400)  # a pending letter untouched this long is queued again
    render_timeout_seconds: float = Field(300, ge=5, le=3600)  # a try still running this long is killed, and counts

    def renders_in_workers(self, broker_url: str | None) -> bool:
        return self.render == "workers" or (self.render == "auto" and bool(broker_url))
    # wall-clock seconds to fill one letter's template (docs/letters.md, "Template limits"); a letter takes milliseconds
    render_seconds: float = Field(10.0, gt=0, le=300)


class PolicySettings(BaseModel):
    """The practice choices (docs/decisions.md). A case keeps the counting rule it was registered under."""

    correction_period: int = Field(15, ge=1, le=60)
    reasons_period: int = Field(15, ge=1, le=60)
    deemed_delivery_days: int = Field(0, ge=0, le=30)  # consultation letters, and notices recorded before --delivery
    default_delivery: str = "post"  # how notices are sent unless --delivery says otherwise
    # calendar days from issue to the deemed receipt, per delivery method; a method not listed has no rule
    deemed_delivery: dict[str, int] = Field(default_factory=lambda: {"in_person": 0, "electronic": 0})
    fee_pauses_reply: bool = True
    shift_nonworking_receipt: bool = False
    allow_provisional: bool = True
    override_wait_days: int = Field(0, ge=0, le=60)

    @field_validator("default_delivery")
    @classmethod
    def _method(cls, v: str) -> str:
        if v not in DELIVERY_METHODS:
            raise ValueError(f"default_delivery 应为 {'、'.join(DELIVERY_METHODS)} 之一")
        return v

    @field_validator("deemed_delivery")
    @classmethod
    def _deemed(cls, v: dict[str, int]) -> dict[str, int]:
        for method, days in v.items():
            if method not in DELIVERY_METHODS:
                raise ValueError(f"deemed_delivery 的送达方式「{method}」不存在，应为 {'、'.join(DELIVERY_METHODS)}")
            if not 0 <= days <= 30:
                raise ValueError(f"deemed_delivery.{method} 应为 0 至 30 之间的日历天数")
        return v

    def policy(self) -> Policy:
        values = self.model_dump()
        values["deemed_delivery"] = tuple((m, self.deemed_delivery.get(m)) for m in DELIVERY_METHODS)
        return Policy(**values)


class ReminderSettings(BaseModel):
    """The deadline workers: when reminders go out, how the outbox retries, how often the schedule runs."""

    offsets: list[int] = Field(default_factory=lambda: [5, 3, 1, 0])  # working days before each deadline
    overdue_daily: bool = True  # once overdue: one reminder each working day
    head_offsets: int = Field(3, ge=0, le=20)  # reply due within this many working days: the head is told too
    sender: str = "request-flow <request-flow@localhost>"
    sweep_seconds: float = Field(300, gt=0, le=86400)  # the beat schedule's sweep
    dispatch_seconds: float = Field(30, gt=0, le=3600)  # the outbox is re-read this often
    digest: bool = True  # the morning digest from the workers' schedule (and its catch-up); `deadlines digest` still runs
    digest_time: str = Field("08:30", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")  # working days, Asia/Shanghai
    retry_base_seconds: float = Field(30, gt=0, le=3600)  # SMTP 4xx / connection errors: 30 s, 60 s, 120 s ...
    retry_max_seconds: float = Field(1800, gt=0, le=86400)
    lease_seconds: float = Field(120, ge=1, le=3600)  # one sender at a time; a dead sender's lease runs out
    smtp_timeout: float = Field(30, gt=0, le=600)
    requeue_seconds: float = Field(120, gt=0, le=86400)  # a queued reminder not sent by then is nudged again

    @field_validator("sender")
    @classmethod
    def _sender(cls, v: str) -> str:
        address = v.rsplit("<", 1)[1].removesuffix(">") if v.endswith(">") and "<" in v else v
        if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in v):
            raise ValueError(f"发件人「{shown_text(v)}」含换行符或控制字符")
        check_email(address, "发件人地址")
        return v

    @field_validator("offsets")
    @classmethod
    def _offsets(cls, v: list[int]) -> list[int]:
        if not v or any(o < 0 or o > 60 for o in v):
            raise ValueError("提醒时点应为 0 至 60 之间的工作日数，如 [5, 3, 1, 0]")
        return sorted(set(v), reverse=True)
class ReportSettings(BaseModel):
    """[report]: how the annual report counts where the format leaves a choice (docs/decisions.md)."""

    model_config = {"extra": "forbid"}

    # table 四: "filed" (appeals filed in the year) or "activity" (decided in the year, plus those pending at its end)
    appeals_counted_by: str = Field("filed", pattern=r"^(filed|activity)$")


class _TomlSource(PydanticBaseSettingsSource):
    def __init__(self, settings_cls: type[BaseSettings], path: Path | None):
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # pragma: no cover - unused
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            doc = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"找不到配置文件 {self.path}") from None
        except IsADirectoryError:
            raise ConfigError(f"配置文件 {self.path} 是文件夹，应为 TOML 文件") from None
        except OSError as exc:
            raise ConfigError(f"无法读取配置文件 {self.path}：{exc.strerror or type(exc).__name__}") from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"配置文件 {self.path} 格式错误（应为 UTF-8 编码的 TOML）：{exc}") from None
        if "body" in doc:
            doc["bodies"] = doc.pop("body")
        # The file's names for two settings whose fields are named otherwise. Not field aliases: pydantic-settings
        # would also read an alias from the environment without the REQUEST_FLOW_ prefix, so that a stray `POLICY`
        # variable could change the statutory periods.
        for key, name in (("policy", "policy_settings"), ("calendar_dirs", "calendar_dirs_extra")):
            if key in doc:
                doc[name] = doc.pop(key)
        return doc


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REQUEST_FLOW_", extra="forbid")

    config: Path | None = None
    database_url: str | None = None
    body: str | None = None
    user: str | None = None
    broker_url: str | None = None
    smtp_url: str | None = None
    notify_to: str | None = None
    timezone: str = "Asia/Shanghai"
    data_dir: Path | None = None
    calendar_dirs_extra: list[Path] = Field(default_factory=list)  # `calendar_dirs` in the file
    policy_settings: PolicySettings = Field(default_factory=PolicySettings)  # `[policy]` in the file
    bodies: list[BodyProfile] = Field(default_factory=list)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    letters: LetterSettings = Field(default_factory=LetterSettings)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings):
        path = os.environ.get("REQUEST_FLOW_CONFIG")
        init_path = init_settings.init_kwargs.get("config") if hasattr(init_settings, "init_kwargs") else None
        chosen = init_path or path
        return (init_settings, env_settings, _TomlSource(settings_cls, Path(chosen) if chosen else None))

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"时区「{v}」不存在（如 Asia/Shanghai）") from None
        return v

    @field_validator("database_url")
    @classmethod
    def _database(cls, v: str | None) -> str | None:
        if v is None:
            return v
        scheme = _url_scheme(v)
        if scheme.split("+")[0] not in ("sqlite", "postgresql"):
            raise ValueError(f"数据库地址「{masked_url(v)}」无效：应为 sqlite:///文件路径 或 postgresql+psycopg2://用户@主机/库名")
        try:
            from sqlalchemy.engine import make_url

            url = make_url(v)
            url.port  # noqa: B018 - parsed lazily: a port that is not a number fails here
        except Exception:
            raise ValueError(f"数据库地址「{masked_url(v)}」无效：无法解析（端口应为数字）") from None
        if scheme.startswith("sqlite") and (url.database in (None, "", ":memory:") or "mode=memory" in v):
            raise ValueError("数据库地址指向内存中的 SQLite 数据库，命令结束时即消失：请写数据库文件的路径，如 sqlite:///request-flow.db")
        return v

    @field_validator("broker_url")
    @classmethod
    def _broker(cls, v: str | None) -> str | None:
        if v is not None:
            _check_url(v, "REQUEST_FLOW_BROKER_URL", ("redis", "rediss", "memory"), "redis://主机:端口/库号")
        return v

    @field_validator("smtp_url")
    @classmethod
    def _smtp(cls, v: str | None) -> str | None:
        if v is not None:
            _check_url(v, "REQUEST_FLOW_SMTP_URL", ("smtp", "smtps"), "smtp://主机:端口 或 smtps://主机:端口", host=True)
        return v

    @field_validator("calendar_dirs_extra")
    @classmethod
    def _dirs(cls, v: list[Path]) -> list[Path]:
        for p in v:
            if not Path(p).is_dir():
                raise ValueError(f"日历目录 {p} 不存在")
        return v

    # -- derived -----------------------------------------------------------------------------------------

    def data_folder(self) -> Path:
        if self.data_dir:
            return self.data_dir
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "request-flow"

    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        folder = self.data_folder()
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'request-flow.db'}"

    def calendar_dirs(self) -> list[Path]:
        dirs = [package_data() / "calendar"]
        if self.config:
            dirs.append(Path(self.config).parent / "calendar")
        return dirs + [Path(p) for p in self.calendar_dirs_extra]

    def policy(self) -> Policy:
        return self.policy_settings.policy()

    def _from_config(self, path: Path) -> Path:
        path = Path(path).expanduser()
        if not path.is_absolute() and self.config:
            path = Path(self.config).resolve().parent / path
        return path.resolve()

    def templates_dirs(self, body: BodyProfile) -> list[Path]:
        """Where a body's letter templates are looked up: its own folder first, then the shipped defaults."""
        dirs = [package_templates() / "replies"]
        if body.templates:
            dirs.insert(0, self._from_config(body.templates))
        return dirs

    def seal_path(self, body: BodyProfile) -> Path | None:
        return self._from_config(body.seal) if body.seal else None

    def archive_dir(self) -> Path:
        if self.letters.archive_dir:
            return self._from_config(self.letters.archive_dir)
        return self.data_folder() / "letters"

    def all_bodies(self) -> list[BodyProfile]:
        return self.bodies or [EXAMPLE_BODY]

    def current_body(self) -> BodyProfile:
        bodies = self.all_bodies()
        if self.body:
            for b in bodies:
                if b.code == self.body:
                    return b
            raise ConfigError(f"没有配置代码为「{self.body}」的机关（已配置：{'、'.join(b.code for b in bodies)}）")
        if len(bodies) > 1:
            raise ConfigError(f"配置了多个机关，请用 --body 或 REQUEST_FLOW_BODY 指定（{'、'.join(b.code for b in bodies)}）")
        return bodies[0]

    def acting_user(self) -> str:
        if self.user:
            return self.user
        try:
            return getpass.getuser()
        except Exception:  # no login name in some containers
            return "unknown"


_overrides: dict[str, Any] = {}

# user:password@ up to the last @ (a password may hold an unescaped / or @ where a malformed URL is concerned)
_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/?#@:]*:)(.*)(@)(?=[^@]*$)")


def local_time(moment: datetime | None, zone: str) -> datetime | None:
    """A recorded moment in the office's time zone (`timezone`, docs/contract.md "Times"): the database keeps UTC, and
    SQLite hands a moment back without its zone, so a naive one is UTC. Dates of acts are never converted: they
    are the days the clerk entered."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone))


def iso_time(moment: datetime | None, zone: str) -> str | None:
    """The moment for JSON: local time with its offset, to the second (2026-12-01T07:36:12+08:00)."""
    local = local_time(moment, zone)
    return local.isoformat(timespec="seconds") if local else None


def masked_url(url: str) -> str:
    """The URL as any line may print it: a password is shown as ***, whether or not the rest of it parses."""
    return _PASSWORD.sub(r"\1***\3", url.strip())


def _url_scheme(url: str) -> str:
    return url.strip().split("://", 1)[0].lower() if "://" in url else ""


def _check_url(url: str, what: str, schemes: tuple[str, ...], form: str, host: bool = False) -> None:
    """A service URL that parses: its scheme, its host, a numeric port (never printed with its password)."""
    from urllib.parse import urlsplit

    bad = f"{what}「{masked_url(url)}」无效：应为 {form}"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - a port that is not a number, or out of range, fails here
    except ValueError:
        raise ValueError(bad) from None
    if parts.scheme.lower() not in schemes or (host and not parts.hostname):
        raise ValueError(bad)


def configure(**options: Any) -> None:
    """Command-line options: the highest precedence."""
    _overrides.clear()
    _overrides.update({k: v for k, v in options.items() if v is not None})
    get_settings.cache_clear()


_PYDANTIC_WORDS = {
    "extra_forbidden": "不认识的设置项",
    "missing": "缺少必填项",
    "string_pattern_mismatch": "格式不符合要求",
    "string_type": "应为文字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "数值太小",
    "greater_than": "数值应大于零",
    "less_than_equal": "数值太大",
    "list_type": "应为列表",
}


def _explain(exc: ValidationError) -> str:
    err = exc.errors()[0]
    names = {"bodies": "body", "policy_settings": "policy", "calendar_dirs_extra": "calendar_dirs"}  # as the file says
    where = ".".join(names.get(str(p), str(p)) for p in err["loc"])
    words = _PYDANTIC_WORDS.get(err["type"]) or err["msg"].removeprefix("Value error, ")
    return f"配置有误：{where}：{words}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings(**_overrides)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from None
