"""Who the console and its header link treat as staff (app/ui/staff.py): exactly whom the
rules' STAFF admits, the course's instructorUid or the admin claim, course by course."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.ui.staff import staff_courses

UIDS = st.sampled_from(["ivan", "lena", "ada", "other"])
CATALOG = st.dictionaries(
    st.sampled_from(["serverless-101", "thick-front-ends", "realtime-forums"]),
    st.one_of(st.none(), st.fixed_dictionaries({}, optional={"instructorUid": UIDS})),
)


def test_the_demo_roles() -> None:
    catalog = {
        "serverless-101": {"instructorUid": "ivan", "title": "S"},
        "thick-front-ends": {"instructorUid": "ivan"},
        "realtime-forums": {"instructorUid": "rita"},
    }
    ivan = {"uid": "ivan", "admin": False}
    assert set(staff_courses(ivan, catalog)) == {"serverless-101", "thick-front-ends"}
    assert staff_courses({"uid": "lena", "admin": False}, catalog) == {}
    assert set(staff_courses({"uid": "ada", "admin": True}, catalog)) == set(catalog)
    assert staff_courses(None, catalog) == {}
    assert staff_courses(ivan, None) == {}


@given(UIDS, st.booleans(), CATALOG)
def test_staff_where_the_rules_say(uid: str, admin: bool, catalog: dict) -> None:
    mine = staff_courses({"uid": uid, "admin": admin}, catalog)
    for cid, course in catalog.items():
        rules_staff = admin or (course or {}).get("instructorUid") == uid
        assert (cid in mine) == rules_staff
