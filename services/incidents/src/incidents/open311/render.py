"""Open311 answers in XML (no namespace, the specification's element names and order) and JSON
(the Spark mapping of the same document: lists become arrays, elements become keys)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from fastapi import Response
from pydantic import BaseModel

from incidents.open311.schemas import Format

XML_MEDIA_TYPE = "text/xml; charset=utf-8"
JSON_MEDIA_TYPE = "application/json; charset=utf-8"
# As the specification prints it (ElementTree's own declaration uses single quotes).
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# The element each list's members are wrapped in.
MEMBERS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, name: str, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, member in value.items():
            _append(element, key, member)
    elif isinstance(value, list):
        for member in value:
            _append(element, MEMBERS[name], member)
    else:
        element.text = _text(value)


def to_xml(root: str, document: dict[str, Any] | list[dict[str, Any]], item: str = "") -> str:
    """An XML document: a dict becomes `<root>` with one element per key; a list becomes
    `<root>` holding one `<item>` per member."""
    element = ET.Element(root)
    if isinstance(document, list):
        for member in document:
            _append(element, item, member)
    else:
        for key, value in document.items():
            _append(element, key, value)
    ET.indent(element, space="    ")
    return XML_DECLARATION + ET.tostring(element, encoding="unicode") + "\n"


def respond(
    fmt: Format,
    root: str,
    payload: BaseModel | Sequence[BaseModel],
    *,
    item: str = "",
    status_code: int = 200,
) -> Response:
    """Answer with `payload` in the requested format."""
    if isinstance(payload, BaseModel):
        document: dict[str, Any] | list[dict[str, Any]] = payload.model_dump(mode="json")
    else:
        document = [member.model_dump(mode="json") for member in payload]
    if fmt is Format.xml:
        return Response(to_xml(root, document, item), status_code, media_type=XML_MEDIA_TYPE)
    body = json.dumps(document, ensure_ascii=False)
    return Response(body, status_code, media_type=JSON_MEDIA_TYPE)
