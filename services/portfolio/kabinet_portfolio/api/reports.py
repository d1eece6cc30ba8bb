"""The tutor's class report (issue 13 §1): PDF and XLSX in Russian."""
from __future__ import annotations

from typing import Any

from flask import Response

from kabinet_kit.documents import PDF, XLSX, attachment
from kabinet_kit.openapi import ATTACHMENT, FILE, Blueprint

from .. import report
from ..clock import local_today
from .common import caller, db, deps

blp = Blueprint("reports", __name__, description="The class report: pupils, achievements, points and places")


def _doc(group_id: Any) -> dict[str, Any]:
    return report.class_report(db(), caller(), str(group_id), local_today(deps().settings.timezone))


@blp.get("/classes/<uuid:group_id>/report.pdf")
@blp.response(200, FILE, content_type=PDF, headers=ATTACHMENT, description="The class report as a PDF")
def report_pdf(group_id: Any) -> Response:
    """The tutor of the class or the school's administration: each pupil's approved achievements
    by category and level, points and places; names only of pupils under the portfolio consent."""
    doc = _doc(group_id)
    return attachment(report.report_pdf(doc), f"Портфолио {doc['class_name']}.pdf", PDF)


@blp.get("/classes/<uuid:group_id>/report.xlsx")
@blp.response(200, FILE, content_type=XLSX, headers=ATTACHMENT, description="The class report as an XLSX workbook")
def report_xlsx(group_id: Any) -> Response:
    """The same as a workbook: a sheet of pupils and a sheet of achievements."""
    doc = _doc(group_id)
    return attachment(report.report_xlsx(doc), f"Портфолио {doc['class_name']}.xlsx", XLSX)
