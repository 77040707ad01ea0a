"""Issue 14's "done when": a new school goes from an empty install to a working register with
staff and parents invited, using only the README's steps ("A new installation"), its MIS's CTF
and the pages. Every step goes through the pages a person uses (the Django test client), with
two-factor authentication required, as a production installation has it."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import LocalAuthority, Membership, Role, School, User
from accounts.schooldates import school_year_start
from interop.ctf import SchoolRef, SENNeed, SENPeriod
from interop.generate import ctf_bytes, make_header, realistic_pupils
from pupils.models import Contact, Pupil, RegisterEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
ROOT_PASSWORD = "quartz lantern meadow sixty"  # noqa: S105
PASSWORD = "plum orbit candle ferry"  # noqa: S105
URN, LA_CODE, ESTAB = "100733", "873", "2733"


def _link(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+/)", body)
    assert found, body
    return found.group(1)


def _enrol(client: Client) -> None:
    """Set up two-factor authentication through the page, answering with the app's code."""
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert '<code id="totp-secret">' in page
    device = TOTPDevice.objects.filter(confirmed=False).latest("pk")
    r = client.post(reverse("two_factor_setup"), {"code": f"{totp(device.bin_key):06d}"})
    assert r.status_code == 200 and "recovery" in r.content.decode().lower()


