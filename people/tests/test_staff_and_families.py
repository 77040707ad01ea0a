"""Staff invitations, roles and the end of a membership; parent invitations by link and code."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Membership, Role, User
from people import services
from people.models import Invitation
from pupils.models import Contact, FamilyLink
from sendpath.testing import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "plum orbit candle ferry"  # noqa: S105


def _link(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+/)", body)
    assert found, body
    return found.group(1)


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_invited_teacher_sets_a_password_and_is_a_teacher_at_the_school(world, settings):
    admin = _client(world.users["admin"])
    r = admin.post(reverse("school_staff"), {"email": "New.Teacher@example.org", "role": "teacher"})
    assert r.status_code == 302
    settings.SENDPATH_REQUIRE_2FA = True
    [message] = mail.outbox
    assert message.to == ["new.teacher@example.org"]
    # The mail names the school and the role, never a pupil.
    assert "Oak Primary" in message.body and "Teacher" in message.body
    for pupil in world.pupils.values():
        assert pupil.legal_surname not in message.body and pupil.upn not in message.body
    path = _link(str(message.body))
    anon = Client()
    assert anon.get(path).status_code == 200
    r = anon.post(
        path,
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert r.status_code == 302
    user = User.objects.get(username="new.teacher@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(user=user, school=world.oak, role=Role.TEACHER).exists()
    # A teacher needs no second step; the link is used up.
    assert anon.get(reverse("school_home")).status_code == 200
    assert Client().get(path).status_code == 410


def test_a_role_that_needs_two_factor_enrols_after_accepting(world, settings):
    settings.SENDPATH_REQUIRE_2FA = True
    sent = services.staff_invite(
        school=world.oak,
        email="senco2@example.org",
        role="senco",
        by=world.users["admin"],
        base_url="",
    )
    anon = Client()
    anon.post(
        sent.link,
        {"first_name": "A", "last_name": "B", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    r = anon.get(reverse("register"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("two_factor_setup"))


def test_an_invitation_link_is_signed_single_use_and_expires(world):
    sent = services.staff_invite(
        school=world.oak,
        email="x@example.org",
        role="teacher",
        by=world.users["admin"],
        base_url="",
    )
    token = sent.link.split("/")[2]
    assert services.invitation_for_link(token) is not None
    assert services.invitation_for_link(token[:-2] + "xx") is None  # the signature is checked
    Invitation.objects.filter(pk=sent.invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.invitation_for_link(token) is None
    assert Client().get(sent.link).status_code == 410


def test_an_existing_account_is_linked_not_duplicated(world):
    outsider = world.users["outsider"]  # the SENCo at Elm, invited to Oak as well
    sent = services.staff_invite(
        school=world.oak,
        email=outsider.email.upper(),
        role="teacher",
        by=world.users["admin"],
        base_url="",
    )
    anon = Client()
    page = anon.get(sent.link).content.decode()
    assert "Sign in to accept" in page
    r = anon.post(
        sent.link,
        {"first_name": "A", "last_name": "B", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert r.status_code == 200 and User.objects.filter(email__iexact=outsider.email).count() == 1
    c = _client(outsider)
    assert c.post(sent.link).status_code == 302
    assert set(Membership.objects.filter(user=outsider).values_list("school__name", "role")) == {
        ("Elm Primary", "senco"),
        ("Oak Primary", "teacher"),
    }


def test_inviting_someone_who_has_the_role_already_is_refused(world):
    r = _client(world.users["senco"]).post(
        reverse("school_staff"), {"email": "teacher@example.org", "role": "teacher"}
    )
    assert r.status_code == 200 and "already have that role" in r.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


def test_ending_a_membership_stops_the_session_and_the_api_token_at_once(world):
    teacher = world.users["teacher"]
    session = Client()
    session.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert session.get(reverse("pupil_detail", args=[world.amy.pk])).status_code == 200
    _, key = ApiToken.issue(user=teacher, name="sync")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get(f"/api/v1/pupils/{world.amy.pk}").status_code == 200
    membership = Membership.objects.get(user=teacher, school=world.oak)
    r = _client(world.users["admin"]).post(reverse("membership_end", args=[membership.pk]))
    assert r.status_code == 302
    assert not Membership.objects.filter(user=teacher).exists()
    assert (
        session.get(reverse("pupil_detail", args=[world.amy.pk])).status_code == 302
    )  # signed out
    assert api.get(f"/api/v1/pupils/{world.amy.pk}").status_code == 401
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(teacher.pk) for s in Session.objects.all()
    )


def test_a_role_change_takes_effect_and_nobody_changes_their_own(world):
    ta = world.users["ta"]
    membership = Membership.objects.get(user=ta, school=world.oak)
    c = _client(world.users["senco"])
    assert c.get(reverse("pupil_detail", args=[world.amy.pk])).status_code == 200
    assert _client(ta).get(reverse("pupil_detail", args=[world.amy.pk])).status_code == 404
    c.post(reverse("membership_role", args=[membership.pk]), {"role": "slt"})
    membership.refresh_from_db()
    assert membership.role == "slt"
    assert _client(ta).get(reverse("pupil_detail", args=[world.amy.pk])).status_code == 200
    own = Membership.objects.get(user=world.users["senco"], school=world.oak)
    r = c.post(reverse("membership_role", args=[own.pk]), {"role": "teacher"})
    assert r.status_code == 200 and "Ask a colleague" in r.content.decode()
    own.refresh_from_db()
    assert own.role == "senco"


def test_another_schools_membership_is_not_found(world):
    elm = Membership.objects.get(user=world.users["outsider"])
    c = _client(world.users["admin"])
    assert c.get(reverse("membership_end", args=[elm.pk])).status_code == 404
    assert c.post(reverse("membership_end", args=[elm.pk])).status_code == 404
    assert Membership.objects.filter(pk=elm.pk).exists()


# ---- parents -----------------------------------------------------------------------------------


def _ben_contact(world) -> Contact:
    contact = Contact.objects.create(
        school=world.oak, forename="Rob", surname="Brown", email="rob@example.org"
    )
    FamilyLink.objects.create(pupil=world.ben, contact=contact, relationship="father")
    return contact


def test_a_parent_invited_by_email_sees_their_own_child_only(world):
    contact = _ben_contact(world)
    r = _client(world.users["senco"]).post(
        reverse("parent_invite", args=[contact.pk]), {"method": "email"}
    )
    assert r.status_code == 302
    [message] = mail.outbox
    assert "Ben" not in message.body and "Brown" not in message.body
    path = _link(str(message.body))
    assert path.startswith("/family/join/")
    parent = Client()
    r = parent.post(
        path,
        {
            "email": "rob@example.org",
            "first_name": "Rob",
            "last_name": "Brown",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert r.status_code == 302 and r["Location"] == reverse("family_home")
    assert parent.get(reverse("family_pupil", args=[world.ben.pk])).status_code == 200
    assert parent.get(reverse("family_pupil", args=[world.amy.pk])).status_code == 404
    contact.refresh_from_db()
    assert contact.user is not None and contact.user.email == "rob@example.org"


def test_a_paper_code_links_an_existing_account(world):
    """Amy's parent has an account; the code for Ben's contact adds Ben to it."""
    contact = _ben_contact(world)
    r = _client(world.users["admin"]).post(
        reverse("parent_invite", args=[contact.pk]), {"method": "code"}
    )
    found = re.search(r'id="parent-code">([A-Z0-9-]+)<', r.content.decode())
    assert found is not None
    code = found.group(1)
    assert not mail.outbox
    parent = _client(world.users["parent"])
    r = parent.post(reverse("family_join"), {"code": code.lower().replace("-", " ")})
    assert r.status_code == 302
    assert parent.post(reverse("family_join")).status_code == 302
    assert parent.get(reverse("family_pupil", args=[world.ben.pk])).status_code == 200
    assert User.objects.filter(username="parent").count() == 1
    assert Membership.objects.filter(user=world.users["parent"], role="parent").count() == 1
    # Used once: the same code is refused.
    again = Client()
    r = again.post(reverse("family_join"), {"code": code})
    assert r.status_code == 200 and "not right" in r.content.decode()


def test_a_wrong_code_is_refused(world):
    r = Client().post(reverse("family_join"), {"code": "AAAA-BBBB-CCCC"})
    assert r.status_code == 200 and "not right" in r.content.decode()


def test_installation_page_adds_a_school_and_invites_its_senco(world):
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    c = _client(admin)
    r = c.post(
        reverse("installation"),
        {
            "form": "school",
            "school-urn": "100009",
            "school-la": world.la.pk,
            "school-establishment_number": "4001",
            "school-name": "Ash Academy",
            "school-phase": "secondary",
            "school-high_age": "16",
            "school-first_email": "head@ash.example.org",
            "school-first_role": "senco",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    invitation = Invitation.objects.get(email="head@ash.example.org")
    assert invitation.school.name == "Ash Academy" and invitation.role == "senco"
    assert len(mail.outbox) == 1
    # A duplicate URN is a field error, and nothing is written.
    r = c.post(reverse("installation"), {"form": "la", "la-code": "82", "la-name": "X"})
    assert r.status_code == 200 and "3 digits" in r.content.decode()
    assert _client(world.users["senco"]).get(reverse("installation")).status_code == 403


def test_a_staff_invitation_is_taken_only_by_the_invited_address(world):
    sent = services.staff_invite(
        school=world.oak,
        email="someone@example.org",
        role="slt",
        by=world.users["admin"],
        base_url="",
    )
    r = _client(world.users["parent"]).post(sent.link)
    assert (
        r.status_code == 409 and "This invitation is for someone@example.org" in r.content.decode()
    )
    assert not Membership.objects.filter(user=world.users["parent"], role="slt").exists()
    sent.invitation.refresh_from_db()
    assert sent.invitation.accepted_at is None


def test_createsuperuser_makes_the_installations_first_user(world):
    from django.core.management import call_command

    call_command("createsuperuser", interactive=False, username="root", email="root@example.org")
    root = User.objects.get(username="root")
    assert root.is_superuser
    assert _client(root).get(reverse("installation")).status_code == 200


def test_a_contact_is_corrected_and_linked_to_a_brother_or_sister(world):
    contact = Contact.objects.get(user=world.users["parent"])  # Amy's
    c = _client(world.users["admin"])
    page = reverse("contact_detail", args=[contact.pk])
    r = c.post(
        page,
        {
            "form": "edit",
            "forename": "Pat",
            "surname": "Adams-Lee",
            "email": "pat@example.org",
            "phone": "",
        },
    )
    assert r.status_code == 302
    contact.refresh_from_db()
    assert contact.surname == "Adams-Lee" and contact.email == "pat@example.org"
    parent = _client(world.users["parent"])
    assert parent.get(reverse("family_pupil", args=[world.ben.pk])).status_code == 404
    r = c.post(
        page,
        {
            "form": "link",
            "pupil": world.ben.pk,
            "relationship": "mother",
            "parental_responsibility": "on",
        },
    )
    assert r.status_code == 302
    assert parent.get(reverse("family_pupil", args=[world.ben.pk])).status_code == 200
    # Another school's pupil is not a choice.
    r = c.post(page, {"form": "link", "pupil": world.cara.pk, "relationship": "mother"})
    assert r.status_code == 200 and not FamilyLink.objects.filter(pupil=world.cara).exists()


def test_families_are_found_by_the_childs_surname(world):
    _ben_contact(world)
    c = _client(world.users["senco"])
    page = c.get(reverse("school_families"), {"q": "brown"}).content.decode()
    assert "Rob Brown" in page and "Pat Adams" not in page


def test_a_signed_in_parent_who_accepts_a_senco_role_sets_up_two_factor_first(world, settings):
    parent = world.users["parent"]
    sent = services.staff_invite(
        school=world.oak, email=parent.email, role="senco", by=world.users["admin"], base_url=""
    )
    c = _client(parent)
    settings.SENDPATH_REQUIRE_2FA = True
    assert c.post(sent.link).status_code == 302
    r = c.get(reverse("register"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("two_factor_setup"))
