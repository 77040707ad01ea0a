"""Two-factor authentication for staff (django-otp: a TOTP app, and one-time recovery codes).

After the password, the sign-in gate (accounts/middleware.py) lets a session through only when
this module's state for it is "ok": a user with a device enters a code; a user whose roles need
2FA (SENDPATH_REQUIRE_2FA) and who has none enrols first. The state is worked out once, when
the user signs in, and kept in the session, so pages pay no query for it."""

from base64 import b32encode
from typing import Any, Literal

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, School, User
from audit import log as audit
from audit.models import AuditAction

# The roles that reach many pupils' records (issue 12).
REQUIRED_ROLES = frozenset(
    {
        Role.SENCO,
        Role.SENIOR_LEADER,
        Role.ADMIN,
        Role.DATA_PROTECTION_OFFICER,
        Role.LA_OFFICER,
        Role.TRUST_OFFICER,
    }
)
RECOVERY_CODES = 10
SESSION_KEY = "sendpath_2fa"
GateState = Literal["ok", "code", "enrol"]


def is_required(user: User) -> bool:
    """Whether this user must have a second factor: on when SENDPATH_REQUIRE_2FA is, for
    superusers and anyone holding a role that reaches many pupils."""
    if not settings.SENDPATH_REQUIRE_2FA:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=sorted(REQUIRED_ROLES)).exists()


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def gate_state(user: User) -> GateState:
    if has_device(user):
        return "code"
    return "enrol" if is_required(user) else "ok"


def session_state(request: HttpRequest) -> GateState:
    """The gate's state for a signed-in session; a session from before the gate is worked out
    once and kept."""
    state = request.session.get(SESSION_KEY)
    if state not in ("ok", "code", "enrol"):
        state = gate_state(request.user)  # type: ignore[arg-type]
        request.session[SESSION_KEY] = state
    return state  # type: ignore[return-value]


def passed(request: HttpRequest) -> bool:
    return request.user.is_authenticated and session_state(request) == "ok"


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in: every sign-in starts at the gate."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = gate_state(user)


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (made on the first visit, kept until used so
    the QR code does not change on a reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code in a data: URI (segno: no Pillow, no script)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


@transaction.atomic(durable=True)
def two_factor_enrol(*, device: TOTPDevice, code: str, request: HttpRequest) -> list[str] | None:
    """Confirm the app with a code it shows; on success make fresh recovery codes (returned
    once, to be shown once) and let this session through. None if the code is wrong."""
    if not device.verify_token(code.replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user = device.user
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for token in codes:
        recovery.token_set.create(token=token)
    django_otp.login(request, device)
    request.session[SESSION_KEY] = "ok"
    audit.log(AuditAction.CREATE, user, device, {"two_factor": "enrolled"}, request=request)
    return codes


def two_factor_verify(*, user: User, code: str, request: HttpRequest) -> bool:
    """A code from the app or one recovery code (used up by this). Each device throttles its
    own failures (django-otp: doubling delays)."""
    code = code.replace(" ", "").replace("-", "")
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update(),
            *StaticDevice.objects.filter(user=user, confirmed=True).select_for_update(),
        ]
        device = next((d for d in devices if d.verify_token(code)), None)
    if device is None:
        return False
    django_otp.login(request, device)
    request.session[SESSION_KEY] = "ok"
    if isinstance(device, StaticDevice):
        audit.log(
            AuditAction.UPDATE, user, device, {"two_factor": "recovery code used"}, request=request
        )
    return True


@transaction.atomic(durable=True)
def two_factor_reset(
    *, user: User, school: School, by: User, request: HttpRequest | None = None
) -> int:
    """Remove a colleague's second factor (a lost phone): they enrol again at their next
    sign-in. Audited against the colleague."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    audit.log(
        AuditAction.DELETE,
        by,
        user,
        {"two_factor": "reset", "devices": removed},
        request=request,
        school_id=school.pk,
    )
    return removed
