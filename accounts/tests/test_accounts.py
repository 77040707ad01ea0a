import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, Membership, Role, School
from pupils import services
from sendpath.testing import PASSWORD

pytestmark = pytest.mark.django_db


def login(world, persona):
    client = Client()
    client.force_login(world.users[persona])
    return client


def test_sign_in_lands_each_role_on_its_home(world):
    for persona, landing in [
        ("senco", "school_home"),
        ("parent", "family_home"),
        ("la_officer", "overview_home"),
    ]:
        client = Client()
        response = client.post(
            reverse("login"), {"username": persona, "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse(landing), persona


def test_a_wrong_password_shows_an_error_summary(world):
    response = Client().post(reverse("login"), {"username": "senco", "password": "nope"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_password_reset_sends_a_link_that_works(world):
    client = Client()
    client.post(reverse("password_reset"), {"email": "senco@example.org"})
    assert len(mail.outbox) == 1
    found = re.search(r"http://testserver(/accounts/reset/\S+)", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"},
    )
    assert response.status_code == 302
    assert Client().login(username="senco", password="a new long passphrase 42")


def test_api_tokens_are_shown_once_and_can_be_revoked(world):
    client = login(world, "senco")
    html = client.post(reverse("api_tokens"), {"name": "MIS sync"}).content.decode()
    found = re.search(r'<code id="new-token">(sp_[^<]+)</code>', html)
    assert found is not None
    key = found.group(1)
    token = ApiToken.objects.get(user=world.users["senco"])
    assert ApiToken.authenticate(key) == world.users["senco"]
    assert key not in client.get(reverse("api_tokens")).content.decode()
    client.post(reverse("api_token_revoke", args=[token.pk]))
    assert ApiToken.authenticate(key) is None


def test_someone_elses_token_cannot_be_revoked(world):
    token, key = ApiToken.issue(user=world.users["teacher"], name="t")
    assert (
        login(world, "senco").post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    )
    assert ApiToken.authenticate(key) == world.users["teacher"]


def test_school_switcher_changes_the_working_school(world):
    Membership.objects.create(user=world.users["senco"], role=Role.SENCO, school=world.elm)
    client = login(world, "senco")
    heading = '<h1 class="govuk-heading-xl">{}</h1>'
    assert (
        heading.format("Elm Primary") in client.get(reverse("school_home")).content.decode()
    )  # first by name
    client.post(reverse("school_switch"), {"school": world.oak.pk})
    assert heading.format("Oak Primary") in client.get(reverse("school_home")).content.decode()
    other = School.objects.create(
        urn="100009", la=world.la, establishment_number="2009", name="Far School", phase="primary"
    )
    assert client.post(reverse("school_switch"), {"school": other.pk}).status_code == 404


def test_overview_counts_without_names(world):
    services.register_change(
        pupil=world.cara,
        provision="E",
        start_date=world.amy.register_entries.get().start_date,
        reason="x",
        by=world.users["outsider"],
    )
    html = login(world, "la_officer").get(reverse("overview_home")).content.decode()
    assert "Oak Primary" in html and "Elm Primary" in html
    assert "Adams" not in html and "Cole" not in html
    trust_html = login(world, "trust_officer").get(reverse("overview_home")).content.decode()
    assert "Oak Primary" in trust_html and "Elm Primary" not in trust_html


def _terms_post(
    autumn=("8", "9", "2025", "19", "12", "2025"),
    spring=("5", "1", "2026", "27", "3", "2026"),
    summer=("13", "4", "2026", "22", "7", "2026"),
):
    data = {}
    for name, values in (("autumn", autumn), ("spring", spring), ("summer", summer)):
        for i, part in enumerate(values[:3]):
            data[f"{name}_start_{i}"] = part
        for i, part in enumerate(values[3:]):
            data[f"{name}_end_{i}"] = part
    return data


def test_term_dates_are_saved_and_audited(world):
    client = login(world, "admin")
    response = client.post(reverse("school_terms_year", args=[2025]), _terms_post())
    assert response.status_code == 302
    summer = world.oak.school_years.get(start_year=2025).terms.get(name="summer")
    assert (summer.start_date.isoformat(), summer.end_date.isoformat()) == (
        "2026-04-13",
        "2026-07-22",
    )


def test_overlapping_terms_show_an_error_and_save_nothing(world):
    client = login(world, "senco")
    response = client.post(
        reverse("school_terms_year", args=[2025]),
        _terms_post(spring=("10", "12", "2025", "27", "3", "2026")),
    )
    assert response.status_code == 200
    assert "must start after the autumn term ends" in response.content.decode()
    assert not world.oak.school_years.filter(start_year=2025).exists()


def test_only_senco_and_admin_set_term_dates(world):
    assert login(world, "teacher").get(reverse("school_terms")).status_code == 403
    assert login(world, "senco").get(reverse("school_terms")).status_code == 200
