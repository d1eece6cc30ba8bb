"""Which objects a role must never reach, in the demo city's own terms: another institution (school,
kindergarten, house of creativity), another group or class for a group's own staff, another
family's child for a guardian or pupil, another teacher's load for a teacher who neither keeps nor
tutors nor manages it. Only objects that no rule of any service lets the role reach are
"foreign"; the matrix sends them and nothing else counts as a refusal case.

Parameter names map to kinds of object; a path parameter whose kind is not here fails the
matrix (a new service's ids must be given a rule, not skipped)."""
from __future__ import annotations

from dataclasses import dataclass

from .world import Login, Obj, World

# parameter or body field name → kind of object
PARAM_KINDS = {
    "child_id": "child", "group_id": "group", "load_id": "load", "lesson_id": "lesson", "mark_id": "mark",
    "term_id": "term", "organisation_id": "organisation", "parent_id": "organisation", "account_id": "account",
    "teacher_account_id": "account", "assignment_id": "assignment", "guardian_person_id": "guardian",
    "given_by_person_id": "guardian", "person_id": "person", "round_id": "round", "exemption_id": "exemption",
    "subject_id": "subject", "academic_year_id": "year", "number": "catalogue_version", "purpose": "purpose",
    "card_code": "card", "indicator_id": "indicator",
    # the preschool (issue 12): the audit of corrections filtered by who corrected; a recommendation
    "corrected_by": "account", "recommendation_id": "recommendation",
    # the year transition (issue 12)
    "from_year_id": "year", "to_year_id": "year",
    # the portfolio (issue 13)
    "pupil_id": "pupil", "achievement_id": "achievement", "entry_id": "profi", "petition_id": "petition",
    "dispute_id": "dispute", "activity_id": "activity",
    # the reports (issue 14) name schools by organisation_id: a school's administration reaches
    # its own, the department every one; the schedule and the city report name no object (the
    # department-only rules are tested in services/reports/tests/integration/test_access.py)
}
# body fields that are lists of ids → kind of object
LIST_KINDS = {"deletions": "mark"}
# Kinds every signed-in caller may name: city-wide facts with no owner to be foreign to.
SHARED_KINDS = {"year", "catalogue_version", "purpose", "card", "indicator", "activity"}
# Path parameter kinds whose objects only the department changes: any other role is refused a write.
DEPARTMENT_WRITES = {"catalogue_version", "activity"}
# Operations in which the department acts on any child, with the rule.
DEPARTMENT_ANY_CHILD = {
    ("POST", "/api/identity/movements"): "IDN-07: the department orders transfers between institutions directly",
    ("POST", "/api/identity/people/{person_id}/erasure"):
        "IDN-08: the department erases a person whose records are in any institution",
    ("PATCH", "/api/identity/people/{person_id}"):
        "IDN-09: the department corrects the record of a person of any institution",
    ("GET", "/api/identity/people/{person_id}"):
        "IDN-09: the department reads (to correct) the record of a person of any institution",
}
# Reads that answer any signed-in caller by design, with the reason.
DIRECTORY_READS = {
    ("GET", "/api/identity/organisations/{organisation_id}"):
        "the city's list of institutions is public to staff and families",
    ("GET", "/api/identity/organisations"):
        "the city's list of institutions is public to staff and families (filtered by kind or parent)",
    # Checked by test_ratings_name_only_pupils_the_caller_may_see: no names in such an answer.
    ("GET", "/api/portfolio/ratings/schools/{organisation_id}"):
        "issue 13 §4: everyone else sees places and points without names",
    ("GET", "/api/portfolio/ratings/classes/{group_id}"):
        "issue 13 §4: everyone else sees places and points without names",
}

# The caller's own first-screen reads: they name no object, answer every signed-in caller by the
# caller's own posts, and must hold no id of an object the role may not reach
# (test_self_reads_hold_nothing_foreign).
SELF_READS = {
    ("GET", "/api/journal/me/today"): "the caller's lessons today, tutored classes, the department's city figures",
    ("GET", "/api/preschool/me/round"): "the educator's groups, the head's kindergarten, the department's city",
    ("GET", "/api/me/overview"): "the gateway's composite of the caller's own reads, a section per role",
}

