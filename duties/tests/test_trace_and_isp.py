"""The inspection case trace (every line links to its record; a sample of up to six printed
together) and the plan ready for ISPs: layers with history, the 8-week clock, the annual review
of the whole plan (issue 19)."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.models import AuditAction, AuditEvent
from duties import isp, services, trace
from duties.models import SupportLayer
from sendpath.testing import add_support_records

pytestmark = pytest.mark.usefixtures("builtin_catalogue")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_trace_links_every_line_to_its_record(world):
    add_support_records(world)
    services.layer_set(
        pupil=world.amy, layer="targeted", on=date(2026, 9, 20), by=world.users["senco"]
    )
    t = trace.trace(world.amy.pk)
    lines = [*t.identification, *t.register, *t.needs, *t.layers, *t.family, *t.changes]
    assert t.register and t.needs and t.layers and t.cycles
    for line in lines:
        assert resolve(line.href)  # a real page of the record
    page = _client(world.users["senco"]).get(reverse("duties_trace", args=[world.amy.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    hrefs = re.findall(r'href="(/staff/[^"]+)"', html)
    assert reverse("cycle_detail", args=[world.amy.cycles.get().pk]) in hrefs
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, pupil_id=world.amy.pk).exists()


@pytest.mark.django_db
def test_a_sample_prints_together_and_is_at_most_six(world):
    add_support_records(world)
    senco = _client(world.users["senco"])
    assert senco.get(reverse("duties_traces")).status_code == 200
    url = reverse("duties_trace_sample_pdf")
    pdf = senco.get(url, {"pupil": [world.amy.pk, world.ben.pk]})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert senco.get(url, {"pupil": [world.amy.pk] * 1 + list(range(90, 96))}).status_code in (
        403,
        404,
    )
    assert senco.get(url).status_code == 403
    # Outside reach: Cara (Elm) is not found; a teacher may not trace.
    assert senco.get(url, {"pupil": [world.cara.pk]}).status_code == 404
    assert (
        _client(world.users["teacher"])
        .get(reverse("duties_trace", args=[world.amy.pk]))
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_layers_keep_their_history_and_only_the_senco_records_them(world):
    senco = world.users["senco"]
    services.layer_set(pupil=world.amy, layer="targeted", on=date(2026, 9, 1), by=senco)
    services.layer_set(pupil=world.amy, layer="targeted_plus", on=date(2026, 11, 1), by=senco)
    rows = list(
        SupportLayer.objects.filter(pupil=world.amy).values_list("layer", "start_date", "end_date")
    )
    assert rows == [
        ("targeted", date(2026, 9, 1), date(2026, 10, 31)),
        ("targeted_plus", date(2026, 11, 1), None),
    ]
    with pytest.raises(Exception, match="start after"):
        services.layer_set(pupil=world.amy, layer="specialist", on=date(2026, 10, 1), by=senco)
    url = reverse("duties_layer", args=[world.amy.pk])
    form = {
        "layer": "1",
        "layer-layer": "specialist",
        "layer-on_0": "1",
        "layer-on_1": "12",
        "layer-on_2": "2026",
    }
    assert _client(world.users["slt"]).post(url, form).status_code == 403
    assert _client(senco).post(url, form).status_code == 302
    assert world.amy.support_layers.get(end_date__isnull=True).layer == "specialist"
    review = {
        "review-held_on_0": "2", "review-held_on_1": "12", "review-held_on_2": "2026",
        "review-what_is_working": "Reading", "review-next_review_on_0": "1",
        "review-next_review_on_1": "12", "review-next_review_on_2": "2027",
    }  # fmt: skip
    assert _client(senco).post(url, review).status_code == 302
    assert world.amy.plan_annual_reviews.get().next_review_on == date(2027, 12, 1)
    page = _client(senco).get(url).content.decode()
    assert "Within 8 weeks" in page or "Over 8 weeks" in page or "No plan agreed" in page


@settings(deadline=None)  # a busy shared machine: the rule is fast, the clock is not
@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    st.lists(st.integers(min_value=-100, max_value=200), max_size=5),
)
def test_the_clock_counts_to_the_first_plan_agreed_after_the_decision(decided, offsets):
    today = decided + timedelta(days=300)
    agreed = [decided + timedelta(days=o) for o in offsets]
    clock = isp.first_plan_clock([decided], agreed, today)
    assert clock is not None
    after = [o for o in offsets if o >= 0]
    assert clock.days == (min(after) if after else 300)
    assert clock.within_eight_weeks == (clock.days <= 56)
    assert isp.first_plan_clock([], agreed, today) is None


def test_the_plan_page_offers_the_portable_plan_in_the_published_schema(world):
    """ISP readiness: the whole plan leaves as the transfer pack's JSON (interop/senfile.py),
    valid against docs/schemas/sen-file-1.0.schema.json; only those who pass records on see it."""
    from interop import senfile
    from sendpath.testing import add_support_records

    add_support_records(world)
    url = reverse("duties_layer", args=[world.amy.pk])
    page = _client(world.users["senco"]).get(url).content.decode()
    link = re.search(r'id="plan-json" href="([^"]+)"', page)
    assert link is not None
    response = _client(world.users["senco"]).get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    document = response.json()
    assert senfile.problems(document) == []
    assert document["pupil"]["upn"] == world.amy.upn
    assert document["kind"] == "plan" and document["cycles"][0]["plan"]["outcomes"]
    assert f'id="plan-import" href="{reverse("plan_upload", args=[world.amy.pk])}"' in page
    slt = _client(world.users["slt"]).get(url)  # reads the plan page, passes no records on
    assert slt.status_code == 200
    assert 'id="plan-json"' not in slt.content.decode()
    assert 'id="plan-import"' not in slt.content.decode()
