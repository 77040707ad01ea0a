"""What a person typed is shown as text, never as markup (issue 12, item 2).

Payloads are written through the API into every free-text field of a cycle, its plan, targets,
notes, views, concern and passport; every staff and family page that shows them is then parsed, and
no element or attribute from a payload may exist, while the payload's text is there, escaped."""

import json
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.tests.test_api import Caller
from provision import services as provision_services
from provision.models import Intervention, StaffRole
from sendpath.testing import World

pytestmark = pytest.mark.django_db
HX = '<div hx-post="/x" hx-trigger="load">'
PAYLOAD = f'<script>alert(1)</script>"><img src=x onerror=alert(1)>{HX}'


class Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def assert_inert(html: str, where: str) -> None:
    page = Page(html)
    assert not [s for s in page.scripts if "alert" in s], where
    assert not [a for tag, a in page.elements if "onerror" in a], where
    assert not [a for tag, a in page.elements if a.get("hx-post") == "/x"], where
    assert HX in "".join(page.text), f"{where}: the payload is shown as text"


def day(offset: int) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def created(response: Any) -> Any:
    assert response.status_code in (200, 201), response.content
    return response.json()


def plant(world: World) -> dict[str, int]:
    """A cycle for Amy with the payload in every free-text field, written through the API."""
    senco = Caller(world.users["senco"])
    put = lambda path, body: senco.client.put(  # noqa: E731
        "/api/v1" + path, json.dumps(body), content_type="application/json"
    )
    concern = created(
        senco.post(
            "/concerns",
            {
                "pupil": world.amy.pk,
                "source": "teacher",
                "raised_on": day(-40),
                "area": "CL",
                "what_was_seen": PAYLOAD,
                "evidence": PAYLOAD,
            },
        )
    )
    decided = created(
        senco.post(
            f"/concerns/{concern['id']}/decision",
            {"outcome": "assess", "decided_on": day(-35), "considered": PAYLOAD},
        )
    )
    cycle = decided["cycle_id"]
    view = {"source": "parent", "given_by": PAYLOAD[:120], "given_on": day(-34), "views": PAYLOAD}
    created(senco.post(f"/cycles/{cycle}/views", view))
    texts = ("outcomes", "adjustments", "provision", "pupil_strategies", "parent_comments")
    created(put(f"/cycles/{cycle}/plan", {"plan_date": day(-33)} | dict.fromkeys(texts, PAYLOAD)))
    target = {
        "description": PAYLOAD,
        "baseline": PAYLOAD,
        "measure": PAYLOAD,
        "target_value": PAYLOAD,
        "responsible": PAYLOAD,
        "target_date": day(20),
    }
    created(senco.post(f"/cycles/{cycle}/plan/targets", target))
    created(
        senco.post(f"/cycles/{cycle}/notes", {"on": day(-20), "kind": "support", "text": PAYLOAD})
    )
    passport = ("about_me", "strengths", "what_helps", "what_does_not_help", "key_adjustments")
    created(put(f"/pupils/{world.amy.pk}/passport", dict.fromkeys(passport, PAYLOAD)))
    provision = provision_services.provision_create(
        school=world.oak,
        intervention=Intervention.objects.filter(school=None).first(),  # type: ignore[arg-type]
        data={
            "name": "Reading group",
            "staff_role": StaffRole.objects.create(
                school=world.oak, name="TA", kind="ta2", hourly_cost=18
            ),
            "weekdays": [0, 2],
            "start_date": timezone.localdate() - timedelta(days=7),
            "end_date": timezone.localdate() + timedelta(days=60),
        },
        by=world.users["senco"],
    )
    provision_services.enrol(
        provision=provision,
        pupil=world.amy,
        start_date=provision.start_date,
        by=world.users["senco"],
    )
    return {"cycle": cycle, "provision": provision.pk}


def test_payloads_in_every_free_text_field_stay_text_on_every_page(world: World) -> None:
    ids = plant(world)
    amy, cycle = world.amy.pk, ids["cycle"]
    staff = Client()
    staff.force_login(world.users["senco"])
    for name, args in [
        ("pupil_detail", [amy]),
        ("cycle_detail", [cycle]),
        ("plan_edit", [cycle]),
        ("review", [cycle]),  # the target in the rating's legend and hint
        ("passport", [amy]),
        ("passport_edit", [amy]),
        ("provision_edit", [ids["provision"]]),  # the targets to link, as checkbox labels
    ]:
        response = staff.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert_inert(response.content.decode(), name)
    family = Client()
    family.force_login(world.users["parent"])
    for name in ("family_pupil",):
        response = family.get(reverse(name, args=[amy]))
        assert response.status_code == 200, name
        assert_inert(response.content.decode(), name)


def test_htmx_may_not_evaluate_code_or_run_scripts_it_swaps_in(world: World) -> None:
    staff = Client()
    staff.force_login(world.users["senco"])
    page = Page(staff.get(reverse("school_home")).content.decode())
    config = next(a for tag, a in page.elements if tag == "meta" and a.get("name") == "htmx-config")
    settings = json.loads(config["content"] or "")
    assert settings["allowEval"] is False and settings["allowScriptTags"] is False