# Operations only an institution's administrator (for his institution) and the department answer
# (issue 12): every other role is refused even naming its own objects, with the rule.
ADMINISTRATORS_ONLY = {
    ("GET", "/api/identity/accounts"): "issue 12: accounts are listed by the institution's administrator",
    ("GET", "/api/identity/people"): "issue 12: people are searched by the institution's administrator",
    ("GET", "/api/identity/people/{person_id}"):
        "IDN-09: a record is read (to correct it) by the administrator of the institution keeping it",
    ("PATCH", "/api/identity/people/{person_id}"):
        "IDN-09: a record is corrected by the administrator of the institution keeping it",
    ("GET", "/api/identity/access-codes"): "issue 12: access codes are listed by the institution's administrator",
    ("GET", "/api/identity/organisations/{organisation_id}/activation"):
        "issue 12: the activation funnel is the administrator's and the department's",
    ("POST", "/api/identity/accounts/{account_id}/password-reset"):
        "issue 12: the administrator of the person's institution, the department for staff",
}

ORG_ROLES = ("institution_admin", "deputy_director", "teacher")
MANAGER_ROLES = ("institution_admin", "deputy_director")
GROUP_ROLES = ("tutor", "educator")


@dataclass(frozen=True)
class Scope:
    """Everything a role reaches by any rule: posts in institutions and groups, its family."""
    login: str
    account_id: str
    person_id: str
    department: bool
    orgs: frozenset[str]        # institutions where it holds a post over the whole institution
    managed: frozenset[str]     # institutions it administers or deputy-directs
    administered: frozenset[str]  # institutions it administers
    groups: frozenset[str]      # groups it tutors or educates
    tutored: frozenset[str]     # classes it tutors (the portfolio's tutor, seed 003 §4.4)
    post_orgs: frozenset[str]   # institutions where it holds any staff post (whole or one group)
    family: frozenset[str]      # its children (a guardian), itself (a pupil)
    near_orgs: frozenset[str]   # every institution it touches at all (posts, groups, family)
    near_groups: frozenset[str]


def scope_of(login: Login, world: World) -> Scope:
    roles = login.roles
    orgs = frozenset(r["organisation_id"] for r in roles if r["role"] in ORG_ROLES and r["organisation_id"])
    managed = frozenset(r["organisation_id"] for r in roles if r["role"] in MANAGER_ROLES and r["organisation_id"])
    groups = frozenset(r["group_id"] for r in roles if r["role"] in GROUP_ROLES and r["group_id"])
    tutored = frozenset(r["group_id"] for r in roles if r["role"] == "tutor" and r["group_id"])
    family = {c["child_id"] for c in login.children}
    if login.person_kind == "child":
        family.add(login.person_id)
    post_orgs = frozenset(r["organisation_id"] for r in roles
                          if r["role"] in ORG_ROLES + GROUP_ROLES and r["organisation_id"])
    placed = {c.id: c for c in world.objects["child"]}
    near_orgs = set(orgs) | {r["organisation_id"] for r in roles if r["organisation_id"]}
    near_groups = set(groups) | {r["group_id"] for r in roles if r["group_id"]}
    for child in family:
        if child in placed:
            near_orgs.add(placed[child].org)
            near_groups.add(placed[child].group)
    administered = frozenset(r["organisation_id"] for r in roles
                             if r["role"] == "institution_admin" and r["organisation_id"])
    return Scope(login.login, login.account_id, login.person_id,
                 any(r["role"] == "department_officer" for r in roles), orgs, managed, administered, groups,
                 tutored, post_orgs,
                 frozenset(family),
                 frozenset(o for o in near_orgs if o), frozenset(g for g in near_groups if g))


