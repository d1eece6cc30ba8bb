"""``python -m kabinet_identity.seed``: the demo city (SPEC §8), the same every time.

Seeding goes through the service layer, so the demo city's events reach the other services
like any real change. It runs in one transaction and only once: run again, it keeps what is
there and prints the logins.
"""
from __future__ import annotations

import sys
from datetime import date

from sqlalchemy import select

from .access import Caller, Grant
from .bootstrap import build_deps
from .children import link_guardian, link_guardianship
from .config import Settings
from .consent import give_consent
from .deps import Deps
from .models import Account, Organisation
from .movements import record_movement
from .people import create_account, create_person
from .structure import create_academic_year, create_group, create_organisation

DEMO_PASSWORD = "kabinet-demo"
DEPARTMENT_NAME = "Департамент образования администрации города"

# login → what a newcomer can do with it
DEMO_LOGINS = [
    ("department", "департамент: учреждения, учебные годы, городская статистика"),
    ("school1-admin", "администратор Школы № 1: сотрудники, движение учащихся, коды доступа, согласия"),
    ("deputy1", "заместитель директора Школы № 1: контроль журнала"),
    ("teacher1", "учитель Школы № 1 (математика)"),
    ("tutor1", "классный руководитель 5А Школы № 1"),
    ("school2-admin", "администратор Гимназии № 2"),
    ("teacher2", "учитель Гимназии № 2"),
    ("kg1-admin", "заведующий Детским садом № 1"),
    ("educator1", "воспитатель группы «Солнышко» Детского сада № 1"),
    ("dod1-admin", "администратор Дома детского творчества"),
    ("guardian1", "родитель: Петров Иван (5А, Школа № 1) и Петрова Анна («Солнышко», "
                  "без согласия на кабинет дошкольника)"),
    ("guardian2", "родитель: Смирнова Ольга (5Б, Школа № 1)"),
    ("pupil1", "ученик 5А Школы № 1 (Петров Иван)"),
]

CLASS_5A = [("Петров", "Иван", "Сергеевич", date(2015, 3, 14)),
            ("Александрова", "Мария", "Игоревна", date(2015, 5, 2)),
            ("Борисов", "Артём", "Дмитриевич", date(2015, 1, 23)),
            ("Васильева", "Дарья", "Андреевна", date(2015, 7, 9)),
            ("Горбунов", "Максим", "Олегович", date(2014, 11, 30)),
            ("Денисова", "Полина", "Романовна", date(2015, 2, 17)), ("Ершов", "Кирилл", "Павлович", date(2015, 8, 4)),
            ("Жукова", "Виктория", "Алексеевна", date(2015, 4, 21))]
CLASS_5B = [("Смирнова", "Ольга", "Викторовна", date(2015, 6, 11)), ("Зайцев", "Егор", "Николаевич", date(2015, 3, 3)),
            ("Ильина", "Софья", "Михайловна", date(2015, 9, 28)), ("Калинин", "Тимофей", "Ильич", date(2014, 12, 12)),
            ("Лебедева", "Алиса", "Сергеевна", date(2015, 1, 5)), ("Морозов", "Глеб", "Артёмович", date(2015, 10, 19))]
GYMNASIUM_5A = [("Никитина", "Ева", "Денисовна", date(2015, 2, 8)),
                ("Орлов", "Лев", "Константинович", date(2015, 4, 16)),
                ("Павлова", "Ксения", "Юрьевна", date(2015, 6, 25)),
                ("Романов", "Марк", "Евгеньевич", date(2015, 8, 30))]
SUNSHINE = [("Петрова", "Анна", "Сергеевна", date(2020, 10, 2)), ("Соколов", "Миша", "Андреевич", date(2020, 12, 5)),
            ("Тимофеева", "Вера", "Олеговна", date(2021, 1, 14)), ("Уткин", "Дима", "Петрович", date(2020, 11, 20)),
            ("Фёдорова", "Лиза", "Игоревна", date(2021, 2, 3)), ("Хохлов", "Саша", "Викторович", date(2020, 9, 27)),
            ("Цветкова", "Маша", "Романовна", date(2021, 3, 8))]
STARS = [("Чернов", "Паша", "Алексеевич", date(2019, 10, 10)), ("Шарова", "Таня", "Денисовна", date(2020, 1, 19)),
         ("Щукин", "Ваня", "Ильич", date(2019, 12, 1)), ("Юдина", "Катя", "Максимовна", date(2020, 3, 22))]
ROBOTICS = [("Яковлев", "Никита", "Олегович", date(2013, 5, 5)), ("Абрамова", "Лена", "Павловна", date(2012, 9, 14))]


