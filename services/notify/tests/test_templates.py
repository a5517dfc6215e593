"""Templates: parameters checked against their declaration, both forms rendered."""

from __future__ import annotations

import pytest
from notify_factories import INCIDENT_PARAMS

from notify.channels.base import TRUNCATION_MARK, truncate_utf8
from notify.templates import TemplateError, check_message, get_template


def test_incident_reported_renders_markdown_for_the_robot_and_plain_text() -> None:
    rendered = check_message("incident_reported", INCIDENT_PARAMS).render(INCIDENT_PARAMS)
    assert rendered.markdown.startswith("**【平安】新警情** 南街社区 · 盗窃\n> 电动车被盗\n")
    assert "较重" in rendered.markdown  # severity shown in Chinese
    assert "**" not in rendered.text
    assert "南街12号" in rendered.text


def test_optional_parameters_may_be_left_out() -> None:
    params = {k: v for k, v in INCIDENT_PARAMS.items() if k not in ("address", "incident_id")}
    rendered = check_message("incident_reported", params).render(params)
    assert "地址: " in rendered.markdown


def test_a_line_break_in_a_value_does_not_end_the_markdown_quote() -> None:
    params = INCIDENT_PARAMS | {"description": "第一行\n第二行"}
    rendered = get_template("incident_reported").render(params)
    assert "> 第一行 第二行" in rendered.markdown
    assert "第一行\n第二行" in rendered.text


@pytest.mark.parametrize(
    ("template", "params", "field", "code"),
    [
        ("no_such_template", {"text": "x"}, "template", "unknown_template"),
        ("generic_text", {}, "params.text", "missing_parameter"),
        ("generic_text", {"text": "x", "txt": "y"}, "params.txt", "unknown_parameter"),
        (
            "incident_reported",
            {k: v for k, v in INCIDENT_PARAMS.items() if k != "title"},
            "params.title",
            "missing_parameter",
        ),
    ],
)
def test_a_message_that_does_not_fit_its_template_is_refused(
    template: str, params: dict[str, str], field: str, code: str
) -> None:
    with pytest.raises(TemplateError) as caught:
        check_message(template, params)
    assert (caught.value.field, caught.value.code) == (field, code)


def test_truncation_counts_utf8_bytes_and_never_splits_a_character() -> None:
    text = "警" * 1000  # 3000 bytes
    cut = truncate_utf8(text, 2048)
    assert len(cut.encode()) <= 2048
    assert cut.endswith(TRUNCATION_MARK)
    assert set(cut.removesuffix(TRUNCATION_MARK)) == {"警"}
    assert truncate_utf8("短消息", 2048) == "短消息"
