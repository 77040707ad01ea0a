"""Issue 12, item 6: API tokens expire, record their last use (at most once a minute), and are
revoked when their user's password changes or is reset and when their last membership ends."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Membership, Role
from audit.models import AuditEvent


def call(key: str):
    return Client().get("/api/v1/pupils", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_is_made_with_the_chosen_lifetime_and_shows_its_expiry(world):
    client = Client()
    client.force_login(world.users["senco"])
    html = client.post(reverse("api_tokens"), {"name": "MIS", "lifetime": "30"}).content.decode()
    token = ApiToken.objects.get(user=world.users["senco"])
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert timezone.localtime(token.expires_at).strftime("%-d %b %Y") in html


def test_the_default_lifetime_is_90_days(world):
    client = Client()
    client.force_login(world.users["senco"])
    client.post(reverse("api_tokens"), {"name": "MIS"})
    token = ApiToken.objects.get(user=world.users["senco"])
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


def test_a_lifetime_not_offered_is_refused_and_nothing_is_made(world):
    client = Client()
    client.force_login(world.users["senco"])
    response = client.post(reverse("api_tokens"), {"name": "MIS", "lifetime": "99999"})
    assert "govuk-error-summary" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_expired_token_answers_401_in_the_api_shape(world):
    token, key = ApiToken.issue(user=world.users["senco"], name="MIS")
    assert call(key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = call(key)
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_last_used_is_written_at_most_once_a_minute(world):
    token, key = ApiToken.issue(user=world.users["senco"], name="MIS")
    call(key)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    call(key)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    call(key)
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first - timedelta(seconds=1)


def test_a_password_reset_revokes_the_users_tokens(world):
    _, key = ApiToken.issue(user=world.users["senco"], name="MIS")
    _, other = ApiToken.issue(user=world.users["teacher"], name="MIS")
    client = Client()
    client.post(reverse("password_reset"), {"email": "senco@example.org"})
    found = re.search(r"http://testserver(/accounts/reset/\S+)", str(mail.outbox[0].body))
    assert found is not None
    form_page = client.get(found.group(1), follow=True)
    assert "revokes your API tokens" in form_page.content.decode()
    new = "a new long passphrase 42"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert call(key).status_code == 401
    assert call(other).status_code == 200
    assert AuditEvent.objects.filter(data__why="password changed").count() == 1


def test_any_password_change_revokes_the_users_tokens(world):
    user = world.users["senco"]
    _, key = ApiToken.issue(user=user, name="MIS")
    user.set_password("another long passphrase 7")
    user.save()
    assert call(key).status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(world):
    user = world.users["senco"]
    _, key = ApiToken.issue(user=user, name="MIS")
    user.first_name = "Sally"
    user.save()
    assert call(key).status_code == 200


def test_the_end_of_the_last_membership_revokes_the_tokens(world):
    user = world.users["teacher"]
    _, key = ApiToken.issue(user=user, name="MIS")
    extra = Membership.objects.create(user=user, role=Role.TEACHER, school=world.elm)
    extra.delete()
    assert call(key).status_code == 200  # still a teacher at Oak
    Membership.objects.filter(user=user).delete()
    assert ApiToken.objects.get(user=user).revoked_at is not None
    assert AuditEvent.objects.filter(data__why="last membership ended").count() == 1
