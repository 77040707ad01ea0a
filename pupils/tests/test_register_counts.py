"""The register page counts its matching pupils in the same query as its other figures (no COUNT
of its own when the filters stay on the register): that count must be what the rows come to."""

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pupils import selectors
from pupils.models import Need, Pupil, RegisterEntry, TeachingGroup
from pupils.upn import make_upn

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(world):
    """Forty more pupils at Oak: K, E, N and never on the register, a leaver, mixed needs and
    years, some in class 5A."""
    group = TeachingGroup.objects.get(school=world.oak, name="5A")
    for i in range(40):
        p = Pupil.objects.create(
            school=world.oak,
            upn=make_upn("820", "2001", 23, 500 + i),
            legal_forename=f"Zed{i}",
            legal_surname=f"Young{i}",
            date_of_birth=date(2015, 1, 1),
            sex="F",
            nc_year=str(1 + i % 6),
            leaving_date=date(2025, 7, 20) if i == 7 else None,
        )
        provision = "KENN "[i % 5].strip()
        if provision:
            RegisterEntry.objects.create(
                pupil=p,
                provision=provision,
                start_date=date(2024, 9, 1),
                reason="x",
                parents_informed_on=date(2024, 9, 2) if i % 3 else None,
                parents_informed_how="meeting" if i % 3 else "",
            )
        if i % 4:
            Need.objects.create(
                pupil=p,
                need_type=["MLD", "ASD", "SEMH"][i % 3],
                rank=1,
                start_date=date(2024, 9, 1),
            )
        if i % 6 == 0:
            group.pupils.add(p)
    return group


FILTERS = [
    {},
    {"provision": "K"},
    {"provision": "E"},
    {"provision": "N"},
    {"provision": "all"},
    {"need": "ASD"},
    {"area": "CL"},
    {"year": "3"},
    {"q": "young1"},
    {"provision": "all", "need": "SEMH"},
    {"group": "GROUP"},
    {"provision": "N", "group": "GROUP"},
]


def _filters(wanted: dict[str, str], group: TeachingGroup) -> selectors.RegisterFilters:
    fields: dict[str, Any] = {k: group if v == "GROUP" else v for k, v in wanted.items()}
    return selectors.RegisterFilters(**fields)


@pytest.mark.parametrize("persona", ["senco", "teacher"])
def test_the_counts_query_counts_what_the_rows_come_to(world, crowd, persona):
    visible = Pupil.objects.filter(school=world.oak)
    if persona == "teacher":
        visible = visible.filter(teaching_groups=crowd)
    for wanted in FILTERS:
        filters = _filters(wanted, crowd)
        counts = selectors.register_counts(visible, matching=filters)
        rows = list(selectors.register(visible, filters))
        if filters.provision in ("", "K", "E"):
            assert counts.matching == len(rows), wanted
        else:  # beyond the register: the page counts the rows itself
            assert counts.matching is None, wanted
        # The filters change only the matching count, never the page's other figures.
        assert replace(counts, matching=None) == selectors.register_counts(visible), wanted


@pytest.mark.parametrize("wanted", FILTERS)
def test_the_register_page_says_how_many_match(world, crowd, wanted):
    client = Client()
    client.force_login(world.users["senco"])
    query = {k: str(crowd.pk) if v == "GROUP" else v for k, v in wanted.items()}
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("register"), query).content.decode()
    shown = re.search(r'sp-count__value">(\d+)</span>pupils? match', html)
    assert shown is not None
    filters = _filters(wanted, crowd)
    assert (
        int(shown[1]) == selectors.register(Pupil.objects.filter(school=world.oak), filters).count()
    )
    counted = [q for q in queries.captured_queries if 'COUNT(*) AS "__count"' in q["sql"]]
    # The roll, and the rows only when the filters reach beyond the register.
    assert len(counted) == (2 if wanted.get("provision") in ("N", "all") else 1)


def test_a_large_count_has_its_thousands_separator(world):
    """The roll of a large secondary reads "1,203 pupils match", not "1203" (issue 13)."""
    Pupil.objects.bulk_create(
        Pupil(
            school=world.oak,
            upn=make_upn("820", "2001", 24 + i // 1000, i % 1000),
            legal_forename=f"Many{i}",
            legal_surname="Pupils",
            date_of_birth=date(2015, 1, 1),
            sex="M",
            nc_year="5",
        )
        for i in range(1200)
    )
    client = Client()
    client.force_login(world.users["senco"])
    html = client.get(reverse("register") + "?provision=all").content.decode()
    count = Pupil.objects.filter(school=world.oak, leaving_date__isnull=True).count()
    assert count > 1000
    assert f'<span class="sp-count__value">{count:,}</span>' in html
