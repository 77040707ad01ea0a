"""The register search ignores accents and case, on SQLite and PostgreSQL alike: "Wojcik" finds
"Wójcik" and "wójcik" finds "WOJCIK"; the folded names are kept when a pupil is saved."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pupils.models import Pupil
from pupils.names import search_key

pytestmark = pytest.mark.django_db


def test_search_key_drops_accents_and_case():
    assert search_key("Wójcik") == search_key("WOJCIK") == "wojcik"
    assert search_key("  Zoë   Łukasz-Ørsted ") == "zoe lukasz-orsted"
    assert search_key("Straße") == "strasse"


@given(st.text(alphabet=st.characters(codec="latin-1"), max_size=30))
def test_search_key_is_stable_and_ignores_case(text):
    assert search_key(search_key(text)) == search_key(text)
    assert search_key(text.upper()) == search_key(text.lower()) == search_key(text)


def test_the_register_finds_a_name_without_its_accents(world):
    amy = world.amy
    amy.legal_surname = "Wójcik"
    amy.save()
    ben = world.ben
    ben.preferred_forename = "JOSÉ"
    ben.save(update_fields=["preferred_forename"])
    assert Pupil.objects.get(pk=ben.pk).search_name.split()[-1] == "jose"
    client = Client()
    client.force_login(world.users["senco"])

    def found(q: str) -> set[int]:
        html = client.get(reverse("register"), {"q": q, "provision": "all"}).content.decode()
        return {p.pk for p in (amy, ben) if reverse("pupil_detail", args=[p.pk]) in html}

    assert found("Wojcik") == found("wójcik") == found("WOJ") == {amy.pk}
    assert found("jose") == found("José") == {ben.pk}
    assert found("Wojciech") == set()
