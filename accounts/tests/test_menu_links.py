"""Links go only to pages the user may open: the school switcher is staff-only (403 for parents,
LA and trust officers), the API tokens link is offered to staff only (the page stays open: see
docs/decisions.md), and the provision pages' back link suits the role."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def login(world, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


@pytest.mark.parametrize("persona", ["parent", "la_officer", "trust_officer"])
def test_the_school_switcher_is_refused_without_a_staff_role(world, persona):
    assert login(world, persona).get(reverse("school_switch")).status_code == 403
    assert login(world, persona).post(reverse("school_switch"), {}).status_code == 403


def test_staff_may_open_the_school_switcher(world):
    assert login(world, "senco").get(reverse("school_switch")).status_code == 200


def test_a_parent_is_not_offered_api_tokens_but_staff_are(world):
    tokens = reverse("api_tokens")
    parent = login(world, "parent")
    assert f'href="{tokens}"' not in parent.get(reverse("family_home")).content.decode()
    assert parent.get(tokens).status_code == 200  # still theirs to use if they know of it
    senco = login(world, "senco")
    assert f'href="{tokens}"' in senco.get(reverse("school_home")).content.decode()


@pytest.mark.parametrize("persona", ["governor", "dpo"])
def test_the_back_link_of_the_library_goes_where_the_user_may_go(world, persona):
    page = login(world, persona).get(reverse("provision_library"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f'href="{reverse("provision_list")}"' not in text
    assert "Back to school home" in text
    assert login(world, persona).get(reverse("school_home")).status_code == 200


def test_the_senco_goes_back_to_provision(world):
    text = login(world, "senco").get(reverse("provision_library")).content.decode()
    assert f'href="{reverse("provision_list")}" class="govuk-back-link">Back to provision' in text
