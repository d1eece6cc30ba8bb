"""The deputy's control of attestation without a database (seed 004 §3.4): term marks owed once
a term is over, year and final marks once the year's last term is, by the pupils in the group
on that last day."""
from __future__ import annotations

from datetime import date

from kabinet_journal.attestation_control import (
    AttestedTerm,
    Load,
    Missing,
    Stay,
    by_group_and_subject,
    count_missing,
    missing_attestation,
)

H1 = AttestedTerm("h1", "year", date(2026, 12, 29), closed=False)
H2 = AttestedTerm("h2", "year", date(2027, 5, 31), closed=False)
MATHS = Load("maths", "5a", "year")
STAYS = {"5a": [Stay("ivan", date(2026, 9, 1), None), Stay("maria", date(2026, 9, 1), None),
                Stay("left", date(2026, 9, 1), date(2026, 12, 1)),     # gone before the half's end
                Stay("newcomer", date(2027, 2, 1), None)]}            # came in the second half


def test_nothing_is_owed_while_no_term_is_over():
    assert missing_attestation([H1, H2], [MATHS], STAYS, set(), date(2026, 12, 28)) == []


def test_a_term_that_is_over_owes_a_term_mark_of_each_pupil_there_at_its_end():
    marks = {("maths", "ivan", "term", "h1")}
    assert missing_attestation([H1, H2], [MATHS], STAYS, marks, date(2026, 12, 29)) == [
        Missing("maths", "maria", "term", "h1")]
    # Closed early, it is over too.
    early = AttestedTerm("h1", "year", date(2026, 12, 29), closed=True)
    assert missing_attestation([early, H2], [MATHS], STAYS, marks, date(2026, 12, 20)) == [
        Missing("maths", "maria", "term", "h1")]


def test_the_years_end_owes_year_and_final_marks_and_other_years_loads_owe_nothing_here():
    marks = {("maths", c, "term", t) for c in ("ivan", "maria") for t in ("h1", "h2")} | {
        ("maths", "newcomer", "term", "h2"), ("maths", "ivan", "year", "year"), ("maths", "ivan", "final", "year"),
        ("maths", "maria", "year", "year")}
    other = Load("old", "4a", "year-before")
    missing = missing_attestation([H1, H2], [MATHS, other], STAYS, marks, date(2027, 6, 1))
    assert missing == [Missing("maths", "newcomer", "year", "year"), Missing("maths", "maria", "final", "year"),
                       Missing("maths", "newcomer", "final", "year")]
    assert dict(count_missing(missing)) == {
        "maths": {"without_term_mark": 0, "without_year_mark": 1, "without_final_mark": 2}}


def test_counts_per_group_and_subject():
    class Row:
        group_id, group, subject = "5a", "5А", "Математика"
    rows = by_group_and_subject([Missing("maths", "maria", "term", "h1")], {"maths": Row()})
    assert rows == [{"load_id": "maths", "group_id": "5a", "group": "5А", "subject": "Математика",
                     "without_term_mark": 1, "without_year_mark": 0, "without_final_mark": 0}]
