"""Corrections (seed 000 §3.4, §4.2.3): the persons responsible for the cabinet in the
kindergarten correct the educators' entries; every correction is audited (who, when, which
entry, old → new) and the head reads the audit."""


def _child(world):
    return world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"][6][
        "child_id"]


def test_the_head_corrects_an_educators_entry_and_reads_the_audit(world, rounds):
    child, kg1 = _child(world), world.org("Детский сад № 1")
    ind = world.indicators("senior", "speech")[1]
    entry = {"child_id": child, "round_id": rounds[1], "indicator_id": ind["id"], "level": 1}
    assert world.save("educator1", "POST", "/observations", json=entry).status_code == 200

    corrected = world.save("kg1-admin", "POST", "/observations", json={**entry, "level": 3, "note": "Проверено"})
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["level"] == 3

    audit = world.as_("kg1-admin", "GET", f"/corrections?organisation_id={kg1}&child_id={child}")
    assert audit.status_code == 200, audit.json
    assert audit.json["total"] == 1
    row = audit.json["items"][0]
    admin_account = world.idn("kg1-admin", "GET", "/me").json["account_id"]
    educator_account = world.idn("educator1", "GET", "/me").json["account_id"]
    assert (row["old_level"], row["new_level"], row["new_note"]) == (1, 3, "Проверено")
    assert (row["corrected_by"], row["entered_by"]) == (admin_account, educator_account)
    assert row["indicator_id"] == ind["id"] and row["card_code"] == "speech" and row["corrected_at"]
    # The educator's own changes are not corrections.
    assert world.save("educator1", "POST", "/observations", json={**entry, "level": 2}).status_code == 200
    assert world.as_("kg1-admin", "GET", f"/corrections?organisation_id={kg1}&child_id={child}").json["total"] == 1


def test_only_the_head_reads_the_audit_and_only_entries_of_their_kindergarten_are_corrected(world, rounds):
    kg1 = world.org("Детский сад № 1")
    for login in ("educator1", "school1-admin", "department", "guardian1"):
        assert world.as_(login, "GET", f"/corrections?organisation_id={kg1}").status_code == 403, login
    ind = world.indicators("senior", "speech")[2]
    entry = {"child_id": _child(world), "round_id": rounds[1], "indicator_id": ind["id"], "level": 2}
    # Not an entry yet: the responsible person corrects, the educator enters.
    assert world.save("kg1-admin", "POST", "/observations", json=entry).status_code == 403
    assert world.save("educator1", "POST", "/observations", json=entry).status_code == 200
    assert world.save("school1-admin", "POST", "/observations", json={**entry, "level": 1}).status_code == 404
