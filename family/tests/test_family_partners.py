"""Families as partners (issue 17): the family area through the real views, services and
database; only the clock (dates passed in) and the mail (Django's locmem outbox) are faked."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from family import services as family_services
from family.models import Acknowledgement, KeyPerson, LogEntry, Signposting, ViewsDraft
from provision.models import Enrolment, Intervention, Provision, StaffRole
from statutory import inputs
from support import services
from support.models import Concern

TODAY = timezone.localdate()


def client_for(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.fixture
def cycle(amy_plan):
    return amy_plan(review_in=10)


@pytest.fixture
def reviewed(amy_plan):
    """Amy's cycle reviewed 20 days ago (its record due to the parents within 14 days)."""
    return amy_plan(review_in=10, reviewed=("partly_achieved", "18"), held_in=-20)


def test_the_family_area_leads_with_the_key_person_and_the_plan_in_plain_words(world, cycle):
    ta = world.users["ta"]
    ta.first_name, ta.last_name = "Tess", "Jones"
    ta.save()
    KeyPerson.objects.create(pupil=world.amy, user=ta, role_title="Class TA", phone="01384 000")
    role = StaffRole.objects.create(school=world.oak, name="TA", hourly_cost=15)
    provision = Provision.objects.create(
        school=world.oak,
        intervention=Intervention.objects.filter(school__isnull=True)[0],
        name="Reading group B",
        staff=ta,
        staff_role=role,
        location="Library",
        weekdays=[0, 3],
        session_minutes=20,
        start_date=TODAY - timedelta(days=10),
        end_date=TODAY + timedelta(days=50),
    )
    Enrolment.objects.create(provision=provision, pupil=world.amy, start_date=provision.start_date)
    page = client_for(world, "parent").get(reverse("family_pupil", args=[world.amy.pk]))
    html = page.content.decode()
    assert html.index("Tess Jones") < html.index("The plan in plain words")
    assert "01384 000" in html and "Class TA" in html
    assert "Amy reads for pleasure" in html and "Read 20 tricky words" in html
    assert "Monday, Thursday" in html and "20 minutes" in html and "Library" in html
    assert "What these words mean" in html  # the glossary
    assert f"{(TODAY + timedelta(days=10)):%B}" in html  # the next review date


def test_without_a_named_key_person_it_is_the_senco(world, cycle):
    senco = world.users["senco"]
    senco.first_name, senco.last_name = "Sam", "Khan"
    senco.save()
    html = client_for(world, "parent").get(reverse("family_home")).content.decode()
    assert "Sam Khan" in html and "senco@example.org" in html


