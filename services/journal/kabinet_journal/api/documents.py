from kabinet_kit.documents import PDF, attachment
from kabinet_kit.openapi import ATTACHMENT, FILE, Blueprint

from .. import documents
from . import schemas as s
from .common import caller, db

blp = Blueprint("documents", __name__, description="The journal as a document: PDF and CSV")


@blp.get("/loads/<uuid:load_id>/journal.pdf")
@blp.arguments(s.TermIdQuery, location="query")
@blp.response(200, FILE, content_type=PDF, headers=ATTACHMENT,
              description="The journal page of a group × subject × term")
def journal_pdf(query, load_id):
    """Pupils, dates, marks, attendance and topics, in Russian; who may see the grid may print it."""
    doc = documents.journal_document(db(), caller(), str(load_id), str(query["term_id"]))
    return attachment(documents.journal_pdf(doc), f"journal-{load_id}.pdf", PDF)


@blp.get("/loads/<uuid:load_id>/journal.csv")
@blp.arguments(s.TermIdQuery, location="query")
@blp.response(200, FILE, content_type="text/csv", headers=ATTACHMENT,
              description="The same as CSV (UTF-8 with BOM, ';')")
def journal_csv(query, load_id):
    doc = documents.journal_document(db(), caller(), str(load_id), str(query["term_id"]))
    return attachment(documents.journal_csv(doc), f"journal-{load_id}.csv", "text/csv")
