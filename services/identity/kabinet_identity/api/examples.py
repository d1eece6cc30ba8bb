"""Example request bodies shown in the OpenAPI document (each valid for its schema; a test checks)."""

ORG = "3f1c2a5e-8b0d-4e6f-9a1b-2c3d4e5f6a7b"
YEAR = "7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
GROUP = "9b8a7c6d-5e4f-4a3b-8c1d-0e9f8a7b6c5d"
CHILD = "c4a1e2b3-d5f6-4a7b-9c8d-e1f2a3b4c5d6"
GUARDIAN = "a1b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8e"
PERSON = "d2c3b4a5-f6e7-4d8c-9b0a-1f2e3d4c5b6a"

TOKEN = {"login": "teacher1", "password": "kabinet-demo"}
REFRESH = {"refresh_token": "the refresh_token of the last login or refresh"}
PASSWORD = {"current_password": "kabinet-demo", "new_password": "a longer passphrase"}
ORGANISATION = {"kind": "school", "name": "Средняя общеобразовательная школа № 3", "short_name": "Школа № 3",
                "parent_id": ORG}
ACADEMIC_YEAR = {"name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2027-08-31"}
GROUP_IN = {"organisation_id": ORG, "academic_year_id": YEAR, "name": "5А", "kind": "school_class", "grade_level": 5}
PERSON_IN = {"kind": "child", "organisation_id": ORG, "last_name": "Петров", "first_name": "Иван",
             "middle_name": "Сергеевич", "birth_date": "2015-04-12"}
GUARDIAN_LINK = {"guardian_person_id": GUARDIAN}
MOVEMENT = {"kind": "enrol", "child_id": CHILD, "group_id": GROUP, "order_number": "12-у",
            "order_date": "2026-08-28", "effective_on": "2026-09-01"}
ACCOUNT = {"person_id": PERSON, "login": "teacher7", "password": "a first passphrase",
           "roles": [{"role": "teacher", "organisation_id": ORG, "group_id": None}]}
DEACTIVATE = {"reason": "Уволен по собственному желанию"}
ROLE = {"role": "tutor", "organisation_id": ORG, "group_id": GROUP}
CONSENT = {"purpose": "e_diary", "given_by_person_id": GUARDIAN, "registration_number": "17",
           "registration_date": "2026-09-02"}
CONSENT_REVOKE = {"reason": "Отозвано родителем письменно"}
ACCESS_CODE = {"child_id": CHILD, "channel": "in_person", "guardian_person_id": GUARDIAN}
REDEEM = {"code": "K7M2-9QXP", "login": "petrova.a", "password": "a first passphrase", "last_name": "Петрова",
          "first_name": "Анна"}