def _accept(path: str, first: str, last: str) -> Client:
    client = Client()
    assert client.get(path).status_code == 200
    r = client.post(
        path, {"first_name": first, "last_name": last, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    return client


def _the_mis_ctf() -> tuple[bytes, list]:
    """The school's roll as its MIS exports it: 40 pupils, three on SEN support, and a brother
    and sister whose mother is listed under each of them."""
    pupils = list(realistic_pupils(40, seed=14, today=TODAY, phase="primary", upn_la=LA_CODE))
    pupils = [replace(p, sen_history=[], sen_needs=[]) for p in pupils]
    since = TODAY - timedelta(days=200)
    for i in (0, 1, 2):
        pupils[i] = replace(
            pupils[i],
            sen_history=[SENPeriod(since, "K")],
            sen_needs=[SENNeed(1, ("SLCN", "SEMH", "SPLD")[i], since)],
        )
    mother = replace(
        pupils[0].contacts[0], forename="Dana", surname="Okafor", email="dana@example.org"
    )
    pupils[0] = replace(pupils[0], contacts=[mother])
    pupils[5] = replace(pupils[5], contacts=[mother])
    dest = SchoolRef(LA_CODE, ESTAB, URN, "Elm Grove Primary School")
    source = SchoolRef(LA_CODE, ESTAB, URN, "Elm Grove Primary School")
    return ctf_bytes(make_header(dest=dest, source=source, when=TODAY), pupils), pupils


def test_a_new_school_from_an_empty_install_to_a_working_register(settings, monkeypatch):
    settings.SENDPATH_REQUIRE_2FA = True
    assert not School.objects.exists() and not User.objects.exists()

    # 1. `sendpath createsuperuser` (README: "A new installation"), then sign in and open /install/.
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ROOT_PASSWORD)
    call_command("createsuperuser", interactive=False, username="root", email="it@example.org")
    root = Client()
    assert (
        root.post(reverse("login"), {"username": "root", "password": ROOT_PASSWORD}).status_code
        == 302
    )
    r = root.get("/install/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("two_factor_setup"))
    _enrol(root)
    assert root.get("/install/").status_code == 200
    r = root.post("/install/", {"form": "la", "la-code": LA_CODE, "la-name": "Fenshire"})
    assert r.status_code == 302
    la = LocalAuthority.objects.get(code=LA_CODE)
    r = root.post(
        "/install/",
        {
            "form": "school",
            "school-urn": URN,
            "school-la": la.pk,
            "school-establishment_number": ESTAB,
            "school-name": "Elm Grove Primary School",
            "school-phase": "primary",
            "school-high_age": "11",
            "school-first_email": "senco@elmgrove.example.org",
            "school-first_role": "senco",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    school = School.objects.get(urn=URN)

    # 2. The SENCo's invitation: a password, then two-factor authentication.
    [invitation] = mail.outbox
    assert invitation.to == ["senco@elmgrove.example.org"]
    senco = _accept(_link(str(invitation.body)), "Priya", "Shah")
    r = senco.get(reverse("register"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("two_factor_setup"))
    _enrol(senco)
    assert Membership.objects.filter(
        school=school, role=Role.SENCO, user__last_name="Shah"
    ).exists()

    # 3. The roll from the MIS's CTF: a preview that writes nothing, then confirm.
    data, pupils = _the_mis_ctf()
    r = senco.post("/staff/import/ctf/", {"file": SimpleUploadedFile("elm-grove.xml", data)})
    page = r.content.decode()
    assert r.status_code == 200 and "40 pupils: 40 new, 0 updated, 0 unchanged" in page
    assert not Pupil.objects.filter(school=school).exists()
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token is not None
    r = senco.post(reverse("ctf_confirm"), {"token": token.group(1)})
    assert r.status_code == 302
    assert Pupil.objects.filter(school=school).count() == 40
    register = senco.get(reverse("register")).content.decode()
    for p in pupils[:3]:
        assert p.surname in register
    assert RegisterEntry.objects.filter(pupil__school=school, end_date__isnull=True).count() == 3

    # 4. Staff: invite a teacher, who accepts (no second step for a teacher).
    r = senco.post(
        "/staff/school/staff/", {"email": "t.okoro@elmgrove.example.org", "role": "teacher"}
    )
    assert r.status_code == 302
    teacher = _accept(_link(str(mail.outbox[-1].body)), "Tomi", "Okoro")

    # 5. The classes from a CSV, through the mapping step: the teacher's class holds the pupils
    #    on SEN support; another class holds the rest.
    rows = ["Class,UPN,Teacher"]
    rows += [f"3A,{p.upn},t.okoro@elmgrove.example.org" for p in pupils[:20]]
    rows += [f"3B,{p.upn}," for p in pupils[20:]]
    r = senco.post(
        "/staff/school/classes/upload/",
        {
            "file": SimpleUploadedFile("classes.csv", "\r\n".join(rows).encode()),
            "start_year": str(school_year_start(TODAY)),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    mapping = {"name": "0", "upn": "1", "teacher": "2", "kind": "", "subject": ""}
    preview = senco.post(r["Location"], mapping).content.decode()
    assert "2 classes (2 new), 40 pupil places to add" in preview
    assert senco.post(r["Location"], mapping | {"confirm": "1"}).status_code == 302
    in_class = Pupil.objects.get(upn=pupils[0].upn)
    elsewhere = Pupil.objects.get(upn=pupils[30].upn)
    assert teacher.get(reverse("pupil_detail", args=[in_class.pk])).status_code == 200
    assert teacher.get(reverse("pupil_detail", args=[elsewhere.pk])).status_code == 404

    # 6. A parent: the mother the CTF lists under both her children is invited by email.
    families = senco.get("/staff/school/families/").content.decode()
    assert "Okafor" in families
    dana = Contact.objects.get(school=school, email="dana@example.org")
    r = senco.post(reverse("parent_invite", args=[dana.pk]), {"method": "email"})
    assert r.status_code == 302
    parent = Client()
    r = parent.post(
        _link(str(mail.outbox[-1].body)),
        {
            "email": "dana@example.org",
            "first_name": "Dana",
            "last_name": "Okafor",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert r.status_code == 302 and r["Location"] == reverse("family_home")
    children = [Pupil.objects.get(upn=pupils[i].upn) for i in (0, 5)]
    for child in children:
        assert parent.get(reverse("family_pupil", args=[child.pk])).status_code == 200
    assert parent.get(reverse("family_pupil", args=[elsewhere.pk])).status_code == 404
    assert parent.get(reverse("register")).status_code in (302, 403, 404)
