"""The SEN register: services, forms and pages, through the real code and database."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from pupils import services
from pupils.models import Need, Pupil, RegisterEntry
from pupils.upn import make_upn

pytestmark = pytest.mark.django_db


def login(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def date_fields(prefix: str, day: date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


# --- services ---------------------------------------------------------------------------------


def test_placing_on_the_register_opens_an_entry_and_audits(world):
    day = timezone.localdate() - timedelta(days=3)
    entry = services.register_change(
        pupil=world.ben, provision="K", start_date=day, reason="Assessed", by=world.users["senco"]
    )
    assert entry.is_open and entry.provision == "K" and entry.awaiting_parent_notification
    event = AuditEvent.objects.get(object_type="pupils.RegisterEntry", object_id=str(entry.pk))
    assert event.pupil_id == world.ben.pk and event.school_id == world.oak.pk
    assert event.data["reason"] == "•••"  # the reason is sensitive: masked in the trail


def test_a_change_closes_the_open_entry_the_day_before(world):
    current = world.amy.register_entries.get(end_date__isnull=True)
    day = timezone.localdate()
    services.register_change(
        pupil=world.amy,
        provision="E",
        start_date=day,
        reason="EHC plan issued",
        by=world.users["senco"],
    )
    current.refresh_from_db()
    assert current.end_date == day - timedelta(days=1)
    assert list(
        world.amy.register_entries.filter(end_date__isnull=True).values_list("provision", flat=True)
    ) == ["E"]


def test_removal_records_an_n_entry(world):
    services.register_change(
        pupil=world.amy,
        provision="N",
        start_date=timezone.localdate(),
        reason="Needs met",
        by=world.users["senco"],
    )
    assert world.amy.register_entries.get(end_date__isnull=True).provision == "N"
    assert world.amy.register_entries.count() == 2


@pytest.mark.parametrize(
    ("pupil", "provision", "days_ago", "field"),
    [
        ("amy", "K", 0, "provision"),  # already K
        ("ben", "N", 0, "provision"),  # not on the register
        ("ben", "K", -1, "start_date"),  # in the future
        ("amy", "E", 3650, "start_date"),  # before the open entry began
    ],
)
def test_bad_register_changes_write_nothing(world, pupil, provision, days_ago, field):
    before_entries, before_events = RegisterEntry.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.register_change(
            pupil=world.pupils[pupil],
            provision=provision,
            start_date=timezone.localdate() - timedelta(days=days_ago),
            reason="x",
            by=world.users["senco"],
        )
    assert field in exc.value.message_dict
    assert RegisterEntry.objects.count() == before_entries
    assert AuditEvent.objects.count() == before_events
    assert world.amy.register_entries.get(end_date__isnull=True).provision == "K"


def test_the_database_refuses_a_second_open_entry(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.create(
            pupil=world.amy, provision="E", start_date=date(2020, 1, 1), reason="x"
        )


def test_the_database_refuses_an_end_before_the_start(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.create(
            pupil=world.ben,
            provision="K",
            start_date=date(2024, 1, 10),
            end_date=date(2024, 1, 9),
            reason="x",
        )


def test_the_database_refuses_two_open_needs_of_one_rank(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Need.objects.create(pupil=world.amy, need_type="MLD", rank=1, start_date=date(2020, 1, 1))


def test_a_new_primary_need_ends_the_old_one(world):
    old = world.amy.needs.get(rank=1)
    services.need_add(
        pupil=world.amy,
        need_type="SLCN",
        rank=1,
        start_date=timezone.localdate(),
        by=world.users["senco"],
    )
    old.refresh_from_db()
    assert old.end_date == timezone.localdate() - timedelta(days=1)
    assert world.amy.needs.get(rank=1, end_date__isnull=True).broad_area == "CI"


def test_secondary_need_needs_a_primary_and_a_different_type(world):
    with pytest.raises(ValidationError) as exc:
        services.need_add(
            pupil=world.ben,
            need_type="MLD",
            rank=2,
            start_date=timezone.localdate(),
            by=world.users["senco"],
        )
    assert "rank" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.need_add(
            pupil=world.amy,
            need_type="SPLD",
            rank=2,
            start_date=timezone.localdate(),
            by=world.users["senco"],
        )
    assert "need_type" in exc.value.message_dict
    assert not world.amy.needs.filter(rank=2).exists()


def test_ending_a_need_before_it_started_is_refused(world):
    need = world.amy.needs.get(rank=1)
    with pytest.raises(ValidationError) as exc:
        services.need_end(
            need=need, end_date=need.start_date - timedelta(days=1), by=world.users["senco"]
        )
    assert "end_date" in exc.value.message_dict
    need.refresh_from_db()
    assert need.end_date is None


def test_parents_informed_cannot_be_in_the_future(world):
    entry = world.amy.register_entries.get(end_date__isnull=True)
    with pytest.raises(ValidationError):
        services.register_record_parents_informed(
            entry=entry,
            informed_on=timezone.localdate() + timedelta(days=1),
            how="letter",
            by=world.users["senco"],
        )
    entry.refresh_from_db()
    assert entry.parents_informed_on is None


# --- pages ------------------------------------------------------------------------------------


def test_place_on_the_register_then_record_the_parents_were_told(world):
    client = login(world, "senco")
    day = timezone.localdate()
    response = client.post(
        reverse("register_change", args=[world.ben.pk]),
        {
            "provision": "K",
            "reason": "Phonics assessment: well below peers",
            "need_type": "SPLD",
            **date_fields("start_date", day),
        },
    )
    entry = world.ben.register_entries.get(end_date__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("parents_informed", args=[world.ben.pk, entry.pk])
    assert world.ben.needs.get(rank=1).need_type == "SPLD"
    response = client.post(
        response["Location"],
        {"how": "meeting", "note": "Met mum", **date_fields("informed_on", day)},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.parents_informed_on == day and entry.parents_informed_how == "meeting"
    page = client.get(reverse("pupil_detail", args=[world.ben.pk])).content.decode()
    assert "Phonics assessment" in page and "Parents told in a meeting" in page


def test_placing_without_a_primary_need_shows_a_field_error(world):
    client = login(world, "senco")
    response = client.post(
        reverse("register_change", args=[world.ben.pk]),
        {"provision": "K", "reason": "x", **date_fields("start_date", timezone.localdate())},
    )
    assert response.status_code == 200
    assert "Choose the pupil&#x27;s primary need" in response.content.decode()
    assert not world.ben.register_entries.exists()


def test_a_change_before_the_open_entry_shows_the_service_error_on_the_form(world):
    client = login(world, "senco")
    response = client.post(
        reverse("register_change", args=[world.amy.pk]),
        {"provision": "E", "reason": "x", **date_fields("start_date", date(2001, 1, 1))},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert world.amy.register_entries.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"upn": "A12345678901X"}, "UPN"),
        ({"upn": "F820200124008"}, "check letter"),
        ({"date_of_birth_2": str(timezone.localdate().year + 1)}, "today or in the past"),
        ({"date_of_birth_0": "31", "date_of_birth_1": "2"}, "Enter a real date"),
        (
            {
                "admission_date_0": "2",
                "admission_date_1": "9",
                "admission_date_2": "2024",
                "leaving_date_0": "1",
                "leaving_date_1": "9",
                "leaving_date_2": "2024",
            },
            "leaving date cannot be before",
        ),
    ],
)
def test_bad_pupil_details_show_field_errors_and_write_nothing(world, change, message):
    client = login(world, "admin")
    form = {
        "upn": make_upn("820", "2001", 24, 500),
        "legal_forename": "Zac",
        "legal_surname": "Zed",
        "sex": "M",
        "nc_year": "3",
        **date_fields("date_of_birth", date(2017, 3, 4)),
    }
    form.update(change)
    before = Pupil.objects.count()
    response = client.post(reverse("pupil_create"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Pupil.objects.count() == before


def test_add_a_pupil(world):
    client = login(world, "admin")
    upn = make_upn("820", "2001", 24, 501)
    response = client.post(
        reverse("pupil_create"),
        {
            "upn": upn.lower(),
            "legal_forename": "Zac",
            "legal_surname": "Zed",
            "sex": "M",
            "nc_year": "3",
            **date_fields("date_of_birth", date(2017, 3, 4)),
        },
    )
    pupil = Pupil.objects.get(upn=upn)
    assert response["Location"] == reverse("pupil_detail", args=[pupil.pk])
    assert pupil.school == world.oak


def test_register_filters(world):
    services.register_change(
        pupil=world.ben,
        provision="E",
        start_date=timezone.localdate(),
        reason="x",
        by=world.users["senco"],
    )
    services.need_add(
        pupil=world.ben,
        need_type="ASD",
        rank=1,
        start_date=timezone.localdate(),
        by=world.users["senco"],
    )
    client = login(world, "senco")

    def names(**query):
        html = client.get(reverse("register"), query).content.decode()
        return {n for n in ("Adams, Amy", "Brown, Ben") if n in html}

    assert names() == {"Adams, Amy", "Brown, Ben"}
    assert names(provision="K") == {"Adams, Amy"}
    assert names(need="ASD") == {"Brown, Ben"}
    assert names(area="CL") == {"Adams, Amy"}
    assert names(area="CI") == {"Brown, Ben"}
    assert names(q=world.ben.upn) == {"Brown, Ben"}
    assert names(year="6") == set()
    assert names(provision="N") == set()  # Amy is K and Ben is E: neither is off the register
    assert names(provision="all") == {"Adams, Amy", "Brown, Ben"}


def test_register_can_list_pupils_not_on_it(world):
    html = login(world, "senco").get(reverse("register"), {"provision": "N"}).content.decode()
    assert "Brown, Ben" in html and "Dale, Dan" in html and "Adams, Amy" not in html
    assert "Pupils not on the register" in html


def test_register_rows_escape_names_link_pupils_and_flag_parents_not_told(world):
    """The rows (pupils/templates/pupils/register.html) escape names and link each pupil."""
    world.amy.legal_surname = "<Adams> & Co"
    world.amy.save()
    html = login(world, "senco").get(reverse("register"), {"provision": "all"}).content.decode()
    assert "<Adams>" not in html
    amy_link = reverse("pupil_detail", args=[world.amy.pk])
    assert f'<a class="govuk-link" href="{amy_link}">&lt;Adams&gt; &amp; Co, Amy</a>' in html
    assert '<abbr title="Specific learning difficulty">SPLD</abbr>' in html
    amy_row = html[html.index(amy_link) :].split("</tr>")[0]
    dan_row = html[html.index(reverse("pupil_detail", args=[world.dan.pk])) :].split("</tr>")[0]
    # Amy is on SEN support and her parents have not been told; Dan was never on the register,
    # so there is nothing to tell his parents of.
    assert "Parents not yet told" in amy_row and "Parents not yet told" not in dan_row
    entry = world.amy.register_entries.get(end_date__isnull=True)
    assert f"{entry.start_date.day} {entry.start_date:%b %Y}" in amy_row


def test_register_htmx_returns_only_the_results(world):
    client = login(world, "senco")
    response = client.get(reverse("register"), {"provision": "K"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Adams, Amy" in html and "<html" not in html


def test_teacher_sees_only_their_class_on_the_register(world):
    services.register_change(
        pupil=world.dan,
        provision="K",
        start_date=timezone.localdate(),
        reason="x",
        by=world.users["senco"],
    )
    html = login(world, "teacher").get(reverse("register")).content.decode()
    assert "Adams, Amy" in html and "Dale, Dan" not in html


def test_exports_hold_the_filtered_register_and_are_audited(world):
    client = login(world, "senco")
    response = client.get(reverse("register_export", args=["csv"]), {"provision": "K"})
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("UPN,Surname,Forename")
    assert len(lines) == 2 and world.amy.upn in lines[1] and ",SPLD," in lines[1]
    xlsx = client.get(reverse("register_export", args=["xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="export", school_id=world.oak.pk).count() == 2


def test_the_register_page_and_export_record_the_pupils_they_name(world):
    client = login(world, "teacher")
    html = client.get(reverse("register")).content.decode()
    [read] = AuditEvent.objects.filter(action="read")
    assert "Adams, Amy" in html and read.data["pupil_ids"] == [world.amy.pk]
    assert (read.actor, read.school_id, read.via) == (world.users["teacher"], world.oak.pk, "web")
    login(world, "senco").get(reverse("register_export", args=["csv"]), {"provision": "K"})
    export = AuditEvent.objects.get(action="export")
    assert export.data["pupil_ids"] == [world.amy.pk]


def test_viewing_a_pupil_record_is_audited(world):
    login(world, "teacher").get(reverse("pupil_detail", args=[world.amy.pk]))
    event = AuditEvent.objects.get(action="view", pupil_id=world.amy.pk)
    assert event.actor == world.users["teacher"] and event.via == "web"


# --- query counts -----------------------------------------------------------------------------


def _add_register_pupils(world, n: int, start: int) -> None:
    for i in range(start, start + n):
        p = Pupil.objects.create(
            school=world.oak,
            upn=make_upn("820", "2001", 23, i),
            legal_forename=f"P{i}",
            legal_surname=f"S{i}",
            date_of_birth=date(2016, 1, 1),
            sex="M",
            nc_year="5",
        )
        RegisterEntry.objects.create(
            pupil=p, provision="K" if i % 2 else "E", start_date=date(2024, 9, 1), reason="x"
        )
        Need.objects.create(pupil=p, need_type="MLD", rank=1, start_date=date(2024, 9, 1))
        Need.objects.create(pupil=p, need_type="SEMH", rank=2, start_date=date(2024, 9, 1))


@pytest.mark.parametrize("url_name", ["register", "school_home"])
def test_list_pages_use_a_constant_number_of_queries(world, url_name):
    client = login(world, "senco")
    client.get(reverse(url_name))  # warm the session
    _add_register_pupils(world, 3, 100)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    _add_register_pupils(world, 30, 200)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(many) == len(few)


def test_pupil_record_uses_a_constant_number_of_queries(world):
    client = login(world, "senco")
    url = reverse("pupil_detail", args=[world.amy.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    world.amy.needs.all().delete()
    for i in range(10):  # ten historic needs, one after another, and an open one
        start = date(2020, 1, 1) + timedelta(days=10 * i)
        Need.objects.create(
            pupil=world.amy,
            need_type="MLD" if i % 2 else "SLCN",
            rank=1,
            start_date=start,
            end_date=start + timedelta(days=9),
        )
    Need.objects.create(pupil=world.amy, need_type="SPLD", rank=1, start_date=date(2021, 1, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- the school's duties on the home page ---------------------------------------------------------

DUTY_LINKS = {
    "information_report": "READ_INFORMATION_REPORT",
    "duties_governors": "READ_GOVERNORS_REPORT",
    "duties_training": "READ_TRAINING",
    "duties_ta_deployment": "READ_TA_DEPLOYMENT",
    "duties_traces": "READ_CASE_TRACE",
}


@pytest.mark.parametrize("persona", ["senco", "teacher", "ta", "slt", "governor", "dpo", "admin"])
def test_the_home_page_links_each_duties_page_its_reader_may_open(world, persona):
    from access import Action, may

    client = login(world, persona)
    home = client.get(reverse("school_home"))
    assert home.status_code == 200
    page = home.content.decode()
    for url_name, action in DUTY_LINKS.items():
        href = f'href="{reverse(url_name)}"'
        allowed = may(world.users[persona], getattr(Action, action), world.oak)
        assert (href in page) == allowed, (persona, url_name)
        if allowed:
            assert client.get(reverse(url_name)).status_code == 200, (persona, url_name)
