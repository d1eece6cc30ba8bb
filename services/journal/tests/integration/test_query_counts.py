"""The grid's read and save issue a fixed number of SQL statements, whatever the number of
pupils: counted with SQLAlchemy's before_cursor_execute on the app's own engine."""
import uuid
from contextlib import contextmanager

from sqlalchemy import event


def new_id() -> str:
    return str(uuid.uuid4())



@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _enrol(world, feed, group: str, how_many: int) -> list[str]:
    children = [new_id() for _ in range(how_many)]
    events = []
    for n, child in enumerate(children):
        events.append(("identity.person.registered.v1", {"person_id": child, "kind": "child",
                                                          "last_name": f"Ученик{n:02d}", "first_name": "Тест",
                                                          "middle_name": None}))
        events.append(("identity.child.enrolled.v1", {**world.movement("enrolled", "ivan", "school1", group,
                                                                       world.today)[1],
                                                      "child_id": child}))
    feed.send(*events)
    return children


def _measure(api, load, term, lessons, children):
    engine = api.deps.session_factory.kw["bind"]
    body = {"marks": [{"lesson_id": lesson, "child_id": c, "value": 4, "kind": "test"}
                      for lesson in lessons for c in children],
            "attendance": [{"lesson_id": lessons[0], "child_id": c, "status": "present"} for c in children]}
    path = f"/loads/{load}/grid?term_id={term}"
    version = api.as_("teacher1", "GET", path).headers["ETag"]
    with counting(engine) as saved:
        api.ok("teacher1", "POST", path, json=body, headers={"If-Match": version})
    with counting(engine) as read:
        grid = api.ok("teacher1", "GET", f"/loads/{load}/grid?term_id={term}")
    assert len(grid["pupils"]) == len(children)
    return len(read), len(saved)


def test_grid_queries_do_not_grow_with_pupils(api, world, feed, school):
    group = world.id("s1-5v")
    feed.send(("identity.group.created.v1", {"group_id": group, "organisation_id": world.id("school1"),
                                              "academic_year_id": world.id("year"), "kind": "school_class",
                                              "name": "5В", "grade_level": 5, "age_band": None}))
    load = api.ok("admin1", "POST", "/loads", json={"group_id": group, "subject_id": school.maths,
                                                    "teacher_account_id": world.account("teacher1")})["id"]
    lessons = [api.ok("teacher1", "POST", f"/loads/{load}/lessons",
                      json={"date": school.today.isoformat(), "period": p})["id"] for p in (1, 2)]
    few = _enrol(world, feed, "s1-5v", 3)
    read_few, save_few = _measure(api, load, school.terms[2], lessons, few)
    many = few + _enrol(world, feed, "s1-5v", 25)
    read_many, save_many = _measure(api, load, school.terms[2], lessons, many)
    print(f"grid read: {read_few} statements, grid save: {save_few}")
    assert read_many == read_few, (read_few, read_many)
    assert save_many == save_few, (save_few, save_many)
    # The save reads the grid twice besides writing it: the version it is made over (If-Match) and
    # the new version it answers with.
    assert read_few <= 12 and save_few <= 20 + 2 * read_few, (read_few, save_few)
