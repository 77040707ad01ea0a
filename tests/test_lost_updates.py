"""No lost updates (issue 12, item 7; docs/decisions.md "No lost updates").

Each race is two saves made from the same starting point: the second is refused and the first one's
change is still there. These run on SQLite and on PostgreSQL (scripts/with-postgres.sh). The
threaded tests at the end make the two saves truly at the same moment, which only PostgreSQL's
row locks can show (SQLite takes one writer at a time)."""

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, User
from provision import services as provision_services
from provision.models import Provision
from provision.tests.test_services import make_provision
from pupils import services as pupil_services
from pupils.models import Need, Pupil
from sendpath.testing import World
from support import services
from support.models import Concern, Cycle, Passport, Plan

TODAY = timezone.localdate()
API = "/api/v1"


def _senco(world: World) -> User:
    return world.users["senco"]


def _cycle(world: World) -> Cycle:
    return services.cycle_open(
        pupil=world.amy, opened_on=TODAY - timedelta(days=10), by=_senco(world)
    )


def _concern(world: World) -> Concern:
    return services.concern_raise(
        pupil=world.ben,
        source="teacher",
        raised_on=TODAY - timedelta(days=3),
        area="CL",
        what_was_seen="Finds it hard to follow spoken instructions",
        by=_senco(world),
    )


def _decide(concern: Concern, world: World, outcome: str, considered: str) -> Concern:
    return services.concern_decide(
        concern=concern,
        outcome=outcome,
        decided_on=TODAY,
        considered=considered,
        by=_senco(world),
    )


