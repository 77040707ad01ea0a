"""Issue 13, rough edge: the DPO's audit trail named objects by model label ("support.Cycle");
it shows plain words ("Cycle", "Register entry")."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from pupils import services
from support import services as support_services

pytestmark = pytest.mark.django_db


def test_object_kinds_read_as_words():
    assert AuditEvent(object_type="support.Cycle").object_type_label == "Cycle"
    assert AuditEvent(object_type="pupils.RegisterEntry").object_type_label == "Register entry"
    assert AuditEvent(object_type="audit trail").object_type_label == "audit trail"
    assert AuditEvent(object_type="nosuch.Model").object_type_label == "nosuch.Model"


def test_the_dpo_reads_plain_words_in_the_trail(world):
    today = timezone.localdate()
    services.register_change(
        pupil=world.ben, provision="K", start_date=today, reason="x", by=world.users["senco"]
    )
    support_services.cycle_open(pupil=world.ben, opened_on=today, by=world.users["senco"])
    dpo = Client()
    dpo.force_login(world.users["dpo"])
    html = dpo.get(reverse("audit_search")).content.decode()
    assert "Register entry" in html and ">Cycle<" in html
    assert "support.Cycle" not in html and "pupils.RegisterEntry" not in html
