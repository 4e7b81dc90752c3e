"""The closed sets of codes the statute and the report format fix: applicant types, channels, outcomes.

Codes are stable identifiers (database, files, JSON); people see the Chinese labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ApplicantType(StrEnum):
    """The six applicant types, which are also the columns of annual-report table 三."""

    NATURAL_PERSON = "natural_person"
    COMMERCIAL = "commercial"
    RESEARCH = "research"
    PUBLIC_INTEREST = "public_interest"
    LEGAL_SERVICE = "legal_service"
    OTHER = "other"

    @property
    def label(self) -> str:
        return APPLICANT_TYPE_LABELS[self]


APPLICANT_TYPE_LABELS = {
    ApplicantType.NATURAL_PERSON: "自然人",
    ApplicantType.COMMERCIAL: "商业企业",
    ApplicantType.RESEARCH: "科研机构",
    ApplicantType.PUBLIC_INTEREST: "社会公益组织",
    ApplicantType.LEGAL_SERVICE: "法律服务机构",
    ApplicantType.OTHER: "其他组织",
}


class Channel(StrEnum):
    """How the application arrived; it decides the statutory date of receipt (Art. 31)."""

    IN_PERSON = "in_person"
    REGISTERED_MAIL = "registered_mail"
    ORDINARY_MAIL = "ordinary_mail"
    ONLINE = "online"
    FAX = "fax"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]

    @property
    def needs_confirmation(self) -> bool:
        """Art. 31 (二)(三): the date of receipt is the day the office confirms with the applicant."""
        return self in (Channel.ORDINARY_MAIL, Channel.ONLINE, Channel.FAX)


CHANNEL_LABELS = {
    Channel.IN_PERSON: "当面提交",
    Channel.REGISTERED_MAIL: "邮寄（需签收）",
    Channel.ORDINARY_MAIL: "平常信函",
    Channel.ONLINE: "互联网渠道",
    Channel.FAX: "传真",
}

# The name an imported case carries when the body's history did not record the applicant: never a person, so
# never matched with another case (fees count one applicant's applications, docs/procedure.md, "Fees").
UNNAMED_APPLICANT = "（导入的历史记录，未载申请人）"

# Facts a decision may carry (docs/contract.md, "The facts of a decision"); the key is the CLI option without dashes.
FACT_LABELS = {
    "reason": "理由",
    "provided": "提供的信息及方式",
    "where": "获取途径",
    "search": "检索情况",
    "responsible_body": "负责公开的机关",
    "responsible_contact": "该机关联系方式",
    "earlier_reply": "此前答复的文号",
}


@dataclass(frozen=True)
class OutcomeDef:
    code: str
    label: str
    citation: str  # printed in the letter: 根据《条例》{citation}的规定
    letter: str
    report_row: str
    needs: tuple[str, ...] = ()
    by_staff: bool = True  # False: reached by a closing act, not by `case decide`


# docs/outcomes.md (generated from this table), in the order of the report rows.
OUTCOMES: dict[str, OutcomeDef] = {
    o.code: o
    for o in (
        OutcomeDef("disclosed", "予以公开", "第三十六条第（二）项", "予以公开告知书", "disclosed", ("provided",)),
        OutcomeDef("already_public", "予以公开（已主动公开）", "第三十六条第（一）项", "已主动公开告知书", "disclosed", ("where",)),
        # partial: what is provided, and each withheld part with its own ground (`--withheld`, Art. 37)
        OutcomeDef("partial", "部分公开", "第三十七条", "部分公开告知书", "partial", ("provided",)),
        OutcomeDef("withheld.state_secret", "属于国家秘密", "第三十六条第（三）项、第十四条", "不予公开告知书",
                   "withheld.state_secret", ("reason",)),
        OutcomeDef("withheld.prohibited_by_law", "其他法律行政法规禁止公开", "第三十六条第（三）项、第十四条",
                   "不予公开告知书", "withheld.prohibited_by_law", ("reason",)),
        OutcomeDef("withheld.three_security_one_stability", "危及“三安全一稳定”", "第三十六条第（三）项、第十四条",
                   "不予公开告知书", "withheld.three_security_one_stability", ("reason",)),
        OutcomeDef("withheld.third_party_rights", "保护第三方合法权益", "第三十六条第（三）项、第十五条",
                   "不予公开告知书", "withheld.third_party_rights", ("reason",)),
        OutcomeDef("withheld.internal_affairs", "属于三类内部事务信息", "第三十六条第（三）项、第十六条第一款",
                   "不予公开告知书", "withheld.internal_affairs", ("reason",)),
        OutcomeDef("withheld.process_info", "属于四类过程性信息", "第三十六条第（三）项、第十六条第二款",
                   "不予公开告知书", "withheld.process_info", ("reason",)),
        OutcomeDef("withheld.enforcement_files", "属于行政执法案卷", "第三十六条第（三）项、第十六条第二款",
                   "不予公开告知书", "withheld.enforcement_files", ("reason",)),
        OutcomeDef("withheld.administrative_query", "属于行政查询事项", "第三十六条第（七）项",
                   "依照特别规定办理告知书", "withheld.administrative_query", ("reason", "where")),
        OutcomeDef("not_exist", "本机关不掌握相关政府信息（信息不存在）", "第三十六条第（四）项", "信息不存在告知书",
                   "unable.not_held", ("search",)),
        OutcomeDef("not_responsible", "本机关不掌握相关政府信息（非本机关负责公开）", "第三十六条第（五）项",
                   "非本机关负责公开告知书", "unable.not_held", ("reason",)),  # the body: where it can be identified
        OutcomeDef("needs_creation", "没有现成信息需要另行制作", "第三十八条", "不予提供告知书",
                   "unable.needs_creation", ("reason",)),
        OutcomeDef("unclear_after_correction", "补正后申请内容仍不明确", "第三十条", "告知书",
                   "unable.unclear_after_correction"),
        OutcomeDef("petition_complaint", "信访举报投诉类申请", "第三十九条第一款", "不作为政府信息公开申请处理告知书",
                   "not_processed.petition_complaint"),
        OutcomeDef("duplicate", "重复申请", "第三十六条第（六）项", "不予重复处理告知书", "not_processed.duplicate",
                   ("earlier_reply",)),
        OutcomeDef("publication", "要求提供公开出版物", "第三十九条第二款", "获取途径告知书",
                   "not_processed.publication", ("where",)),
        OutcomeDef("excessive", "无正当理由大量反复申请", "第三十五条", "不予处理告知书", "not_processed.excessive",
                   ("reason",)),
        OutcomeDef("confirm_or_reissue", "要求行政机关确认或重新出具已获取信息", "", "不予处理告知书",
                   "not_processed.confirm_or_reissue"),
        OutcomeDef("no_correction", "申请人无正当理由逾期不补正", "第三十条", "终止办理告知书",
                   "other.no_correction", by_staff=False),
        OutcomeDef("fee_unpaid", "申请人逾期未按收费通知要求缴纳费用", "《政府信息公开信息处理费管理办法》",
                   "终止办理告知书", "other.fee_unpaid", by_staff=False),
        OutcomeDef("withdrawn", "申请人撤回申请", "", "", "other.other", by_staff=False),
        OutcomeDef("other", "其他处理", "", "告知书", "other.other", ("reason",)),
    )
}

# Outcomes that refuse disclosure: review before court (行政复议法 Art. 23), docs/letters.md, "Remedies".
REFUSAL_OUTCOMES = frozenset(c for c in OUTCOMES if c.startswith("withheld.") and c != "withheld.administrative_query")

APPEAL_KINDS = {
    "reconsideration": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_reconsideration": "复议后起诉",
}
APPEAL_RESULTS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果"}

# Letters the law ties to an act (docs/letters.md): kind -> (title, default type code in the 文号).
LETTER_KINDS = {
    "correction": ("补正告知书", "补"),
    "reasons": ("说明理由告知书", "说"),
    "extension": ("延期答复告知书", "延"),
    "consultation": ("征求意见书", "征"),
    "override": ("决定公开告知书", "决"),
    "fee": ("收费通知书", "费"),
    "reply": ("政府信息公开申请答复书", "复"),
    "closure": ("终止办理告知书", "终"),
    # added with the letters (docs/letters.md): the receipt on registration, the applicant's notice that a
    # consultation is under way (Art. 33 ¶3, practice)
    "receipt": ("政府信息公开申请登记回执", "收"),
    "consultation_notice": ("征求意见告知书", "征告"),
    # a case closed as abandoned, reopened by the office head (docs/procedure.md, "Reopening")
    "reopen": ("恢复办理告知书", "恢"),
}

CONSULT_KINDS = {"third_party": "第三方（第三十二条）", "co_producer": "共同制作机关（第三十四条）"}
OPINION_RESULTS = {"agree": "同意公开", "object": "不同意公开", "none": "逾期未答复"}
FEE_METHODS = {"per_item": "按件计收", "per_volume": "按量计收"}

# How a letter reached its addressee (`case delivered --method`, `--delivery` of notices; docs/contract.md).
DELIVERY_LABELS = {"in_person": "直接送达", "post": "邮寄送达", "electronic": "电子送达", "other": "其他方式送达"}

# The grounds a withheld part may have (`case decide --withheld PART:CODE:REASON`): a withholding ground, or a
# part that does not exist or would have to be made (docs/outcomes.md, "Withheld parts").
WITHHELD_PART_CODES = tuple(c for c in OUTCOMES if c.startswith("withheld.")) + ("not_exist", "needs_creation")

# How the channel is named in letters (issue 9): the applicant's words for how they applied, not the internal
# labels above that say how the date of receipt is fixed ("邮寄（需签收）").
CHANNEL_PUBLIC_LABELS = {
    Channel.IN_PERSON: "当面提交",
    Channel.REGISTERED_MAIL: "邮寄",
    Channel.ORDINARY_MAIL: "信函",
    Channel.ONLINE: "互联网（网上申请平台或者电子邮件）",
    Channel.FAX: "传真",
}
