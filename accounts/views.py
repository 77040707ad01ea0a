from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

import access
from access import Action
from accounts import schooldates
from accounts.forms import ApiTokenForm, TermDatesForm
from accounts.models import ApiToken, Term, User
from accounts.services import term_dates_save
from audit import log as audit
from audit.models import AuditAction
from ui.forms import add_service_errors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: each reaches exactly what its owner reaches. The key shows once."""
    user = _user(request)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        token, new_key = ApiToken.issue(user=user, name=form.cleaned_data["name"])
        audit.log(AuditAction.CREATE, user, token, {"name": token.name}, request=request)
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
    saved = {
        t.name: t
        for t in Term.objects.filter(school_year__school=school, school_year__start_year=year)
    }
    initial = {}
    for t in schooldates.default_terms(year):
        term = saved.get(t.name)
        initial[f"{t.name}_start"] = term.start_date if term else t.start
        initial[f"{t.name}_end"] = term.end_date if term else t.end
    form = TermDatesForm(request.POST or None, initial=initial)
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
    return render(
        request,
        "accounts/school_terms.html",
        {
            "form": form,
            "school": school,
            "label": schooldates.school_year_label(year),
            "year": year,
            "saved": bool(saved),
        },
    )