class _Seeder:
    def __init__(self, deps: Deps, session):
        self.deps, self.session = deps, session
        self.system = Caller("system", "system", "staff", (Grant("department_officer"),))

    def as_admin_of(self, org_id: str) -> Caller:
        return Caller("system", "system", "staff", (Grant("department_officer"), Grant("institution_admin", org_id)))

    def org(self, kind, name, short, parent=None):
        return create_organisation(self.deps, self.session, self.system,
                                   {"kind": kind, "name": name, "short_name": short, "parent_id": parent})

    def group(self, org, year, name, grade=None, band=None):
        return create_group(self.deps, self.session, self.as_admin_of(org.id), {
            "organisation_id": org.id, "academic_year_id": year.id, "name": name, "grade_level": grade,
            "age_band": band})

    def person(self, org, kind, last, first, middle=None, born=None, email=None, phone=None):
        return create_person(self.deps, self.session, self.as_admin_of(org.id), {
            "kind": kind, "organisation_id": org.id, "last_name": last, "first_name": first, "middle_name": middle,
            "birth_date": born, "email": email, "phone": phone})

    def staff(self, org, login, last, first, middle, roles):
        person = self.person(org, "staff", last, first, middle, email=f"{login}@kabinet.example")
        return create_account(self.deps, self.session, self.as_admin_of(org.id), {
            "person_id": person.id, "login": login, "password": DEMO_PASSWORD, "roles": roles})

    def children(self, org, group, names, order):
        admin = self.as_admin_of(org.id)
        result = []
        for last, first, middle, born in names:
            child = self.person(org, "child", last, first, middle, born)
            record_movement(self.deps, self.session, admin, {
                "kind": "enrol", "child_id": child.id, "group_id": group.id, "order_number": order,
                "order_date": date(2026, 8, 28), "effective_on": date(2026, 9, 1)})
            result.append(child)
        return result

    def guardian_of(self, org, children, last, first, middle, login=None):
        guardian = self.person(org, "guardian", last, first, middle, phone="+7 342 200-00-00")
        admin = self.as_admin_of(org.id)
        for child in children:
            link_guardian(self.deps, self.session, admin, child.id, guardian.id)
        if login:
            create_account(self.deps, self.session, admin, {"person_id": guardian.id, "login": login,
                                                             "password": DEMO_PASSWORD})
        return guardian

    def consent(self, org, child, guardian, purpose, number):
        give_consent(self.deps, self.session, self.as_admin_of(org.id), child.id, {
            "purpose": purpose, "given_by_person_id": guardian.id, "registration_number": number,
            "registration_date": date(2026, 9, 2)})


