"""Example request bodies shown in the OpenAPI document (each valid for its schema; a test checks)."""

ORG = "3f1c2a5e-8b0d-4e6f-9a1b-2c3d4e5f6a7b"
YEAR = "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
GROUP = "9b8a7c6d-5e4f-4a3b-8c1d-0e9f8a7b6c5d"
TERM = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f"
LOAD = "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b"
SUBJECT = "6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c"
TEACHER = "8a9b0c1d-2e3f-4a4b-9c5d-6e7f8a9b0c1d"
LESSON = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
PUPIL = "c4a1e2b3-d5f6-4a7b-9c8d-e1f2a3b4c5d6"
PUPIL2 = "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b"

TERM_IN = {"organisation_id": ORG, "academic_year_id": YEAR, "kind": "quarter", "number": 1,
           "starts_on": "2026-09-01", "ends_on": "2026-10-26"}
SUBJECT_IN = {"organisation_id": ORG, "name": "Математика"}
LOAD_IN = {"group_id": GROUP, "subject_id": SUBJECT, "teacher_account_id": TEACHER, "scale": "five"}
SLOT = {"term_id": TERM, "load_id": LOAD, "weekday": 1, "period": 2}
LESSON_IN = {"date": "2026-09-07", "period": 2, "kind": "lesson", "topic": "Натуральные числа",
             "homework": "№ 12, 14"}
GRID = {"marks": [{"lesson_id": LESSON, "child_id": PUPIL, "value": 5, "kind": "oral"},
                  {"date": "2026-09-07", "child_id": PUPIL2, "value": 4, "kind": "written"}],
        "attendance": [{"lesson_id": LESSON, "child_id": PUPIL2, "status": "late"}],
        "deletions": []}
MARK = {"child_id": PUPIL, "value": 5, "kind": "oral"}
ATTENDANCE = {"entries": [{"child_id": PUPIL, "status": "present"}, {"child_id": PUPIL2, "status": "absent_ill"}]}
PERIOD_MARKS = {"period": "term", "term_id": TERM, "marks": [{"child_id": PUPIL, "value": 5}]}
REOPEN = {"reason": "Исправление ошибки в итоговой отметке"}
PLAN = {"topics": [{"title": "Натуральные числа", "hours": 4, "kind": "lesson"},
                   {"title": "Контрольная работа № 1", "hours": 1, "kind": "lesson"}]}
DAY_ATTENDANCE = {"date": "2026-09-07", "entries": [{"child_id": PUPIL, "status": "present"},
                                                     {"child_id": PUPIL2, "status": "absent_ill", "reason": "справка"}]}
FEE_RATE = {"organisation_id": ORG, "group_id": None, "starts_on": "2026-09-01", "daily_rate": 150.00}
EXEMPTION = {"organisation_id": ORG, "child_id": PUPIL, "kind": "large_family", "percent": 50,
             "starts_on": "2026-09-01", "basis": "Удостоверение многодетной семьи № 123 от 01.08.2026"}
YEAR_CLOSE = {"organisation_id": ORG}
