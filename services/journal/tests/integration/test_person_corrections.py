"""Issue 12: a person's record corrected in identity (identity.person.updated.v1 with the next
sequence) shows in the journal's reads; an older record delivered late does not undo it."""


def _deliver(feed, *events):
    """Publish (type, data, sequence) in this order, as a retry would deliver them, and wait."""
    ids = [feed.publish(type_, data, extra={"sequence": sequence}) for type_, data, sequence in events]
    feed.consumer.wait_for_ids(ids)


def _artem_in_grid(api, school):
    grid = api.ok("tutor1", "GET", f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}")
    return next((p["last_name"], p["first_name"]) for p in grid["pupils"] if p["child_id"] == api.world.id("artem"))


def test_a_corrected_surname_shows_in_the_grid_and_an_older_record_does_not_undo_it(api, world, feed, school):
    artem = world.id("artem")
    record = {"person_id": artem, "kind": "child", "first_name": "Артём", "middle_name": None}
    assert _artem_in_grid(api, school) == ("Борисов", "Артём")
    _deliver(feed, ("identity.person.updated.v1", {**record, "last_name": "Борисов-Верный"}, 5))
    assert _artem_in_grid(api, school) == ("Борисов-Верный", "Артём")
    # The registration record (version 1) retried long after the correction changes nothing.
    _deliver(feed, ("identity.person.registered.v1", {**record, "last_name": "Борисов"}, 1),
             ("identity.person.updated.v1", {**record, "last_name": "Борисов-Старый"}, 4))
    assert _artem_in_grid(api, school) == ("Борисов-Верный", "Артём")
    # The next correction applies.
    _deliver(feed, ("identity.person.updated.v1", {**record, "last_name": "Борисов", "first_name": "Артемий"}, 6))
    assert _artem_in_grid(api, school) == ("Борисов", "Артемий")
