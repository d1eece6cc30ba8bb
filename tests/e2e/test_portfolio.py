"""The portfolio end to end, through the gateway only: identity, its relay, the broker, the
portfolio consumer, web and relay as real processes (see conftest), with the demo data
(``kabinet_portfolio.seed``) set up the way ``make run`` does it. An achievement with a PDF is
submitted, returned, resubmitted with a new scan, approved and scores — on the guardian's home
screen too."""
import io

import requests
from reportlab.pdfgen import canvas

_TOKENS: dict[str, str] = {}  # one login per user: the gateway rate-limits logins


def _token(stack, login: str) -> str:
    if login not in _TOKENS:
        _TOKENS[login] = stack.token(login)
    return _TOKENS[login]


def _call(stack, login, method, path, **kwargs):
    return requests.request(method, f"{stack.gateway}{path}", timeout=10,
                            headers={"Authorization": f"Bearer {_token(stack, login)}"}, **kwargs)


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buffer.getvalue()


def test_an_achievement_with_a_pdf_is_returned_resubmitted_approved_and_scores(stack):
    ivan = stack.get("/api/identity/me", _token(stack, "pupil1")).json()["person_id"]
    before = _call(stack, "pupil1", "GET", f"/api/portfolio/pupils/{ivan}/points")
    assert before.status_code == 200, before.text
    activities = _call(stack, "pupil1", "GET", "/api/portfolio/activities?category=technical").json()["items"]
    robotics = next(a for a in activities if "робототехнике" in a["title"])
    first = _pdf("Robotics diploma, blurred scan")
    made = _call(stack, "pupil1", "POST", f"/api/portfolio/pupils/{ivan}/achievements",
                 data={"activity_id": robotics["id"], "participation": "in_person", "individuality": "team",
                       "result": "winner", "date": "2026-03", "submit": "true"},
                 files={"document": ("diploma.pdf", first, "application/pdf")})
    assert made.status_code == 201, made.text
    a = made.json()
    assert (a["state"], a["achieved_on"]) == ("submitted", "2026-03-01")
    doc = _call(stack, "tutor1", "GET", f"/api/portfolio/achievements/{a['id']}/document")
    assert doc.status_code == 200 and doc.content == first
    assert _call(stack, "department", "GET", f"/api/portfolio/achievements/{a['id']}/document").status_code == 404

    returned = _call(stack, "tutor1", "POST", f"/api/portfolio/achievements/{a['id']}/return",
                     json={"reason": "Скан нечитаем, загрузите заново", "unreadable": True})
    assert returned.status_code == 200 and returned.json()["has_document"] is False
    second = _pdf("Robotics diploma, clear scan")
    fixed = _call(stack, "pupil1", "PATCH", f"/api/portfolio/achievements/{a['id']}", data={},
                  files={"document": ("diploma2.pdf", second, "application/pdf")})
    assert fixed.status_code == 200 and fixed.json()["has_document"] is True, fixed.text
    assert _call(stack, "pupil1", "POST", f"/api/portfolio/achievements/{a['id']}/submit").json()["state"] == \
        "submitted"
    approved = _call(stack, "tutor1", "POST", f"/api/portfolio/achievements/{a['id']}/approve", json={})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    # 9 base × 1.0 × 1.0 in person × 3.0 winner × 0.6 team × 1.3 municipal
    assert approved.json()["points"] == round(9 * 3.0 * 0.6 * 1.3, 2)

    after = _call(stack, "pupil1", "GET", f"/api/portfolio/pupils/{ivan}/points").json()
    assert round(after["points"] - before.json()["points"], 2) == round(9 * 3.0 * 0.6 * 1.3, 2)
    overview = _call(stack, "guardian1", "GET", "/api/me/overview").json()
    part = next(c for c in overview["children"] if c["child_id"] == ivan)["portfolio_points"]
    assert part["status"] == "ok" and part["data"]["points"] == after["points"]
    assert part["data"]["places"]["class"] == 1
    # A PNG through the gateway: refused, naming the field.
    png = _call(stack, "pupil1", "POST", f"/api/portfolio/pupils/{ivan}/achievements",
                data={"activity_id": robotics["id"], "participation": "in_person", "individuality": "team",
                      "result": "winner", "date": "2026-04"},
                files={"document": ("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")})
    assert png.status_code == 422 and "document" in png.json()["errors"]


def test_the_tutor_downloads_the_class_report_through_the_gateway(stack):
    """The demo's 5А with the pupils under the consent by name, as a PDF and an XLSX attachment."""
    groups = stack.get("/api/identity/groups", _token(stack, "school1-admin")).json()["items"]
    c5a = next(g["group_id"] for g in groups if g["name"] == "5А")
    pdf = _call(stack, "tutor1", "GET", f"/api/portfolio/classes/{c5a}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf", pdf.text
    assert pdf.content.startswith(b"%PDF") and pdf.headers["Content-Disposition"].startswith("attachment;")
    xlsx = _call(stack, "tutor1", "GET", f"/api/portfolio/classes/{c5a}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    from openpyxl import load_workbook
    names = [row[1] for row in load_workbook(io.BytesIO(xlsx.content))["Ученики"].iter_rows(values_only=True)
             if isinstance(row[0], int)]
    assert any(str(n).startswith("Петров Иван") for n in names) and any("Васильева Дарья" in str(n) for n in names)
    # Another school's administrator: like a missing class.
    refused = _call(stack, "school2-admin", "GET", f"/api/portfolio/classes/{c5a}/report.pdf")
    assert refused.status_code == 404 and refused.headers["Content-Type"].startswith("application/problem+json")
