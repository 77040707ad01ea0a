from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit import log as audit
from audit import triggers
from audit.models import AppendOnlyError, AuditEvent
from pupils import services

pytestmark = pytest.mark.django_db


def test_sensitive_values_are_masked_but_their_change_is_recorded():
    data = audit.mask(
        {
            "upn": "A1",
            "date_of_birth": "2016-01-01",
            "reason": {"from": "a", "to": "b"},
            "email": "",
        }
    )
    assert data == {"upn": "A1", "date_of_birth": "•••", "reason": "•••", "email": ""}


def test_changes_lists_only_what_changed():
    assert audit.changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": {"from": 2, "to": 3}}


def test_the_model_refuses_to_change_or_delete_an_event(world):
    event = audit.log("view", world.users["senco"], world.amy)
    event.action = "update"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_the_database_refuses_updates_and_deletes_when_the_triggers_are_installed(world):
    audit.log("view", world.users["senco"], world.amy)
    with transaction.atomic():  # DDL is transactional on SQLite and PostgreSQL: rolled back after
        triggers.install(connection)
        for statement in (
            "UPDATE audit_auditevent SET action = 'x'",
            "DELETE FROM audit_auditevent",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        triggers.uninstall(connection)
    assert AuditEvent.objects.filter(action="view").count() == 1


def test_sign_in_and_failed_sign_in_are_audited(world):
    client = Client()
    client.post(reverse("login"), {"username": "senco", "password": "wrong"})
    assert AuditEvent.objects.filter(action="login_failed", data__username="senco").exists()
    from sendpath.testing import PASSWORD

    client.post(reverse("login"), {"username": "senco", "password": PASSWORD})
    assert AuditEvent.objects.filter(action="login", actor=world.users["senco"]).exists()


def test_the_search_page_finds_events_by_pupil_actor_and_action(world):
    services.register_change(
        pupil=world.ben,
        provision="K",
        start_date=timezone.localdate(),
        reason="x",
        by=world.users["senco"],
    )
    teacher = Client()
    teacher.force_login(world.users["teacher"])
    teacher.get(reverse("pupil_detail", args=[world.amy.pk]))
    dpo = Client()
    dpo.force_login(world.users["dpo"])

    def rows(**query):
        html = dpo.get(reverse("audit_search"), query).content.decode()
        return html.count('<tr class="govuk-table__row">') - 1  # minus the header row

    assert rows(pupil=world.amy.upn) == 1
    assert rows(pupil="Brown") == 1
    assert rows(actor="teacher") == 1
    assert rows(action="create") == 1
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert (
        rows(date_from_0=tomorrow.day, date_from_1=tomorrow.month, date_from_2=tomorrow.year) == 1
    )  # "No events match."
    assert (
        "No events match"
        in dpo.get(
            reverse("audit_search"),
            {
                "date_from_0": tomorrow.day,
                "date_from_1": tomorrow.month,
                "date_from_2": tomorrow.year,
            },
        ).content.decode()
    )


def test_the_search_shows_only_this_schools_events(world):
    outsider = Client()
    outsider.force_login(world.users["outsider"])
    outsider.get(reverse("pupil_detail", args=[world.cara.pk]))
    dpo = Client()
    dpo.force_login(world.users["dpo"])
    assert world.cara.upn not in dpo.get(reverse("audit_search")).content.decode()
    assert "Cole" not in dpo.get(reverse("audit_export")).content.decode()


def test_csv_export_has_a_row_per_event_and_is_itself_audited(world):
    senco = Client()
    senco.force_login(world.users["senco"])
    senco.get(reverse("pupil_detail", args=[world.amy.pk]))
    lines = (
        senco.get(reverse("audit_export"), {"action": "view"}).content.decode().strip().splitlines()
    )
    assert lines[0].startswith("when,who,action")
    assert len(lines) == 2 and ",senco,view," in lines[1]
    assert AuditEvent.objects.filter(action="export", object_type="audit trail").count() == 1
