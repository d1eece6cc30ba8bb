"""Printable documents in Russian: a PDF of a title, a few lines and one table.

The font is DejaVu Sans, bundled with matplotlib, so Cyrillic prints everywhere without a
system font. Services build their rows; this module only lays them out.
"""
from __future__ import annotations

import io
import os
from collections.abc import Sequence

import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as turned
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

PDF_FONT = "DejaVuSans"
_FONT_FILE = os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")


def register_pdf_font() -> str:
    """Register the Cyrillic font with reportlab (once) and return its name."""
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, _FONT_FILE))
    return PDF_FONT


def tabular_pdf(*, title: str, lines: Sequence[str], header: Sequence[str], rows: Sequence[Sequence[str]],
                widths_cm: Sequence[float], landscape: bool = False, author: str = "") -> bytes:
    """A4 with ``title``, ``lines`` under it and the table (header repeated on every page).
    Cells wrap: a long name or a long text takes more lines, never more width."""
    font = register_pdf_font()
    buffer = io.BytesIO()
    page = turned(A4) if landscape else A4
    pdf = SimpleDocTemplate(buffer, pagesize=page, leftMargin=1.2 * cm, rightMargin=1.2 * cm, topMargin=1.2 * cm,
                            bottomMargin=1.2 * cm, title=title, author=author)
    heading = ParagraphStyle("title", fontName=font, fontSize=15, leading=19, spaceAfter=4)
    text = ParagraphStyle("text", fontName=font, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    story: list[Flowable] = [Paragraph(_escape(title), heading)]
    story += [Paragraph(_escape(line), text) for line in lines if line]
    story.append(Spacer(1, 0.3 * cm))
    body = [[Paragraph(_escape(str(value)), cell) for value in row] for row in rows]
    table = Table([list(header)] + body, colWidths=[w * cm for w in widths_cm], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 8), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    pdf.build(story)
    return buffer.getvalue()


def _escape(value: str) -> str:
    """Paragraphs read a little markup: text typed by people is shown as typed."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
