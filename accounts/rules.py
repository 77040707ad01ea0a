"""`rules` predicates: may this user do X to this object. Views ask through access.py helpers or
`user.has_perm("sendpath.<perm>", obj)`; both end at accounts/access.py."""

import rules

from accounts import access
from accounts.models import School
from pupils.models import Pupil


def _school(obj: object) -> School | None:
    if isinstance(obj, School):
        return obj
    if isinstance(obj, Pupil):
        return obj.school
    return None


@rules.predicate
def may_change_register(user, obj) -> bool:  # type: ignore[no-untyped-def]
    school = _school(obj)
    return school is not None and access.can_change_register(user, school)


@rules.predicate
def may_edit_pupil_details(user, obj) -> bool:  # type: ignore[no-untyped-def]
    school = _school(obj)
    return school is not None and access.can_edit_pupil_details(user, school)


@rules.predicate
def may_read_audit(user, obj) -> bool:  # type: ignore[no-untyped-def]
    school = _school(obj)
    return school is not None and access.can_read_audit(user, school)


rules.add_perm("sendpath.change_register", may_change_register)
rules.add_perm("sendpath.edit_pupil_details", may_edit_pupil_details)
rules.add_perm("sendpath.read_audit", may_read_audit)
