from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pupils.models import RegisterEntry
from sendpath.testing import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/staff/compliance/"


def client_for(world, persona: str) -> Client:
    client = Client()
    assert client.login(username=world.users[persona].username, password=PASSWORD)
    return client


@pytest.fixture
def amy_untold(world):
    """Amy placed on SEN support 40 days ago; her parents not told, no plan."""
    RegisterEntry.objects.filter(pupil=world.amy).update(
        start_date=timezone.localdate() - timedelta(days=40)
    )
    return world


def test_the_senco_sees_each_finding_with_its_reason_and_the_page_that_fixes_it(amy_untold):
    w = amy_untold
    page = client_for(w, "senco").get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-code="PARENTS_NOT_NOTIFIED"' in html and 'data-code="PLAN_MISSING"' in html
    assert "no record of telling the parents" in html
    assert reverse("cycle_open", args=[w.amy.pk]) in html
    assert "SEND Code of Practice 6.46" in html
    assert reverse("school_home") in html
    home = client_for(w, "senco").get(reverse("school_home")).content.decode()
    assert URL in home
    assert URL not in client_for(w, "teacher").get(reverse("school_home")).content.decode()


def test_the_filters_narrow_the_findings(amy_untold):
    client = client_for(amy_untold, "senco")
    html = client.get(URL, {"code": "PLAN_MISSING"}).content.decode()
    assert 'data-code="PLAN_MISSING"' in html and 'data-code="PARENTS_NOT_NOTIFIED"' not in html
    html = client.get(URL, {"severity": "due_soon"}).content.decode()
    assert 'data-code="PLAN_MISSING"' not in html
    group = amy_untold.amy.teaching_groups.get()
    assert 'data-code="PLAN_MISSING"' in client.get(URL, {"group": group.pk}).content.decode()
    bad = client.get(URL, {"within": "-3"})
    assert bad.status_code == 200 and 'data-code="PLAN_MISSING"' in bad.content.decode()


@pytest.mark.parametrize("persona", ["teacher", "ta", "governor", "dpo", "admin", "parent"])
def test_other_roles_are_refused(world, persona):
    assert client_for(world, persona).get(URL).status_code == 403


def test_officers_and_the_unattached_are_refused(world):
    for persona in ("la_officer", "trust_officer", "nobody"):
        assert client_for(world, persona).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302


def test_the_outsider_sees_only_their_own_school(amy_untold):
    html = client_for(amy_untold, "outsider").get(URL).content.decode()
    assert "Amy" not in html and "Elm Primary" in html


def test_the_pupil_record_shows_the_pupils_own_findings_to_the_senco(amy_untold):
    w = amy_untold
    url = reverse("pupil_detail", args=[w.amy.pk])
    html = client_for(w, "senco").get(url).content.decode()
    assert 'id="pupil-findings"' in html and 'data-code="PLAN_MISSING"' in html
    assert "no record of telling the parents" in html
    assert 'id="pupil-findings"' not in client_for(w, "teacher").get(url).content.decode()
    ben = client_for(w, "senco").get(reverse("pupil_detail", args=[w.ben.pk])).content.decode()
    assert 'id="pupil-findings"' not in ben


def test_the_senco_home_leads_with_the_duties_banner(amy_untold):
    w = amy_untold
    home = client_for(w, "senco").get(reverse("school_home")).content.decode()
    assert 'id="compliance-banner"' in home and reverse("compliance_summary") in home
    assert home.index('id="compliance-banner"') < home.index("Primary needs on the register")
    banner = client_for(w, "senco").get(reverse("compliance_summary")).content.decode()
    # Amy: 40 days on the register, parents never told and no plan: two breaches.
    assert '<span id="compliance-breaches">2</span> breaches' in banner
    assert "hx-get" not in banner
    teacher_home = client_for(w, "teacher").get(reverse("school_home")).content.decode()
    assert 'id="compliance-banner"' not in teacher_home
    assert client_for(w, "teacher").get(reverse("compliance_summary")).status_code == 403


