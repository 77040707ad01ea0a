"""Revoking a user's API tokens when what they were issued on changes: a new password (set by
a reset, a change or an administrator) or the end of the user's last membership."""

from typing import Any

from django.utils import timezone

from accounts.models import ApiToken, Membership, User
from audit import log as audit
from audit.models import AuditAction


def api_tokens_revoke(*, user: User, reason: str, by: User | None = None) -> int:
    """Revoke every live token of this user; one audit row when any was live."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit.log(
            AuditAction.UPDATE,
            by or user,
            user,
            {"api_tokens_revoked": revoked, "why": reason},
            object_type="accounts.ApiToken",
        )
    return revoked


def revoke_tokens_if_no_membership(user: User, *, by: User | None = None) -> int:
    """Call this wherever a membership ends: when the user has none left, their tokens go.
    (No service ends memberships yet; the post_delete signal below calls it meanwhile.)"""
    if Membership.objects.filter(user=user).exists():
        return 0
    return api_tokens_revoke(user=user, reason="last membership ended", by=by)


def on_membership_deleted(sender: Any, instance: Membership, **kwargs: Any) -> None:
    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:
        revoke_tokens_if_no_membership(user)


class RevokeApiTokensOnPasswordChange:
    """Not a rule for passwords: Django calls every AUTH_PASSWORD_VALIDATORS entry's
    password_changed() after any password is saved (reset, change form, admin, createsuperuser,
    set_password + save) and sends no signal for it, so this is the one hook that sees every
    path. validate() accepts everything; the help text says what will happen."""

    def validate(self, password: str, user: User | None = None) -> None:
        return None

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_revoke(user=user, reason="password changed")

    def get_help_text(self) -> str:
        return "A new password revokes your API tokens: make new ones afterwards."
