"""The daily reminders: one digest per person of what falls due in their next N days, the SENCo
for SEN support, the LA's caseworker for EHC clocks; no pupil named, links not quotes."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import Membership, Role, User
from pupils.models import RegisterEntry
from sendpath.testing import PASSWORD
from statutory import reminders, services
from statutory.tasks import send_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(world, settings):
    """Amy placed on SEN support 10 days ago, her parents not yet told (due in 4 days); an EHC
    needs assessment request for Ben received 5 weeks ago (the decision due in a week)."""
    settings.SENDPATH_BASE_URL = "https://sendpath.example.org"
    today = timezone.localdate()
    RegisterEntry.objects.filter(pupil=world.amy).update(start_date=today - timedelta(days=10))
    world.ehc = services.ehc_request_create(
        pupil=world.ben, by=world.users["senco"], source="1",
        received_date=today - timedelta(weeks=5),
    )  # fmt: skip
    return world


def _mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_the_senco_and_the_la_officer_each_get_one_digest(due) -> None:
    senco, officer = due.users["senco"], due.users["la_officer"]
    sent = reminders.send(timezone.localdate())
    [to_senco] = _mail_to(senco.email)
    assert "Parents not told of a register decision" in to_senco.body
    assert "https://sendpath.example.org/staff/compliance/?code=PARENTS_NOT_NOTIFIED" in (
        to_senco.body
    )
    assert f"#finding-PARENTS_NOT_NOTIFIED-{due.amy.pk}" in to_senco.body
    assert "EHC needs assessment decision" not in to_senco.body  # the LA's clock, not hers
    [to_officer] = _mail_to(officer.email)
    assert "EHC needs assessment decision overdue (6 weeks)" in to_officer.body
    assert f"https://sendpath.example.org/ehc/requests/{due.ehc.pk}/" in to_officer.body
    for message in (to_senco, to_officer):
        for pupil in (due.amy, due.ben):
            assert pupil.forename not in message.subject and pupil.upn not in message.subject
            assert pupil.full_name not in message.body and pupil.upn not in message.body
        assert "no record of telling" not in message.body  # a link, not the record quoted
    assert len(sent) == len(mail.outbox) == 2


def test_the_caseworker_alone_gets_their_cases_clock(due) -> None:
    worker = User.objects.create_user("caseworker", "cw@example.org", PASSWORD)
    Membership.objects.create(user=worker, role=Role.LA_OFFICER, la=due.la)
    due.ehc.caseworker = worker
    due.ehc.save()
    reminders.send(timezone.localdate())
    assert "EHC needs assessment decision" in _mail_to("cw@example.org")[0].body
    assert _mail_to(due.users["la_officer"].email) == []


def test_the_personal_setting_decides_how_far_ahead(due) -> None:
    senco = due.users["senco"]
    senco.reminder_days = 3  # Amy's duty is 4 days away
    senco.save()
    reminders.send(timezone.localdate())
    assert _mail_to(senco.email) == []
    senco.reminder_days = 0
    senco.save()
    assert senco.pk not in {
        d.user.pk for d in reminders.digests(timezone.localdate() + timedelta(3))
    }
    senco.reminder_days = 4
    senco.save()
    assert senco.pk in {d.user.pk for d in reminders.digests(timezone.localdate())}


def test_the_command_dry_run_sends_nothing_and_the_task_sends(due) -> None:
    out = StringIO()
    on = timezone.localdate().isoformat()
    call_command("send-reminders", "--on", on, "--dry-run", stdout=out)
    assert "2 reminder(s) would be sent" in out.getvalue() and mail.outbox == []
    call_command("send-reminders", "--on", on, stdout=out)
    assert len(mail.outbox) == 2
    mail.outbox.clear()
    result = send_reminders.enqueue(on=on)
    assert result.return_value == 2 and len(mail.outbox) == 2


def test_the_settings_page_keeps_the_number_of_days(world) -> None:
    client = Client()
    assert client.login(username=world.users["senco"].username, password=PASSWORD)
    assert client.get("/accounts/settings/").status_code == 200
    assert client.post("/accounts/settings/", {"reminder_days": "30"}).status_code == 302
    world.users["senco"].refresh_from_db()
    assert world.users["senco"].reminder_days == 30
    bad = client.post("/accounts/settings/", {"reminder_days": "-1"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    world.users["senco"].refresh_from_db()
    assert world.users["senco"].reminder_days == 30
    assert Client().get("/accounts/settings/").status_code == 302