def test_the_page_never_shows_stale_findings_after_a_record_changes(amy_untold):
    """The page's findings are cached on a fingerprint of the school's records
    (statutory/findings_cache.py): a change through a service (an update, audited), a row added
    and a row deleted each show on the next visit."""
    from pupils.services import register_record_parents_informed

    w = amy_untold
    client = client_for(w, "senco")
    assert 'data-code="PARENTS_NOT_NOTIFIED"' in client.get(URL).content.decode()
    assert 'data-code="PARENTS_NOT_NOTIFIED"' in client.get(URL).content.decode()  # cached
    entry = RegisterEntry.objects.get(pupil=w.amy)
    register_record_parents_informed(
        entry=entry, informed_on=entry.start_date, how="meeting", by=w.users["senco"]
    )
    html = client.get(URL).content.decode()
    assert 'data-code="PARENTS_NOT_NOTIFIED"' not in html and 'data-code="PLAN_MISSING"' in html
    # A row written without the trail (an import, a script) still changes the fingerprint.
    today = timezone.localdate()
    RegisterEntry.objects.filter(pk=entry.pk).update(end_date=today - timedelta(days=2))
    removed = RegisterEntry.objects.create(
        pupil=w.amy, provision="N", start_date=today - timedelta(days=1)
    )
    html = client.get(URL).content.decode()
    assert 'data-code="PLAN_MISSING"' not in html  # off the register: no SEN support duties
    removed.delete()
    RegisterEntry.objects.filter(pk=entry.pk).update(end_date=None)
    assert 'data-code="PLAN_MISSING"' in client.get(URL).content.decode()


def test_a_second_visit_reads_the_fingerprint_not_the_history(amy_untold):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(amy_untold, "senco")
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    with CaptureQueriesContext(connection) as second:
        assert client.get(URL).status_code == 200
    history = [q["sql"] for q in first.captured_queries if '"support_cycle"' in q["sql"]]
    assert history and len(second) <= len(first) - 8
    assert not any('"support_target"."baseline"' in q["sql"] for q in second.captured_queries)


def test_due_in_n_days_keeps_what_falls_due_by_then_and_everything_overdue(world):
    """Placed 20 days ago: telling the parents was due 6 days ago (a breach), the agreed plan
    falls due in 8 days (due soon)."""
    RegisterEntry.objects.filter(pupil=world.amy).update(
        start_date=timezone.localdate() - timedelta(days=20)
    )
    client = client_for(world, "senco")
    html = client.get(URL, {"within": "7"}).content.decode()
    assert 'data-code="PARENTS_NOT_NOTIFIED"' in html and 'data-code="PLAN_MISSING"' not in html
    html = client.get(URL, {"within": "8"}).content.decode()
    assert 'data-code="PARENTS_NOT_NOTIFIED"' in html and 'data-code="PLAN_MISSING"' in html


def test_findings_come_a_page_at_a_time_with_the_filters_kept(amy_untold, monkeypatch):
    from statutory import compliance_views

    monkeypatch.setattr(compliance_views, "PAGE_SIZE", 1)
    client = client_for(amy_untold, "senco")
    first = client.get(URL, {"severity": "breach"}).content.decode()
    second = client.get(URL, {"severity": "breach", "page": "2"}).content.decode()
    assert "2 findings, 1 to 1 shown" in first and "2 findings, 2 to 2 shown" in second
    assert "severity=breach&amp;page=2" in first
    codes = {c for c in ("PLAN_MISSING", "PARENTS_NOT_NOTIFIED") if f'data-code="{c}"' in first}
    assert len(codes) == 1 and f'data-code="{codes.pop()}"' not in second


def test_a_write_logged_with_only_the_pupil_still_moves_the_fingerprint(amy_untold):
    """A plan, a target or a review is logged with the pupil but no school (they reach the
    pupil through their cycle), and an attainment import with the school as its object: both
    must refresh the cached findings."""
    from audit import log as audit
    from audit.models import AuditAction
    from statutory import findings_cache

    w = amy_untold
    on = timezone.localdate()
    before = findings_cache.fingerprint(w.oak, on)
    audit.log(AuditAction.UPDATE, w.users["senco"], None, {"plan": 1}, pupil_id=w.amy.pk)
    after = findings_cache.fingerprint(w.oak, on)
    assert after != before
    event = audit.log(AuditAction.CREATE, w.users["senco"], w.oak, {"assessment_points": 2})
    assert event.school_id == w.oak.pk
    assert findings_cache.fingerprint(w.oak, on) != after