def _api(user: User) -> Client:
    _, key = ApiToken.issue(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    call = getattr(client, method)
    return call(API + path, json.dumps(body), content_type="application/json")


# --- two saves from the same version: the second is refused, the first is kept ---------------


@pytest.mark.django_db
def test_a_new_plan_saved_twice_from_the_same_blank_form(world: World) -> None:
    cycle = _cycle(world)
    services.plan_save(
        cycle=cycle, data={"outcomes": "Reads with a friend"}, version=0, by=_senco(world)
    )
    with pytest.raises(ValidationError, match="Someone has just changed this plan"):
        services.plan_save(
            cycle=cycle, data={"outcomes": "Writes a sentence"}, version=0, by=_senco(world)
        )
    plan = Plan.objects.get(cycle=cycle)
    assert (plan.outcomes, plan.version) == ("Reads with a friend", 1)


@pytest.mark.django_db
def test_a_plan_changed_twice_from_the_same_version(world: World) -> None:
    cycle = _cycle(world)
    plan = services.plan_save(cycle=cycle, data={"outcomes": "v1"}, version=0, by=_senco(world))
    services.plan_save(cycle=cycle, data={"outcomes": "mine"}, version=1, by=_senco(world))
    with pytest.raises(ValidationError, match="Someone has just changed this plan"):
        services.plan_save(cycle=cycle, data={"outcomes": "theirs"}, version=1, by=_senco(world))
    plan.refresh_from_db()
    assert (plan.outcomes, plan.version) == ("mine", 2)


@pytest.mark.django_db
def test_a_new_passport_saved_twice_from_the_same_blank_form(world: World) -> None:
    services.passport_save(
        pupil=world.amy, data={"about_me": "I like horses"}, version=0, by=_senco(world)
    )
    with pytest.raises(ValidationError, match="Someone has just changed this passport"):
        services.passport_save(
            pupil=world.amy, data={"about_me": "I like trains"}, version=0, by=_senco(world)
        )
    passport = Passport.objects.get(pupil=world.amy)
    assert (passport.about_me, passport.version) == ("I like horses", 1)


@pytest.mark.django_db
def test_pupil_details_changed_twice_from_the_same_version(world: World) -> None:
    read = Pupil.objects.get(pk=world.amy.pk)
    pupil_services.pupil_update(
        pupil=read, data={"preferred_forename": "Ames"}, version=read.version, by=_senco(world)
    )
    other = Pupil.objects.get(pk=world.amy.pk)
    with pytest.raises(ValidationError, match="Someone has just changed this pupil's details"):
        pupil_services.pupil_update(
            pupil=other, data={"middle_names": "Rose"}, version=1, by=_senco(world)
        )
    saved = Pupil.objects.get(pk=world.amy.pk)
    assert (saved.preferred_forename, saved.middle_names, saved.version) == ("Ames", "", 2)


@pytest.mark.django_db
def test_a_concern_decided_twice_from_copies_read_before_either_decision(world: World) -> None:
    concern = _concern(world)
    first, second = Concern.objects.get(pk=concern.pk), Concern.objects.get(pk=concern.pk)
    _decide(first, world, "monitor", "Attendance and hearing checked")
    with pytest.raises(ValidationError, match="already been decided"):
        _decide(second, world, "assess", "Progress over two terms")
    concern.refresh_from_db()
    assert (concern.outcome, concern.considered) == ("monitor", "Attendance and hearing checked")
    assert not Cycle.objects.filter(pupil=world.ben).exists()


@pytest.mark.django_db
def test_a_need_ended_twice_from_copies_read_before_either(world: World) -> None:
    need = Need.objects.filter(pupil=world.amy, end_date__isnull=True).order_by("-rank").first()
    assert need is not None
    first, second = Need.objects.get(pk=need.pk), Need.objects.get(pk=need.pk)
    pupil_services.need_end(need=first, end_date=TODAY, by=_senco(world))
    with pytest.raises(ValidationError, match="already ended"):
        pupil_services.need_end(need=second, end_date=TODAY - timedelta(days=1), by=_senco(world))
    need.refresh_from_db()
    assert need.end_date == TODAY


@pytest.mark.django_db
def test_a_provision_changed_twice_from_the_same_version(world: World) -> None:
    provision = make_provision(world)
    provision_services.provision_update(
        provision=provision, data={"location": "Library"}, version=1, by=_senco(world)
    )
    with pytest.raises(ValidationError, match="Someone has just changed this provision"):
        provision_services.provision_update(
            provision=provision, data={"name": "Renamed"}, version=1, by=_senco(world)
        )
    saved = Provision.objects.get(pk=provision.pk)
    assert (saved.location, saved.name, saved.version) == ("Library", "Year 5 reading group", 2)


# --- the API: a stale version, or a create of a record that now exists, is 409 ----------------


@pytest.mark.django_db
def test_api_put_plan_without_a_version_twice_is_409_the_second_time(world: World) -> None:
    cycle = _cycle(world)
    one, two = _api(_senco(world)), _api(_senco(world))
    assert _send(one, "put", f"/cycles/{cycle.pk}/plan", {"outcomes": "First"}).status_code == 201
    again = _send(two, "put", f"/cycles/{cycle.pk}/plan", {"outcomes": "Second", "version": 0})
    assert again.status_code == 409
    assert again.json()["detail"][0]["loc"] == ["body", "version"]
    assert Plan.objects.get(cycle=cycle).outcomes == "First"


@pytest.mark.django_db
def test_api_put_passport_from_a_blank_twice_is_409_the_second_time(world: World) -> None:
    path = f"/pupils/{world.amy.pk}/passport"
    client = _api(_senco(world))
    assert _send(client, "put", path, {"about_me": "Horses", "version": 0}).status_code == 201
    assert _send(client, "put", path, {"about_me": "Trains", "version": 0}).status_code == 409
    assert Passport.objects.get(pupil=world.amy).about_me == "Horses"


@pytest.mark.django_db
def test_api_patch_pupil_with_a_stale_version_is_409(world: World) -> None:
    client = _api(_senco(world))
    read = client.get(f"{API}/pupils/{world.amy.pk}").json()
    path = f"/pupils/{world.amy.pk}"
    body = {"preferred_forename": "Ames", "version": read["version"]}
    assert _send(client, "patch", path, body).status_code == 200
    stale = _send(client, "patch", path, {"middle_names": "Rose", "version": read["version"]})
    assert stale.status_code == 409
    assert stale.json()["detail"][0]["loc"] == ["body", "version"]
    assert Pupil.objects.get(pk=world.amy.pk).middle_names == ""
    assert _send(client, "patch", path, {"middle_names": "Rose"}).status_code == 422


@pytest.mark.django_db
def test_api_patch_provision_with_a_stale_version_is_409(world: World) -> None:
    provision = make_provision(world)
    client, path = _api(_senco(world)), f"/provisions/{provision.pk}"
    assert client.get(API + path).json()["version"] == 1
    assert _send(client, "patch", path, {"location": "Library", "version": 1}).status_code == 200
    stale = _send(client, "patch", path, {"name": "Renamed", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["detail"][0]["loc"] == ["body", "version"]
    assert Provision.objects.get(pk=provision.pk).name == "Year 5 reading group"


# --- the form: what the other person saved, and what this person typed ------------------------


def _staff(world: World) -> Client:
    client = Client()
    client.force_login(_senco(world))
    return client


@pytest.mark.django_db
def test_a_stale_plan_form_shows_their_change_keeps_mine_and_writes_nothing(world: World) -> None:
    cycle = _cycle(world)
    client = _staff(world)
    url = reverse("plan_edit", args=[cycle.pk])
    blank = client.get(url).content.decode()
    assert 'name="version" value="0"' in blank
    # Someone else writes the plan while this form is open.
    services.plan_save(
        cycle=cycle, data={"outcomes": "Their outcome", "adjustments": "Their adjustment"},
        version=0, by=world.users["senco"],
    )  # fmt: skip
    day = TODAY - timedelta(days=1)
    mine = {
        "version": "0",
        "plan_date_0": day.day,
        "plan_date_1": day.month,
        "plan_date_2": day.year,
        "outcomes": "My outcome typed meanwhile",
    }
    page = client.post(url, mine)
    html = page.content.decode()
    assert page.status_code == 200
    assert "govuk-error-summary" in html and "Someone has just changed this plan" in html
    start = html.index('id="their-changes"')
    their = html[start : html.index("</dl>", start)]
    assert "Their outcome" in their and "Their adjustment" in their
    assert "My outcome typed meanwhile" not in their
    assert "My outcome typed meanwhile" in html[html.index("</dl>", start) :]
    assert 'name="version" value="1"' in html  # a resubmit carries the new version
    assert Plan.objects.get(cycle=cycle).outcomes == "Their outcome"
    # Saving again is this person's choice, and now it is written.
    assert client.post(url, {**mine, "version": "1"}).status_code == 302
    plan = Plan.objects.get(cycle=cycle)
    assert (plan.outcomes, plan.version) == ("My outcome typed meanwhile", 2)


@pytest.mark.django_db
def test_a_blank_passport_form_saved_after_someone_wrote_one_is_refused(world: World) -> None:
    client = _staff(world)
    url = reverse("passport_edit", args=[world.amy.pk])
    assert 'name="version" value="0"' in client.get(url).content.decode()
    services.passport_save(
        pupil=world.amy, data={"about_me": "Their words"}, version=0, by=_senco(world)
    )
    html = client.post(url, {"version": "0", "what_helps": "My words"}).content.decode()
    assert "Someone has just changed this passport" in html
    start = html.index('id="their-changes"')
    assert "Their words" in html[start : html.index("</dl>", start)]
    assert "My words" in html[html.index("</dl>", start) :]
    passport = Passport.objects.get(pupil=world.amy)
    assert (passport.about_me, passport.what_helps, passport.version) == ("Their words", "", 1)


@pytest.mark.django_db
def test_a_stale_pupil_form_names_the_field_they_changed(world: World) -> None:
    client = _staff(world)
    url = reverse("pupil_edit", args=[world.amy.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    pupil_services.pupil_update(
        pupil=world.amy, data={"preferred_forename": "Ames"}, version=1, by=_senco(world)
    )
    amy = Pupil.objects.get(pk=world.amy.pk)
    dob = amy.date_of_birth
    mine = {
        "version": "1",
        "upn": amy.upn,
        "legal_forename": amy.legal_forename,
        "legal_surname": amy.legal_surname,
        "middle_names": "Rose",
        "preferred_forename": "",
        "preferred_surname": "",
        "date_of_birth_0": dob.day,
        "date_of_birth_1": dob.month,
        "date_of_birth_2": dob.year,
        "sex": amy.sex,
        "nc_year": amy.nc_year,
    }
    html = client.post(url, mine).content.decode()
    assert "Someone has just changed this pupil&#x27;s details" in html
    start = html.index('id="their-changes"')
    their = html[start : html.index("</dl>", start)]
    assert "Ames" in their and "Middle names" not in their
    assert 'value="Rose"' in html
    assert Pupil.objects.get(pk=amy.pk).middle_names == ""


# --- at the same moment: PostgreSQL's row locks ---------------------------------------------


def _at_once(*calls: Callable[[], Any]) -> list[BaseException | None]:
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[BaseException | None] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # noqa: BLE001 — recorded for the test to read
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite has one writer)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_first_plan_saves_at_the_same_moment_keep_one(world: World) -> None:
    cycle = _cycle(world)
    outcomes = _at_once(
        *(
            lambda text=text: services.plan_save(
                cycle=Cycle.objects.get(pk=cycle.pk),
                data={"outcomes": text},
                version=0,
                by=world.users["senco"],
            )
            for text in ("A", "B")
        )
    )
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
    assert "version" in refused[0].message_dict
    assert Plan.objects.get(cycle=cycle).version == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_decisions_on_a_concern_at_the_same_moment_keep_one(world: World) -> None:
    concern = _concern(world)
    outcomes = _at_once(
        *(
            lambda outcome=outcome: _decide(
                Concern.objects.get(pk=concern.pk), world, outcome, f"Considered for {outcome}"
            )
            for outcome in ("monitor", "assess")
        )
    )
    refused = [o for o in outcomes if o is not None]
    assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
    assert "outcome" in refused[0].message_dict
    concern.refresh_from_db()
    assert concern.considered == f"Considered for {concern.outcome}"
    assert Cycle.objects.filter(pupil=world.ben).count() == (concern.outcome == "assess")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_changes_to_pupil_details_at_the_same_moment_keep_one(world: World) -> None:
    outcomes = _at_once(
        *(
            lambda data=data: pupil_services.pupil_update(
                pupil=Pupil.objects.get(pk=world.amy.pk),
                data=data,
                version=1,
                by=world.users["senco"],
            )
            for data in ({"middle_names": "Rose"}, {"preferred_forename": "Ames"})
        )
    )
    assert sum(o is not None for o in outcomes) == 1, outcomes
    amy = Pupil.objects.get(pk=world.amy.pk)
    assert amy.version == 2 and (amy.middle_names == "Rose") != (amy.preferred_forename == "Ames")
