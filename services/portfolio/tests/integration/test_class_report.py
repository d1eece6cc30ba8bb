"""POR-27 (issue 13 §1): the tutor's class report as a PDF and an XLSX in Russian — the class's pupils,
their approved achievements by category and level, points and places; names only of pupils under
the portfolio consent; another class is answered as a missing one."""
import io
from urllib.parse import quote

from openpyxl import load_workbook
from pypdf import PdfReader

from .conftest import pdf_bytes


def _approve(w, login, pupil, activity, text, result="winner"):
    made = w.upload(login, pupil, activity, pdf_bytes(text), date="2026-03-03", result=result, submit=True)
    assert made.status_code == 201, made.json
    assert w.as_("tutor1", "POST", f"/achievements/{made.json['id']}/approve", json={}).status_code == 200


def test_the_class_report_pdf_and_xlsx(fresh_world):
    w = fresh_world
    ivan = w.person_of("pupil1")
    maria = w.pupil_account("Мария", "pupil-maria-report")
    w.consent("pupil-maria-report", maria)
    olympiad = w.activity("Олимпиада «Кенгуру»", category="intellect", subsection="physics_mathematics")
    ski = w.activity("Лыжня России", category="sport", subsection="sport_event", level="all_russian", base_points=5)
    _approve(w, "pupil1", ivan, olympiad, "ivan-kenguru")
    _approve(w, "pupil1", ivan, ski, "ivan-ski", result="participant")
    _approve(w, "pupil-maria-report", maria, olympiad, "maria-kenguru", result="prize_winner")
    pending = w.upload("pupil-maria-report", maria, ski, pdf_bytes("maria-ski"), date="2026-03-04", submit=True)
    assert pending.status_code == 201  # submitted, not approved: not in the report
    c5a = w.group("5А")

    pdf = w.as_("tutor1", "GET", f"/classes/{c5a}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert quote("Портфолио 5А.pdf") in pdf.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for words in ("Портфолио обучающихся: класс 5А", "Школа № 1", "Петров Иван", "Олимпиада «Кенгуру»",
                  "Лыжня России", "победитель", "призёр", "Интеллект", "Спорт", "нет согласия"):
        assert words in text, words

    xlsx = w.as_("school1-admin", "GET", f"/classes/{c5a}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Ученики", "Достижения"]
    pupils = [row for row in book["Ученики"].iter_rows(values_only=True) if isinstance(row[0], int)]
    header = next(row for row in book["Ученики"].iter_rows(values_only=True) if row[0] == "№")
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in pupils}
    ivan_row = next(v for k, v in by_name.items() if k.startswith("Петров Иван"))
    maria_row = next(v for k, v in by_name.items() if "Мария" in k)
    assert ivan_row["Место в классе"] == 1 and maria_row["Место в классе"] == 2
    assert ivan_row["Интеллект"] == 1 and ivan_row["Спорт"] == 1 and ivan_row["всероссийский / всемирный"] == 1
    assert maria_row["Интеллект"] == 1 and maria_row["Спорт"] == 0  # the pending one does not count
    assert ivan_row["Баллы"] > maria_row["Баллы"] > 0
    # Pupils of 5А without the consent: listed, without a name, out of the ratings.
    nameless = [v for k, v in by_name.items() if "нет согласия" in k]
    assert nameless and all(v["Место в классе"] == "—" for v in nameless)
    achievements = [row for row in book["Достижения"].iter_rows(values_only=True) if isinstance(row[0], int)]
    assert len(achievements) == 3 and {row[5] for row in achievements} == {"победитель", "участник", "призёр"}


def test_the_class_report_is_for_the_class_tutor_and_the_school_only(world):
    w = world
    c5a, c5b, g5a = w.group("5А"), w.group("5Б"), w.group("5А", "Гимназия № 2")
    assert w.as_("tutor1", "GET", f"/classes/{c5b}/report.pdf").status_code == 404
    assert w.as_("school1-admin", "GET", f"/classes/{g5a}/report.xlsx").status_code == 404
    for login in ("pupil1", "guardian1", "teacher1", "department", "school2-admin"):
        refused = w.as_(login, "GET", f"/classes/{c5a}/report.pdf")
        assert refused.status_code == 404, login
        assert refused.mimetype == "application/problem+json"
    assert w.as_("tutor1", "GET", "/classes/not-a-uuid/report.pdf").status_code == 404
