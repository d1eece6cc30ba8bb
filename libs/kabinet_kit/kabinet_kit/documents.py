"""Documents people download: a PDF with Cyrillic text and tables, an XLSX workbook, and the
response that sends either as an attachment.

Services build their own story (what a journal page or a class report says); this module holds
the parts that are the same everywhere: the font (DejaVu Sans, bundled with matplotlib, has
Cyrillic), the paragraph styles, a grid table with a header row, the page set-up, a workbook
whose cells stay text (:func:`kabinet_kit.exports.spreadsheet_safe`) and the download headers.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import Response

from .exports import spreadsheet_safe

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
HEADER_COLOUR = "#e8eef5"
CHUNK = 64 * 1024


def register_fonts() -> str:
    """Register the Cyrillic fonts with reportlab once; returns the regular font's name."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    registered = pdfmetrics.getRegisteredFontNames()
    folder = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))
    return FONT


@dataclass(frozen=True)
class Styles:
    title: Any
    text: Any
    cell: Any


def styles() -> Styles:
    """The paragraph styles of every document: a title, body text, text inside a table cell."""
    from reportlab.lib.styles import ParagraphStyle
    register_fonts()
    return Styles(title=ParagraphStyle("title", fontName=BOLD, fontSize=14, leading=18, spaceAfter=4),
                  text=ParagraphStyle("text", fontName=FONT, fontSize=9, leading=12),
                  cell=ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9))


def grid_table(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, centre_from: int | None = None,
               valign: str = "MIDDLE", font_size: float = 7.5) -> Any:
    """A table with a grid, its first row a shaded header repeated on every page; columns from
    ``centre_from`` on are centred. ``widths`` in points (multiply by ``reportlab.lib.units.cm``)."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle
    register_fonts()
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, font_size), ("FONT", (0, 0), (-1, 0), BOLD, font_size),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_COLOUR)), ("VALIGN", (0, 0), (-1, -1), valign)]
    if centre_from is not None:
        commands.append(("ALIGN", (centre_from, 0), (-1, -1), "CENTER"))
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def build_pdf(story: Sequence[Any], *, title: str, author: str = "", landscape: bool = False) -> bytes:
    """An A4 PDF (portrait or landscape) of reportlab flowables."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate
    register_fonts()
    buffer = io.BytesIO()
    margin = 1.2 * cm
    SimpleDocTemplate(buffer, pagesize=turned(A4) if landscape else A4, leftMargin=margin, rightMargin=margin,
                      topMargin=margin, bottomMargin=margin, title=title, author=author).build(list(story))
    return buffer.getvalue()


@dataclass
class Sheet:
    """One worksheet: a few lines above the table (a title, whose data it is), the header row,
    the rows, column widths in characters."""
    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    heading: Sequence[str] = ()
    widths: Sequence[float] = field(default_factory=tuple)


def build_xlsx(sheets: Sequence[Sheet], *, title: str = "") -> bytes:
    """A workbook of ``sheets``: the header bold and frozen; text cells stay text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    book = Workbook()
    book.properties.title = title or None
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_COLOUR.lstrip("#"))
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])  # Excel's limit on a sheet's name
        for line in sheet.heading:
            ws.append([spreadsheet_safe(line)])
        if sheet.heading:
            ws.cell(row=1, column=1).font = Font(bold=True, size=13)
            ws.append([])
        ws.append([spreadsheet_safe(h) for h in sheet.header])
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font, cell.fill = bold, fill
        for row in sheet.rows:
            ws.append([spreadsheet_safe(value) for value in row])
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for n, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(n)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(body: bytes, filename: str, mimetype: str) -> Response:
    """``body`` streamed in chunks as a download named ``filename`` (RFC 6266: an ASCII fallback
    and the UTF-8 name), never cached by a shared cache."""
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), CHUNK):
            yield body[start:start + CHUNK]
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(chunks(), mimetype=mimetype, headers={
        "Content-Disposition": disposition, "Content-Length": str(len(body)),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


def tabular_pdf(*, title: str, lines: Sequence[str], header: Sequence[str], rows: Sequence[Sequence[str]],
                widths_cm: Sequence[float], landscape: bool = False, author: str = "") -> bytes:
    """The common register: ``title``, ``lines`` under it and one table whose header repeats on
    every page. Cells wrap: a long name takes more lines, never more width."""
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer
    style = styles()
    story: list[Any] = [Paragraph(_escape(title), style.title)]
    story += [Paragraph(_escape(line), style.text) for line in lines if line]
    story.append(Spacer(1, 0.3 * cm))
    body = [[Paragraph(_escape(str(value)), style.cell) for value in row] for row in rows]
    story.append(grid_table([list(header), *body], [w * cm for w in widths_cm], valign="TOP", font_size=8))
    return build_pdf(story, title=title, author=author, landscape=landscape)


def _escape(value: str) -> str:
    """Paragraphs read a little markup: text typed by people is shown as typed."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
