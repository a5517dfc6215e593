"""Message templates (消息模板): a small registry in code, each with a WeCom markdown and a plain form.

A template declares its parameters; a message naming an unknown template, missing a required
parameter or carrying an undeclared one is refused before anything is recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class TemplateError(ValueError):
    """A message does not fit its template; `field` names the offending part of the message."""

    def __init__(self, field: str, message: str, code: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message's content in the forms the channels send."""

    markdown: str  # WeCom group robot and application messages
    text: str  # log channel, SMS


@dataclass(frozen=True, slots=True)
class ProviderTemplate:
    """A template approved at a provider (SMS TemplateCode/TemplateId, a WeChat template_id) and
    the names of our parameters it takes, in the provider's order."""

    code: str
    params: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Template:
    """A message template: its parameters and its two forms (`str.format` placeholders)."""

    code: str
    description: str
    markdown: str
    text: str
    required: frozenset[str]
    optional: frozenset[str] = field(default_factory=frozenset)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def check(self, params: Mapping[str, Any]) -> None:
        """Refuse missing required or undeclared parameters (TemplateError)."""
        missing = sorted(self.required - params.keys())
        if missing:
            raise TemplateError(
                f"params.{missing[0]}",
                f"template {self.code!r} needs the parameters {', '.join(missing)}",
                "missing_parameter",
            )
        unknown = sorted(params.keys() - self.required - self.optional)
        if unknown:
            raise TemplateError(
                f"params.{unknown[0]}",
                f"template {self.code!r} has no parameters {', '.join(unknown)}",
                "unknown_parameter",
            )

    def render(self, params: Mapping[str, Any]) -> Rendered:
        """Fill both forms; optional parameters that are absent render empty."""
        values = dict.fromkeys(self.optional, "")
        for name, value in params.items():
            text = _plain(value)
            values[name] = self.labels.get(name, {}).get(text, text)
        # A line break inside a value would end a markdown quote block early.
        quoted = {name: value.replace("\n", " ") for name, value in values.items()}
        return Rendered(
            markdown=self.markdown.format_map(quoted), text=self.text.format_map(values)
        )


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


INCIDENT_REPORTED = Template(
    code="incident_reported",
    description="A new incident was reported in the recipient's area (新警情)",
    markdown=(
        "**【平安】新警情** {area} · {category}\n"
        "> {title}\n"
        "> {description}\n"
        "> 发生时间: {occurred_at}　地址: {address}\n"
        '> 严重程度: <font color="warning">{severity}</font>'
    ),
    text="【平安】新警情 {area}·{category}: {title}。{description} 发生时间:{occurred_at} "
    "地址:{address} 严重程度:{severity}",
    required=frozenset({"area", "category", "title", "description", "occurred_at", "severity"}),
    optional=frozenset({"address", "incident_id"}),
    labels={"severity": {"low": "一般", "medium": "较重", "high": "严重", "critical": "特别严重"}},
)

INCIDENT_DISPATCHED = Template(
    code="incident_dispatched",
    description="An incident was dispatched to the recipient's team or office (警情分拨)",
    markdown=(
        "**【平安】警情分拨** {area} · {category}\n"
        "> {title}\n"
        "> 处置力量: {target}\n"
        "> 发生时间: {occurred_at}　地址: {address}\n"
        '> 严重程度: <font color="warning">{severity}</font>'
    ),
    text="【平安】警情分拨 {area}·{category}: {title}。处置力量:{target} 发生时间:{occurred_at} "
    "地址:{address} 严重程度:{severity}",
    required=frozenset({"area", "category", "title", "target", "occurred_at", "severity"}),
    optional=frozenset({"address", "incident_id"}),
    labels={"severity": INCIDENT_REPORTED.labels["severity"]},
)

INCIDENT_RESOLVED = Template(
    code="incident_resolved",
    description="The incident the recipient reported was resolved (警情办结)",
    markdown="**【平安】警情办结**\n> {title}\n> 处理结果: {note}\n> 办结时间: {resolved_at}",
    text="【平安】您反映的“{title}”已办结: {note}({resolved_at})。7日内可申请重新办理。",
    required=frozenset({"title", "note", "resolved_at"}),
    optional=frozenset({"incident_id"}),
)

INCIDENT_ESCALATED = Template(
    code="incident_escalated",
    description="An incident below the recipient's area is overdue (超时督办)",
    markdown=(
        "**【平安】超时督办** {area} · {category}\n"
        "> {title}\n"
        '> 超出{stage}时限 <font color="warning">{overdue_minutes} 分钟</font>, 第 {level} 级督办'
    ),
    text="【平安】超时督办 {area}·{category}: {title} 超出{stage}时限 {overdue_minutes} 分钟, "
    "第{level}级督办, 请督促处置。",
    required=frozenset({"area", "category", "title", "overdue_minutes", "level"}),
    optional=frozenset({"stage", "incident_id"}),
    labels={"stage": {"accept": "受理", "arrive": "到场", "resolve": "办结"}},
)

GENERIC_TEXT = Template(
    code="generic_text",
    description="Free text (通用文本)",
    markdown="{text}",
    text="{text}",
    required=frozenset({"text"}),
)

TEMPLATES: dict[str, Template] = {
    t.code: t
    for t in (
        INCIDENT_REPORTED,
        INCIDENT_DISPATCHED,
        INCIDENT_RESOLVED,
        INCIDENT_ESCALATED,
        GENERIC_TEXT,
    )
}


def get_template(code: str) -> Template:
    """The template named `code`; TemplateError when there is none."""
    template = TEMPLATES.get(code)
    if template is None:
        raise TemplateError("template", f"unknown template {code!r}", "unknown_template")
    return template


def check_message(code: str, params: Mapping[str, Any]) -> Template:
    """The template of a message whose parameters fit it; TemplateError otherwise."""
    template = get_template(code)
    template.check(params)
    return template
