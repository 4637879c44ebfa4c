"""Page layout for the document templates: the python-docx helpers build.py authors them with.

Times New Roman 12 pt everywhere (style fonts set for ascii, hAnsi, eastAsia and cs, theme fonts
removed, so Word and LibreOffice agree), A4, margins 2 cm / 3 cm left / 1.5 cm right; centred
bold titles; bordered tables whose loop rows are ``{%tr for %}`` / ``{%tr endfor %}`` rows holding
nothing but the tag; one Jinja tag per run."""

from __future__ import annotations

import re

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "Times New Roman"
BODY_PT = 12
TABLE_PT = 10
LANG_TAG = {"ru": "ru-RU", "ky": "ky-KG"}
PAGE_W, PAGE_H = Cm(21), Cm(29.7)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TB = Cm(3), Cm(1.5), Cm(2)
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# -- the document shell -------------------------------------------------------------------


def _set_fonts(rfonts) -> None:
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), FONT)


def _rpr_fonts(rpr, size_pt: int | None, lang: str | None) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    _set_fonts(rfonts)
    if size_pt:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(size_pt * 2))
    if lang:
        el = rpr.find(qn("w:lang"))
        if el is None:
            el = OxmlElement("w:lang")
            rpr.append(el)
        el.set(qn("w:val"), lang)
        el.set(qn("w:eastAsia"), lang)


def _fix_fonts(doc, language: str) -> None:
    """Times New Roman in the defaults, in Normal and in every style that named a theme font;
    the theme's own fonts too, so styles Word adds later don't bring Calibri or Cambria."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _rpr_fonts(rpr, BODY_PT, LANG_TAG[language])
    for rfonts in styles.iter(qn("w:rFonts")):
        _set_fonts(rfonts)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _rpr_fonts(normal.element.get_or_add_rPr(), BODY_PT, LANG_TAG[language])
    pf = normal.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0
    ppr = defaults.find(qn("w:pPrDefault"))
    spacing = ppr.find(qn("w:pPr")).find(qn("w:spacing")) if ppr is not None else None
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
    # parts python-docx keeps as raw bytes: the theme, and Word 2010's stylesWithEffects copy
    rfonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    for rel in doc.part.rels.values():
        if rel.is_external:
            continue
        part = rel.target_part
        if rel.reltype.endswith("/theme"):
            xml = part.blob.decode("utf-8")
            xml = re.sub(r'(<a:latin typeface=")[^"]*(")', rf"\g<1>{FONT}\g<2>", xml)
            part._blob = xml.encode("utf-8")
        elif rel.reltype.endswith("/stylesWithEffects"):
            xml = part.blob.decode("utf-8")
            xml = re.sub(r"<w:rFonts\b[^>]*/>", rfonts, xml)
            part._blob = xml.encode("utf-8")


def _page(section, landscape: bool = False) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.top_margin = section.bottom_margin = MARGIN_TB


def _footer(doc, text: str) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(f"{text} — ")
    run.font.size = Pt(9)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    field.append(r)
    p._p.append(field)


def new_document(language: str, footer: str):
    doc = Document()
    _fix_fonts(doc, language)
    _page(doc.sections[0])
    _footer(doc, footer)
    props = doc.core_properties
    props.author, props.title, props.comments = "", "", ""
    return doc


def landscape_section(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    return section


# -- paragraphs ---------------------------------------------------------------------------


def para(
    doc,
    text: str = "",
    *,
    bold=False,
    align=None,
    indent_cm=None,
    size=None,
    before=0,
    after=0,
    keep=False,
):
    """One paragraph, one run: a Jinja tag inside `text` stays in a single run."""
    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    pf = p.paragraph_format
    if indent_cm is not None:
        pf.left_indent = Cm(indent_cm)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if keep:
        pf.keep_with_next = True
    return p


def title(doc, text: str, *, size=BODY_PT + 1, after=0):
    return para(doc, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=size, after=after)


def heading(doc, text: str):
    """A numbered section heading: bold, kept with what follows."""
    return para(doc, text, bold=True, before=8, after=3, keep=True)


def field(doc, label: str, value: str, *, indent_cm=None):
    """ "Label: value" with the label in bold; the value (usually one tag) is its own run."""
    p = doc.add_paragraph()
    p.add_run(f"{label}: ").bold = True
    p.add_run(value)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent_cm is not None:
        p.paragraph_format.left_indent = Cm(indent_cm)
    p.paragraph_format.space_after = Pt(2)
    return p


def text(doc, value: str):
    """A justified paragraph of running text with a first-line indent."""
    p = para(doc, value, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=2)
    p.paragraph_format.first_line_indent = Cm(1.25)
    return p


# -- tables -------------------------------------------------------------------------------


def _cell_text(cell, value: str, *, bold=False, size=TABLE_PT, align=None):
    p = cell.paragraphs[0]
    if value:
        run = p.add_run(value)
        run.bold = bold or None
        run.font.size = Pt(size)
    if align is not None:
        p.alignment = align


def _header_row(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def loop_table(
    doc,
    headers: list[str],
    cells: list[str],
    loop: str,
    items: str,
    *,
    weights: list[float] | None = None,
    width_cm: float = 16.5,
    bordered: bool = True,
    size: int = TABLE_PT,
):
    """A table with a header row and one row per item.

    `loop` is the for-clause (``v in victims``), `items` the list tested for emptiness: an empty
    list prints one row of dashes instead of a bare header."""
    ncols = len(cells)
    rows: list[tuple[str, list[str]]] = []
    if headers:
        rows.append(("header", headers))
    rows += [
        ("tag", [f"{{%tr for {loop} %}}"]),
        ("data", cells),
        ("tag", ["{%tr endfor %}"]),
        ("tag", [f"{{%tr if not {items} %}}"]),
        ("data", ["—"] + [""] * (ncols - 1)),
        ("tag", ["{%tr endif %}"]),
    ]
    table = doc.add_table(rows=len(rows), cols=ncols)
    if bordered:
        table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    weights = weights or [1] * ncols
    total = sum(weights)
    widths = [Cm(width_cm * w / total) for w in weights]
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width.twips))
    for (kind, values), row in zip(rows, table.rows, strict=True):
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]
            value = values[i] if i < len(values) else ""
            if kind == "header":
                _cell_text(cell, value, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
            elif kind == "tag":
                # the first cell holds the tag and nothing else: docxtpl drops the whole row
                _cell_text(cell, value, size=size)
            else:
                _cell_text(cell, value, size=size)
        if kind == "header":
            _header_row(row)
    doc.add_paragraph()  # keeps consecutive tables apart in Word
    return table