def is_foreign(scope: Scope, obj: Obj) -> bool:
    """True when no rule lets the role reach the object (then every method must be refused)."""
    kind = obj.kind
    if kind in ("child", "person", "guardian"):
        if obj.id in scope.family or obj.id == scope.person_id:
            return False
        if scope.department:
            return True  # the department sees figures, never a person's records
        if kind == "child":
            return obj.org not in scope.orgs and obj.group not in scope.groups
        return obj.org not in scope.post_orgs  # a guardian or staff member the role's institution registered
    if kind in ("pupil", "achievement", "profi", "dispute", "petition"):
        return _portfolio_foreign(scope, obj)
    if kind == "recommendation":
        # A child's recommendation (PRE-10): the family, the group's educator, the kindergarten's staff;
        # never the department (a person's record).
        return not (obj.person in scope.family or obj.org in scope.orgs or obj.group in scope.groups)
    if kind in ("load", "lesson", "mark"):
        # A load's grid: its teacher, the class tutor, the institution's administration (JRN rules).
        return not (obj.teacher == scope.account_id or obj.group in scope.groups or obj.org in scope.managed)
    if scope.department:
        return False  # institutions, groups, terms, rounds, accounts: the department's city
    if kind == "group":
        return obj.id not in scope.near_groups and obj.org not in scope.orgs
    if kind == "organisation":
        return obj.id not in scope.near_orgs
    if kind in ("term", "subject", "round", "exemption"):
        return obj.org not in scope.near_orgs
    if kind in ("account", "assignment"):
        return obj.account != scope.account_id and not obj.orgs & scope.post_orgs
    raise AssertionError(f"no rule for objects of kind {kind!r}")


def _portfolio_foreign(scope: Scope, obj: Obj) -> bool:
    """Issue 13 §6: the pupil and his guardians their own portfolio, the tutor his class, the school's
    administration its school; the department no portfolio (it reads disputes and petitions sent
    to it). ``obj.person`` is the pupil the object belongs to."""
    reaches = obj.person in scope.family or obj.group in scope.tutored or obj.org in scope.managed
    if obj.kind == "dispute":
        return not (reaches or scope.department)
    if obj.kind == "petition":
        # The requesting pupil, his school's administration; the department once it is petitioned.
        return not (obj.person == scope.person_id or obj.org in scope.managed
                    or scope.department and obj.state not in ("requested", "refused_by_school"))
    return not reaches


def _spread(objs: list[Obj], limit: int) -> list[Obj]:
    """Up to ``limit`` objects from as many institutions, then groups, as there are."""
    chosen: list[Obj] = []
    for key in (lambda o: o.org or o.account, lambda o: (o.org, o.group, o.teacher)):
        seen = {key(o) for o in chosen}
        for o in objs:
            if len(chosen) < limit and key(o) not in seen and o not in chosen:
                chosen.append(o)
                seen.add(key(o))
    return chosen


@dataclass
class Pool:
    """Per role: foreign objects of each kind (a few, from different places) and one of its own."""
    scope: Scope
    foreign: dict[str, list[Obj]]
    own: dict[str, Obj]
    foreign_ids: frozenset[str]   # every object of the city the role must not reach


def pools(world: World, per_kind: int = 3) -> dict[str, Pool]:
    result = {}
    for name, login in world.logins.items():
        scope = scope_of(login, world)
        foreign, own, every = {}, {}, set()
        for kind, objs in world.objects.items():
            far = [o for o in objs if is_foreign(scope, o)]
            # A short numeric id (a recommendation's) is no evidence when found in an answer ("1" is in
            # any "limit":50 … ): only uuids are looked for.
            every |= {o.id for o in far if len(o.id) >= 32}
            if far:
                foreign[kind] = _spread(far, per_kind)
            near = sorted((o for o in objs if not is_foreign(scope, o)),
                          key=lambda o: (o.teacher != scope.account_id, o.group not in scope.groups,
                                         o.id not in scope.family, o.account != scope.account_id))
            if near:
                own[kind] = near[0]
        result[name] = Pool(scope, foreign, own, frozenset(every))
    return result