def test_signposting_is_the_las_with_the_schools_on_top_and_at_the_foot_of_parent_pdfs(
    world, reviewed, pdf_text
):
    Signposting.objects.create(
        la=world.la,
        local_offer_url="https://la.example/local-offer",
        sendiass_name="Testshire SENDIASS",
        sendiass_phone="01384 236677",
    )
    Signposting.objects.create(school=world.oak, sendiass_phone="0800 111")
    html = client_for(world, "parent").get(reverse("family_pupil", args=[world.amy.pk]))
    html = html.content.decode()
    assert "https://la.example/local-offer" in html and "Testshire SENDIASS" in html
    assert "0800 111" in html and "01384 236677" not in html
    response = client_for(world, "parent").get(
        reverse("family_cycle_review_pdf", args=[reviewed.pk])
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Testshire SENDIASS" in text and "Help and advice" in text


def test_acknowledging_the_review_record_satisfies_record_not_shared(world, reviewed):
    def codes():
        return {f.code for f in inputs.pupil_findings(world.amy, TODAY)}

    assert "RECORD_NOT_SHARED" in codes()
    client = client_for(world, "parent")
    page = reverse("family_review", args=[world.amy.pk, reviewed.pk])
    assert "I have received and read this review record" in client.get(page).content.decode()
    response = client.post(
        reverse("family_acknowledge", args=[world.amy.pk]),
        {"document": "review", "cycle": reviewed.pk, "next": page},
    )
    assert response["Location"] == page
    ack = Acknowledgement.objects.get()
    assert (ack.acknowledged_on, ack.parent, ack.document) == (
        TODAY,
        world.users["parent"],
        "review",
    )
    assert "RECORD_NOT_SHARED" not in codes()
    assert "You confirmed on" in client.get(page).content.decode()


def test_a_parent_cannot_acknowledge_for_another_child(world, reviewed):
    senco = world.users["senco"]
    ben_cycle = services.cycle_open(pupil=world.ben, opened_on=TODAY, by=senco)
    client = client_for(world, "parent")
    response = client.post(
        reverse("family_acknowledge", args=[world.amy.pk]),
        {"document": "plan", "cycle": ben_cycle.pk},
    )
    assert response.status_code == 404
    response = client.post(
        reverse("family_acknowledge", args=[world.ben.pk]),
        {"document": "plan", "cycle": ben_cycle.pk},
    )
    assert response.status_code == 404
    assert not Acknowledgement.objects.exists()


def test_staff_only_entries_never_reach_the_family(world, cycle):
    senco = world.users["senco"]
    family_services.log_entry_add(
        pupil=world.amy,
        kind="call",
        occurred_on=TODAY,
        text="Mum rang about reading at home",
        shared=True,
        by=senco,
    )
    secret = family_services.log_entry_add(
        pupil=world.amy,
        kind="meeting",
        occurred_on=TODAY,
        text="Staff-only: safeguarding lead consulted",
        shared=False,
        by=senco,
    )
    parent = client_for(world, "parent").get(reverse("family_log", args=[world.amy.pk]))
    assert "Mum rang about reading" in parent.content.decode()
    assert "safeguarding" not in parent.content.decode()
    staff = client_for(world, "senco").get(reverse("pupil_log", args=[world.amy.pk]))
    assert "safeguarding" in staff.content.decode()
    # The API's and the reach's view of it: the parent reaches no staff-only entry at all.
    import access

    assert not access.visible_log_entries(world.users["parent"]).filter(pk=secret.pk).exists()
    assert access.visible_log_entries(world.users["senco"]).filter(pk=secret.pk).exists()


def test_a_parent_messages_the_key_person_who_is_emailed_and_replies_in_the_log(
    world, cycle, django_capture_on_commit_callbacks
):
    client = client_for(world, "parent")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("family_log", args=[world.amy.pk]), {"text": "Can we talk about spellings?"}
        )
    assert response.status_code == 302
    message = LogEntry.objects.get(kind="message")
    assert message.shared and message.author == world.users["parent"]
    assert [m.to for m in mail.outbox] == [["senco@example.org"]]
    assert "spellings" not in mail.outbox[0].body  # the email says there is a message, no more
    staff = client_for(world, "senco")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("pupil_log_reply", args=[world.amy.pk]),
            {"message": message.pk, "text": "Yes: Tuesday at 3pm?"},
        )
    reply = LogEntry.objects.get(kind="reply")
    assert reply.in_reply_to == message and reply.shared
    assert mail.outbox[-1].to == ["parent@example.org"]
    assert (
        "Tuesday at 3pm" in client.get(reverse("family_log", args=[world.amy.pk])).content.decode()
    )


def test_a_teacher_who_does_not_keep_the_log_cannot_reply(world, cycle):
    message = family_services.family_message_send(
        pupil=world.amy, text="Hello", by=world.users["parent"]
    )
    response = client_for(world, "ta").post(
        reverse("pupil_log_reply", args=[world.amy.pk]), {"message": message.pk, "text": "x"}
    )
    assert response.status_code == 404
    assert not LogEntry.objects.filter(kind="reply").exists()


