"""Issue 13: the SENCo's home lists the concerns waiting for a decision, its counts link to the
filtered register, and the register can be filtered to "parents not yet told"."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from pupils.models import RegisterEntry
from support.models import Concern

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.fixture
def concerns(world):
    waiting = Concern.objects.create(
        pupil=world.ben,
        source="teacher",
        raised_on=TODAY - timedelta(days=3),
        area="CL",
        what_was_seen="Ben finds it hard to follow spoken instructions",
    )
    Concern.objects.create(
        pupil=world.dan,
        source="parent",
        raised_on=TODAY - timedelta(days=9),
        area="SEMH",
        what_was_seen="Worried at home",
        outcome="monitor",
        decided_on=TODAY - timedelta(days=2),
    )
    Concern.objects.create(  # another school's
        pupil=world.cara, source="teacher", raised_on=TODAY, area="CL", what_was_seen="x"
    )
    return waiting


def test_the_sencos_home_lists_the_concerns_waiting_for_a_decision(world, concerns):
    page = _client(world, "senco").get(reverse("school_home")).content.decode()
    assert "Concerns waiting for a decision (1)" in page
    assert reverse("concern_decide", args=[concerns.pk]) in page
    assert "Ben Brown" in page and "Dan Dale" not in page and "Cara" not in page
    read = AuditEvent.objects.filter(action=AuditAction.READ, actor=world.users["senco"]).last()
    assert read is not None and world.ben.pk in read.data["pupil_ids"]


def test_only_those_who_decide_see_the_concerns(world, concerns):
    for persona in ("teacher", "ta", "governor"):
        page = _client(world, persona).get(reverse("school_home")).content.decode()
        assert "Concerns waiting" not in page and "Ben Brown" not in page, persona


def test_the_counts_link_to_the_filtered_register(world):
    page = _client(world, "senco").get(reverse("school_home")).content.decode()
    register = reverse("register")
    for query in ("?provision=all", "?provision=K", "?provision=E", "?told=no"):
        assert f'href="{register}{query}"' in page
    assert 'id="count-not-told"' in page
    governor = _client(world, "governor").get(reverse("school_home")).content.decode()
    assert f'href="{register}?' not in governor  # the governor sees figures, not the register


def test_the_register_filters_parents_not_yet_told(world):
    RegisterEntry.objects.create(
        pupil=world.ben,
        provision="K",
        start_date=TODAY - timedelta(days=10),
        reason="Speech and language needs",
        decided_by=world.users["senco"],
        parents_informed_on=TODAY - timedelta(days=5),
        parents_informed_how="meeting",
    )
    client = _client(world, "senco")
    not_told = client.get(reverse("register") + "?told=no").content.decode()
    assert "Adams" in not_told and "Brown" not in not_told
    told = client.get(reverse("register") + "?told=yes").content.decode()
    assert "Brown" in told and "Adams" not in told
    both = client.get(reverse("register")).content.decode()
    assert "Adams" in both and "Brown" in both
    home = client.get(reverse("school_home")).content.decode()
    assert '<span class="sp-count__value">1</span>decisions not yet told' in home
    assert "Parents not yet told" in not_told