def seed(deps: Deps) -> bool:
    """Create the demo city unless it is there. Returns True if it was created now."""
    with deps.session_factory.begin() as session:
        if session.scalar(select(Organisation).where(Organisation.kind == "department")):
            return False
        s = _Seeder(deps, session)
        year = create_academic_year(deps, session, s.system, {
            "name": "2026/2027", "starts_on": date(2026, 9, 1), "ends_on": date(2027, 8, 31)})
        dept = s.org("department", DEPARTMENT_NAME, "Департамент образования")
        school1 = s.org("school", "МАОУ «Средняя общеобразовательная школа № 1»", "Школа № 1", dept.id)
        school2 = s.org("school", "МАОУ «Гимназия № 2»", "Гимназия № 2", dept.id)
        kg1 = s.org("kindergarten", "МАДОУ «Детский сад № 1»", "Детский сад № 1", dept.id)
        dod = s.org("supplementary", "МАУ ДО «Дом детского творчества»", "Дом детского творчества", dept.id)

        c5a = s.group(school1, year, "5А", grade=5)
        c5b = s.group(school1, year, "5Б", grade=5)
        s.group(school1, year, "6А", grade=6)
        g5a = s.group(school2, year, "5А", grade=5)
        sunshine = s.group(kg1, year, "Солнышко", band="senior")
        stars = s.group(kg1, year, "Звёздочки", band="preparatory")
        s.group(kg1, year, "Капельки", band="middle")
        robotics = s.group(dod, year, "Робототехника")

        dept_person = s.person(dept, "staff", "Кузнецова", "Елена", "Владимировна", email="department@kabinet.example")
        create_account(deps, session, s.system, {"person_id": dept_person.id, "login": "department",
                                                 "password": DEMO_PASSWORD,
                                                 "roles": [{"role": "department_officer", "organisation_id": dept.id}]})
        s.staff(school1, "school1-admin", "Сергеева", "Наталья", "Петровна",
                [{"role": "institution_admin", "organisation_id": school1.id}])
        s.staff(school1, "deputy1", "Григорьев", "Олег", "Николаевич",
                [{"role": "deputy_director", "organisation_id": school1.id}])
        s.staff(school1, "teacher1", "Иванова", "Марина", "Александровна",
                [{"role": "teacher", "organisation_id": school1.id}])
        s.staff(school1, "tutor1", "Белова", "Ирина", "Валерьевна",
                [{"role": "teacher", "organisation_id": school1.id},
                 {"role": "tutor", "organisation_id": school1.id, "group_id": c5a.id}])
        s.staff(school2, "school2-admin", "Волков", "Андрей", "Сергеевич",
                [{"role": "institution_admin", "organisation_id": school2.id}])
        s.staff(school2, "teacher2", "Медведева", "Анна", "Игоревна",
                [{"role": "teacher", "organisation_id": school2.id}])
        s.staff(kg1, "kg1-admin", "Полякова", "Светлана", "Юрьевна",
                [{"role": "institution_admin", "organisation_id": kg1.id}])
        s.staff(kg1, "educator1", "Захарова", "Людмила", "Ивановна",
                [{"role": "educator", "organisation_id": kg1.id, "group_id": sunshine.id}])
        s.staff(dod, "dod1-admin", "Фомин", "Виктор", "Петрович",
                [{"role": "institution_admin", "organisation_id": dod.id}])

        pupils_5a = s.children(school1, c5a, CLASS_5A, "112-у")
        pupils_5b = s.children(school1, c5b, CLASS_5B, "112-у")
        gymnasium = s.children(school2, g5a, GYMNASIUM_5A, "87-у")
        sunshine_children = s.children(kg1, sunshine, SUNSHINE, "34-д")
        stars_children = s.children(kg1, stars, STARS, "34-д")
        s.children(dod, robotics, ROBOTICS, "15-о")

        ivan, anna = pupils_5a[0], sunshine_children[0]
        guardian1 = s.guardian_of(school1, [ivan], "Петров", "Сергей", "Николаевич", login="guardian1")
        # A father registered by the school links his kindergarten daughter himself (an access code
        # redeemed with his login); the demo city records the outcome.
        link_guardianship(deps, session, guardian1.id, anna.id)
        s.consent(school1, ivan, guardian1, "e_diary", "ЭД-2026/001")
        s.consent(school1, ivan, guardian1, "portfolio", "ПФ-2026/001")
        # Anna has no preschool_cabinet consent: the cabinet shows her under a pseudonym.

        pupil_account = {"person_id": ivan.id, "login": "pupil1", "password": DEMO_PASSWORD}
        create_account(deps, session, s.as_admin_of(school1.id), pupil_account)

        olga = pupils_5b[0]
        guardian2 = s.guardian_of(school1, [olga], "Смирнов", "Виктор", "Андреевич", login="guardian2")
        s.consent(school1, olga, guardian2, "e_diary", "ЭД-2026/002")

        # Some families have applied, some have not: the demo city shows both kinds.
        for i, child in enumerate(pupils_5a[1:5] + gymnasium[:2], start=3):
            guardian = s.guardian_of(school1 if child in pupils_5a else school2, [child], child.last_name.rstrip("а"),
                                     "Родитель", None)
            s.consent(school1 if child in pupils_5a else school2, child, guardian, "e_diary", f"ЭД-2026/{i:03d}")
            if child in pupils_5a[3:5]:
                # Two more families of 5А keep a portfolio: the class has a rating with names to show.
                s.consent(school1, child, guardian, "portfolio", f"ПФ-2026/{i:03d}")
        for i, child in enumerate(sunshine_children[1:5] + stars_children[:2], start=1):
            guardian = s.guardian_of(kg1, [child], child.last_name.rstrip("а"), "Родитель", None)
            s.consent(kg1, child, guardian, "preschool_cabinet", f"ЛКД-2026/{i:03d}")
    return True


def print_logins(out=sys.stdout) -> None:
    print(f"\nДемо-город Kabinet — учётные записи (пароль у всех: {DEMO_PASSWORD})", file=out)
    width = max(len(login) for login, _ in DEMO_LOGINS)
    for login, what in DEMO_LOGINS:
        print(f"  {login.ljust(width)}  {what}", file=out)


if __name__ == "__main__":
    deps = build_deps(Settings.load())
    created = seed(deps)
    with deps.session_factory() as session:
        count = session.query(Account).count()
    print(f"identity: demo city {'seeded' if created else 'already present, kept as is'} ({count} accounts)")
    print_logins()
