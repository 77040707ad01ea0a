"""Sign-in throttling around django-axes, and the password reset's own rate limit.

Axes counts failed sign-ins per account and per address (settings: AXES_*); this module says
which address a request comes from, reads and clears lockouts for the school administrator's
page, and limits how often a reset link may be asked for."""

import hashlib
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import PasswordResetRequest, School, User
from audit import log as audit
from audit.models import AuditAction

RESET_WINDOW = timedelta(hours=1)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind SENDPATH_PROXY_COUNT trusted proxies the
    entry they appended to X-Forwarded-For (a client can forge the entries to the left)."""
    proxies = settings.SENDPATH_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


def failures_for(username: str) -> int:
    """Failed sign-ins counted against this account now (axes' records within the cool-off)."""
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def is_locked(username: str) -> bool:
    return failures_for(username) >= settings.AXES_FAILURE_LIMIT


def sign_in_unlock(
    *, user: User, school: School, by: User, request: HttpRequest | None = None
) -> int:
    """Forget the failed sign-ins for this account (from every address it was tried from, which
    also lifts those addresses' lockouts as far as this account's failures made them). Audited
    against the account, at the school whose administrator did it."""
    removed = reset(username=user.get_username())
    audit.log(
        AuditAction.UPDATE,
        by,
        user,
        {"sign_in": "unlocked", "attempts": removed},
        request=request,
        school_id=school.pk,
    )
    return removed


def email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def reset_request_allowed(request: HttpRequest, email: str) -> bool:
    """Record a password reset request and say whether it is within the hourly limits, per
    address and per email address. Known and unknown addresses are counted alike."""
    now = timezone.now()
    PasswordResetRequest.objects.filter(requested_at__lt=now - RESET_WINDOW).delete()
    address, digest = client_ip(request), email_hash(email)
    recent = PasswordResetRequest.objects.filter(requested_at__gte=now - RESET_WINDOW)
    over = (
        recent.filter(address=address).count() >= settings.SENDPATH_RESET_LIMIT_PER_ADDRESS
        or recent.filter(email_hash=digest).count() >= settings.SENDPATH_RESET_LIMIT_PER_EMAIL
    )
    if not over:
        PasswordResetRequest.objects.create(address=address, email_hash=digest, requested_at=now)
    return not over


class SignInThrottleBackend(AxesStandaloneBackend):
    """axes' backend for web sign-ins. A call to authenticate() without a request (a command,
    the seed generator) is not a sign-in from anywhere: nothing to count, so it is let through
    to the password check instead of raising."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, *args: Any, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
