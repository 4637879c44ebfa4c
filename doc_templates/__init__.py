"""The legally formatted output: one .docx template per document kind and language.

The templates under ``ru/`` and ``ky/`` are edited in Word by people who know the forms; they are
rendered with docxtpl from the plain dict built by ``context.build_context``. This package
imports nothing of the application (imports run views -> services -> workflows -> doc_templates)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.shared import Mm
from docx.table import Table
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined, meta, nodes

from .context import KINDS
from .formatting import DISEASE_KINDS

TEMPLATE_DIR = Path(__file__).parent
LANGUAGES = ("ru", "ky")

__all__ = [
    "BIDI_CONTROLS",
    "DISEASE_KINDS",
    "KINDS",
    "LANGUAGES",
    "TEMPLATE_DIR",
    "docx_text",
    "render",
    "shown",
    "template_path",
    "variables",
]


def template_path(kind: str, language: str) -> Path:
    kind = str(getattr(kind, "value", kind))
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if language not in LANGUAGES:
        raise ValueError(f"unsupported document language {language!r}")
    return TEMPLATE_DIR / language / f"{kind}.docx"


# The invisible characters that reorder text around them (embeddings, overrides, isolates,
# direction marks). The forms drop them on input; rows saved before that still hold them, and
# a right-to-left override in a name would print the name reversed in a signed act.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_NO_BIDI = str.maketrans("", "", BIDI_CONTROLS)


def _without_bidi(value):
    """Every printed value without bidi controls; anything but text (an image) unchanged.
    Markup's own translate keeps it Markup, so it is not escaped a second time."""
    return value.translate(_NO_BIDI) if isinstance(value, str) else value


def _env() -> Environment:
    # StrictUndefined: a missing value raises instead of leaving a blank in a legal act.
    # autoescape: "&" and "<" in user text would otherwise be silently dropped from the XML.
    return Environment(undefined=StrictUndefined, autoescape=True, finalize=_without_bidi)


def render(kind: str, language: str, context: dict, images: dict | None = None) -> bytes:
    """Render a template to .docx bytes. A new DocxTemplate per call: a shared one is not
    thread-safe (two threads rendering one object mix up their data, without an error).

    `images` maps a context key to a list of ``(image bytes, width in mm)``; each list becomes
    that key's list of docxtpl InlineImage objects (they need the template object, so they can
    only be made here). The context passed in is not modified."""
    tpl = DocxTemplate(template_path(kind, language))
    if images:
        context = dict(context)
        for key, pictures in images.items():
            context[key] = [
                InlineImage(tpl, BytesIO(data), width=Mm(width_mm)) for data, width_mm in pictures
            ]
    tpl.render(context, jinja_env=_env(), autoescape=True)
    out = BytesIO()
    tpl.save(out)
    return out.getvalue()


def variables(kind: str, language: str) -> set[str]:
    """The top-level variables a template uses (its side of the contract)."""
    tpl = DocxTemplate(template_path(kind, language))
    return set(tpl.get_undeclared_template_variables(jinja_env=_env()))


def shown(kind: str, language: str) -> dict[str, frozenset[str] | None]:
    """What a template reads of its context: for each top-level variable, the attributes it
    reads of it (``disease.form`` -> ``{"disease": {"form"}}``), or None when it uses the value
    whole (prints it, loops over it, passes it to a filter). The part of a context a rendered
    document can say; the rest of a context is for the other kinds."""
    tpl = DocxTemplate(template_path(kind, language))
    source = Document(tpl.template_file)
    xml = tpl.patch_xml(tpl.xml_to_string(source._element.body))
    for rel in source.part.rels.values():
        if rel.reltype in (tpl.HEADER_URI, tpl.FOOTER_URI) and rel.target_part.blob:
            xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    ast = _env().parse(xml)
    top = meta.find_undeclared_variables(ast)
    attrs: dict[str, set[str]] = {name: set() for name in top}
    whole: set[str] = set()

    def visit(node, parent) -> None:
        if isinstance(node, nodes.Name) and node.ctx == "load" and node.name in top:
            if isinstance(parent, nodes.Getattr) and parent.node is node:
                attrs[node.name].add(parent.attr)
            elif (
                isinstance(parent, nodes.Getitem)
                and parent.node is node
                and isinstance(parent.arg, nodes.Const)
            ):
                attrs[node.name].add(str(parent.arg.value))
            else:
                whole.add(node.name)
        for child in node.iter_child_nodes():
            visit(child, node)

    visit(ast, None)
    return {name: None if name in whole else frozenset(attrs[name]) for name in top}


def _block_lines(container) -> list[str]:
    """Paragraphs and tables of a body, header or footer in document order; a table row is its
    cells joined with " | " (a merged cell counted once)."""
    lines = []
    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(cell.text)
                lines.append(" | ".join(cells))
        else:
            lines.append(block.text)
    return lines


def docx_text(data: bytes) -> str:
    """A plain-text dump of a .docx (headers, body, footers) for tests and snapshots."""
    doc = Document(BytesIO(data))
    headers, footers = [], []
    for section in doc.sections:
        headers += [section.first_page_header, section.header]
        footers += [section.first_page_footer, section.footer]
    lines = []
    for part in headers:
        if not part.is_linked_to_previous:
            lines.extend(_block_lines(part))
    lines.extend(_block_lines(doc))
    for part in footers:
        if not part.is_linked_to_previous:
            lines.extend(_block_lines(part))
    return "\n".join(lines)
