from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

import access
from access import Action
from accounts import schooldates, throttle, two_factor
from accounts.forms import (
    ApiTokenForm,
    ClosureDayForm,
    PersonalSettingsForm,
    ResetRequestForm,
    TermDatesForm,
    TwoFactorCodeForm,
)
from accounts.models import ApiToken, ClosureDay, School, Term, User
from accounts.services import closure_day_add, closure_day_remove, term_dates_save
from audit import log as audit
from audit.models import AuditAction
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def personal_settings(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own settings: how far ahead the daily reminder looks."""
    user = _user(request)
    form = PersonalSettingsForm(request.POST or None, initial={"reminder_days": user.reminder_days})
    if request.method == "POST" and form.is_valid():
        was, user.reminder_days = user.reminder_days, form.cleaned_data["reminder_days"]
        user.save(update_fields=["reminder_days"])
        audit.log(
            AuditAction.UPDATE, user, user, {"reminder_days": [was, user.reminder_days]},
            request=request,
        )  # fmt: skip
        messages.success(request, "Your settings have been saved.")
        return redirect("personal_settings")
    return render(request, "accounts/settings.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: each reaches exactly what its owner reaches. The key shows once."""
    user = _user(request)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        lifetime = timedelta(days=form.cleaned_data["lifetime"])
        token, new_key = ApiToken.issue(
            user=user, name=form.cleaned_data["name"], expires_at=timezone.now() + lifetime
        )
        audit.log(
            AuditAction.CREATE,
            user,
            token,
            {"name": token.name, "expires_at": token.expires_at.isoformat()},
            request=request,
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user)
    return render(
        request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key}
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    token = get_object_or_404(ApiToken, pk=pk, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.log(AuditAction.UPDATE, user, token, {"revoked": True}, request=request)
        messages.success(request, f"The token ‘{token.name}’ has been revoked.")
    return redirect("api_tokens")


@login_required
@require_http_methods(["GET", "POST"])
def school_terms(request: HttpRequest, start_year: int | None = None) -> HttpResponse:
    """The current school's term dates for a school year, editable by the SENCo or administrator."""
    user = _user(request)
    school = access.current_school_for(request, Action.EDIT_PUPIL)
    year = start_year or schooldates.school_year_start(timezone.localdate())
    saved = Term.objects.filter(school_year__school=school, school_year__start_year=year).exists()
    form = TermDatesForm(request.POST or None, initial=_term_initial(school, year))
    if request.method == "POST" and form.is_valid():
        try:
            term_dates_save(
                school=school, start_year=year, terms=form.terms(), by=user, request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Term dates for {schooldates.school_year_label(year)} saved."
            )
            return redirect("school_terms_year", start_year=year)
    return _terms_page(request, school, year, form, ClosureDayForm(), saved=saved)


def _terms_page(
    request: HttpRequest,
    school: School,
    year: int,
    form: TermDatesForm,
    closure_form: ClosureDayForm,
    *,
    saved: bool,
) -> HttpResponse:
    first, last = schooldates.school_year_bounds(year)
    return render(
        request,
        "accounts/school_terms.html",
        {
            "form": form,
            "closure_form": closure_form,
            "closures": ClosureDay.objects.filter(school=school, date__range=(first, last)),
            "school": school,
            "label": schooldates.school_year_label(year),
            "year": year,
            "saved": saved,
        },
    )


@login_required
@require_POST
def school_closure_add(request: HttpRequest, start_year: int) -> HttpResponse:
    """Mark a training day, bank holiday or other closure in the school year's terms."""
    school = access.current_school_for(request, Action.EDIT_PUPIL)
    closure_form = ClosureDayForm(request.POST)
    if closure_form.is_valid():
        data = closure_form.cleaned_data
        try:
            closure_day_add(
                school=school,
                on=data["date"],
                kind=data["kind"],
                note=data["note"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(closure_form, exc)
        else:
            messages.success(request, "Closure day added.")
            return redirect("school_terms_year", start_year=start_year)
    saved = Term.objects.filter(school_year__school=school, school_year__start_year=start_year)
    form = TermDatesForm(initial=_term_initial(school, start_year))
    return _terms_page(request, school, start_year, form, closure_form, saved=saved.exists())


def _term_initial(school: School, year: int) -> dict[str, Any]:
    saved = {
        t.name: t
        for t in Term.objects.filter(school_year__school=school, school_year__start_year=year)
    }
    initial: dict[str, Any] = {}
    for t in schooldates.default_terms(year):
        term = saved.get(t.name)
        initial[f"{t.name}_start"] = term.start_date if term else t.start
        initial[f"{t.name}_end"] = term.end_date if term else t.end
        initial[f"{t.name}_half_term_start"] = term.half_term_start if term else t.half_term_start
        initial[f"{t.name}_half_term_end"] = term.half_term_end if term else t.half_term_end
    return initial


@login_required
@require_POST
def school_closure_remove(request: HttpRequest, start_year: int, pk: int) -> HttpResponse:
    """The school is open on a day marked closed after all."""
    school = access.current_school_for(request, Action.EDIT_PUPIL)
    closure = get_object_or_404(ClosureDay, pk=pk, school=school)
    closure_day_remove(closure=closure, by=_user(request), request=request)
    messages.success(request, "Closure day removed.")
    return redirect("school_terms_year", start_year=start_year)


# --- Sign-in: the password reset, the second step, and the administrator's sign-in page ------


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. Known and unknown addresses get the same answer after the same
    work (the mail goes from a task); too many requests from one address or for one email
    address in an hour get a 429 page, counted alike whether the address is known or not."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.reset_request_allowed(request, form.cleaned_data["email"]):
            return render(request, "registration/password_reset_throttled.html", status=429)
        form.save(domain=request.get_host(), use_https=request.is_secure())
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or one recovery code."""
    if two_factor.session_state(request) != "code":
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(
        request.POST or None,
        label="Code from your authenticator app",
        hint="Six digits. Lost your phone? Enter one of your recovery codes instead.",
    )
    if request.method == "POST" and form.is_valid():
        if two_factor.two_factor_verify(
            user=_user(request), code=form.cleaned_data["code"], request=request
        ):
            return redirect(_next_url(request))
        form.add_error(
            "code",
            "That code is not right, or it has been used. Wait a few seconds and try the newest one.",
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code, and
    see the recovery codes once."""
    user = _user(request)
    if two_factor.has_device(user):
        # Set up already; a second app replaces the first only after an administrator's reset.
        return redirect(_next_url(request))
    device = two_factor.pending_device(user)
    form = TwoFactorCodeForm(
        request.POST or None,
        label="Code from the app",
        hint="After adding sendpath, the app shows a six-digit code. Enter it here.",
    )
    if request.method == "POST" and form.is_valid():
        codes = two_factor.two_factor_enrol(
            device=device, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            return render(
                request,
                "accounts/two_factor_recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "code",
            "That code is not right. Wait a few seconds, check the app’s clock and try the newest code.",
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_data_uri(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.is_required(user),
            "next": _next_url(request),
        },
    )


def _admin_school(request: HttpRequest) -> School:
    return access.current_school_for(request, Action.MANAGE_SIGN_IN)


@login_required
def school_sign_in(request: HttpRequest) -> HttpResponse:
    """The school administrator's page: who is locked out, who has 2FA; unlock or reset."""
    school = _admin_school(request)
    members = (
        User.objects.filter(memberships__school=school).distinct().order_by("last_name", "username")
    )
    with_device = set(
        TOTPDevice.objects.filter(user__in=members, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    rows = [
        {
            "user": m,
            "locked": throttle.is_locked(m.get_username()),
            "two_factor": m.pk in with_device,
        }
        for m in members
    ]
    return render(request, "accounts/school_sign_in.html", {"school": school, "rows": rows})


def _school_member(school: School, pk: int) -> User:
    return get_object_or_404(User.objects.filter(memberships__school=school).distinct(), pk=pk)


@login_required
@require_POST
def school_sign_in_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    school = _admin_school(request)
    member = _school_member(school, pk)
    throttle.sign_in_unlock(user=member, school=school, by=_user(request), request=request)
    messages.success(request, f"{member} can sign in again.")
    return redirect("school_sign_in")


@login_required
@require_POST
def school_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    school = _admin_school(request)
    member = _school_member(school, pk)
    two_factor.two_factor_reset(user=member, school=school, by=_user(request), request=request)
    messages.success(
        request, f"{member}’s second factor has been removed: they set up a new one next time."
    )
    return redirect("school_sign_in")