def test_a_parents_concern_reaches_the_sencos_list_as_raised_by_a_parent(world, cycle):
    response = client_for(world, "parent").post(
        reverse("family_concern", args=[world.amy.pk]),
        {"area": "SEMH", "what_was_seen": "Amy cries before school every Monday"},
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.source == "parent" and concern.raised_by == world.users["parent"]
    listing = client_for(world, "senco").get(reverse("concern_list") + "?source=parent")
    html = listing.content.decode()
    assert "Amy cries before school" in html and "A parent or carer" in html


def test_a_concern_with_nothing_said_is_refused_and_nothing_written(world, cycle):
    response = client_for(world, "parent").post(
        reverse("family_concern", args=[world.amy.pk]), {"area": "SEMH", "what_was_seen": " "}
    )
    assert response.status_code == 200 and "Say what you have noticed." in response.content.decode()
    assert not Concern.objects.exists()


def test_views_open_a_set_number_of_days_before_the_review_and_keep_a_draft(world, cycle):
    client = client_for(world, "parent")
    url = reverse("family_views", args=[world.amy.pk])
    Signposting.objects.create(school=world.oak, views_open_days=5)  # the review is in 10 days
    assert "You can send your views from" in client.get(url).content.decode()
    assert client.post(url, {"views": "x", "action": "send"}).status_code == 404
    Signposting.objects.filter(school=world.oak).update(views_open_days=14)
    client.post(url, {"views": "Half written", "action": "draft"})
    assert ViewsDraft.objects.get().views == "Half written"
    assert not cycle.views.exists()  # a draft is not sent
    assert "Half written" in client.get(url).content.decode()
    client.post(url, {"views": "Amy reads at bedtime now", "action": "send"})
    assert cycle.views.get().views == "Amy reads at bedtime now"
    assert not ViewsDraft.objects.exists()


def test_reminders_are_emailed_once_when_the_views_open(world, cycle):
    Signposting.objects.create(la=world.la, views_open_days=14)
    assert family_services.views_reminders_send(today=TODAY - timedelta(days=5)) == 0
    assert family_services.views_reminders_send(today=TODAY) == 1
    assert mail.outbox[0].to == ["parent@example.org"]
    assert family_services.views_reminders_send(today=TODAY) == 0


def test_the_childs_words_are_kept_as_said_and_shown_on_my_targets(world, cycle):
    target = cycle.plan.targets.get()
    client = client_for(world, "parent")
    form = client.get(reverse("family_voice", args=[world.amy.pk])).content.decode()
    assert "Very happy" in form and "How do you feel about school?" in form
    client.post(
        reverse("family_voice", args=[world.amy.pk]),
        {
            "feeling": "4",
            "going_well": "i like the reading group!!",
            f"target_{target.pk}": "read my tricky words",
        },
    )
    page = client.get(reverse("family_my_targets", args=[world.amy.pk])).content.decode()
    assert "read my tricky words" in page
    plan_page = client.get(reverse("family_pupil", args=[world.amy.pk])).content.decode()
    assert "read my tricky words" in plan_page


def test_the_reminders_command_says_how_many_it_sent(world, cycle):
    from io import StringIO

    from django.core.management import call_command

    Signposting.objects.create(school=world.oak, views_open_days=30)
    out = StringIO()
    call_command("family_reminders", "--base-url", "https://school.example", stdout=out)
    assert out.getvalue().strip() == "1 reminder sent."
    assert "https://school.example/family/children/" in mail.outbox[0].body


def test_the_childs_words_reach_the_sencos_cycle_page_for_the_review(world, cycle):
    family_services.pupil_voice_record(
        cycle=cycle,
        data={"feeling": 2, "hard": "the noisy hall at lunch"},
        target_words={},
        by=world.users["parent"],
    )
    html = client_for(world, "senco").get(reverse("cycle_detail", args=[cycle.pk]))
    html = html.content.decode()
    assert "In Amy's own words" in html or "In Amy&#x27;s own words" in html
    assert "“the noisy hall at lunch”" in html and "Sad" in html


def test_the_parents_view_page_shows_the_childs_words_and_the_review_record(world, reviewed):
    family_services.pupil_voice_record(
        cycle=reviewed.pupil.cycles.get(closed_on__isnull=True),
        data={"feeling": 5, "going_well": "maths is fun now"},
        target_words={},
        by=world.users["parent"],
    )
    page = client_for(world, "parent").get(reverse("family_pupil", args=[world.amy.pk]))
    assert "views have been recorded for this review" in page.content.decode()


def test_the_demo_family_records_show_the_signposting_and_only_the_shared_entry(world):
    from family.seeding import seed_family

    seed_family(world.la, world.oak, world.amy, world.users["senco"], TODAY)
    html = client_for(world, "parent").get(reverse("family_log", args=[world.amy.pk]))
    html = html.content.decode()
    assert "reading group starts on Monday" in html and "seating near the front" not in html
    home = client_for(world, "parent").get(reverse("family_home")).content.decode()
    assert "Northshire SEND information" in home and "01632 960 123" in home
