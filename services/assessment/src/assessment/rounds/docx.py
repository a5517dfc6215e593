"""A minimal Word document (DOCX, Office Open XML, ECMA-376) written with the standard library.

A document is a list of blocks — titles, headings, paragraphs, tables — put into the smallest
package Word and LibreOffice open: content types, package and document relationships, the main
document, a style sheet (Chinese text in 宋体/SimSun, headings in 黑体/SimHei, a bordered table
style whose header row repeats on every page) and core and app properties.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TEXT_WIDTH = 9026  # twentieths of a point: A4 less 2.54 cm margins

CONTENT_TYPES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" ContentType="{DOCX}.main+xml"/>\
<Override PartName="/word/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>\
<Override PartName="/docProps/core.xml" \
ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" \
ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""
PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG_RELS}">\
<Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="word/document.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="{DOC_RELS}/extended-properties" Target="docProps/app.xml"/>\
</Relationships>"""
DOCUMENT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG_RELS}">\
<Relationship Id="rId1" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>"""
_FONTS = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{0}"/>'
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>{_FONTS.format("宋体")}\
<w:sz w:val="24"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="360" w:lineRule="auto"/></w:pPr>\
</w:pPrDefault></w:docDefaults>\
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>\
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>\
<w:pPr><w:jc w:val="center"/><w:spacing w:after="240"/></w:pPr><w:rPr>{_FONTS.format("黑体")}\
<w:b/><w:sz w:val="36"/></w:rPr></w:style>\
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>\
<w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240"/><w:outlineLvl w:val="0"/>\
</w:pPr><w:rPr>{_FONTS.format("黑体")}<w:sz w:val="28"/></w:rPr></w:style>\
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>\
<w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/>\
<w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>\
<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>\
<w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>\
<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/>\
<w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/>\
</w:tblBorders></w:tblPr></w:style></w:styles>"""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph; `style` is Title, Heading1 or None (body text)."""

    text: str
    style: str | None = None
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a header row (repeated on every page) and relative column widths."""

    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    widths: Sequence[int]


Block = Paragraph | Table


def _text(value: object) -> str:
    return escape(_NOT_XML.sub("", "" if value is None else str(value)))


def _run(text: object, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{_text(text)}</w:t></w:r>'


def _paragraph(p: Paragraph) -> str:
    props = f'<w:pPr><w:pStyle w:val="{p.style}"/></w:pPr>' if p.style else ""
    return f"<w:p>{props}{_run(p.text, p.bold)}</w:p>"


def _table(t: Table) -> str:
    total = sum(t.widths)
    widths = [TEXT_WIDTH * w // total for w in t.widths]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

    def row(cells: Sequence[object], header: bool) -> str:
        props = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
        tcs = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
            f"<w:p>{_run(cell, header)}</w:p></w:tc>"
            for cell, w in zip(cells, widths, strict=True)
        )
        return f"<w:tr>{props}{tcs}</w:tr>"

    body = "".join(row(r, False) for r in t.rows)
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{row(t.headers, True)}{body}</w:tbl>"
        # Word wants a paragraph after a table, else it reports the file as damaged.
        "<w:p/>"
    )


def document_xml(blocks: Sequence[Block]) -> str:
    """The main document part."""
    body = "".join(_table(b) if isinstance(b, Table) else _paragraph(b) for b in blocks)
    section = (
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" '
        'w:bottom="1440" w:left="1440" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}"><w:body>{body}{section}</w:body></w:document>'
    )


def _core(title: str, created: datetime) -> str:
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_text(title)}</dc:title><dc:creator>平安·考核</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        "</cp:coreProperties>"
    )


APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>Pingan</Application></Properties>'
)


def write_docx(blocks: Sequence[Block], *, title: str, created: datetime) -> bytes:
    """The DOCX package of `blocks` (created: a UTC time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        # The content types part first, as readers that stream the package expect.
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        package.writestr("word/document.xml", document_xml(blocks))
        package.writestr("word/styles.xml", STYLES)
        package.writestr("docProps/core.xml", _core(title, created))
        package.writestr("docProps/app.xml", APP)
    return buffer.getvalue()
