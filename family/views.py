"""The staff's side of the family area: a pupil's communication log (entries, replies to the
family's messages), the pupil's key person, and the signposting for families of the school and
of the LA (the LA's officers' page, under /overview/)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_POST

import access
from access import Action
from accounts.models import LocalAuthority, Membership, User
from audit import log as audit
from audit.models import AuditAction
from family import selectors, services
from family.forms import (
    KeyPersonForm,
    LASignpostingForm,
    LogEntryForm,
    ReplyForm,
    SignpostingForm,
)
from family.models import KeyPerson, LogKind, Signposting
from pupils.models import Pupil
from ui.forms import add_service_errors

View = Callable[..., HttpResponse]


def in_parent_language(view: View) -> View:
    """Render the page in the parent's language, and say so in Content-Language."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = selectors.parent_language(request.user)  # type: ignore[arg-type]
        with translation.override(language):
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response.headers.setdefault("Content-Language", language)
        return response

    return wrapper


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _pupil(request: HttpRequest, pk: int, action: Action = Action.READ) -> Pupil:
    reached = access.visible_pupils(_user(request)).select_related("school")
    return access.get_for_user(request, reached, pk, action)


@login_required
@require_http_methods(["GET", "POST"])
def pupil_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Every entry of the pupil's communication log (staff-only ones too), a new entry, and a
    reply box under each message from the family."""
    pupil = _pupil(request, pk, Action.READ_NAMED)
    user = _user(request)
    form = LogEntryForm(request.POST or None)
    if request.method == "POST":
        _pupil(request, pk, Action.KEEP_LOG)
        if form.is_valid():
            try:
                services.log_entry_add(pupil=pupil, by=user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The entry is in the log.")
                return redirect("pupil_log", pk=pupil.pk)
    entries = access.visible_log_entries(user, reach="staff").filter(pupil=pupil)
    audit.log(AuditAction.VIEW, user, pupil, {"page": "pupil_log"}, request=request)
    return render(
        request,
        "family/staff_log.html",
        {
            "pupil": pupil,
            "form": form,
            "entries": list(entries.select_related("in_reply_to")),
            "can_write": access.may(user, Action.KEEP_LOG, pupil),
            "key_person": selectors.key_person(pupil),
            "can_set_key_person": access.may(user, Action.MANAGE_SIGNPOSTING, pupil),
        },
    )


@login_required
@require_POST
def pupil_log_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """A reply in the log to a family's message: the parents are emailed that it is there."""
    pupil = _pupil(request, pk, Action.KEEP_LOG)
    user = _user(request)
    form = ReplyForm(request.POST)
    if form.is_valid():
        messages_ = access.visible_log_entries(user, reach="staff").filter(
            pupil=pupil, kind=LogKind.MESSAGE
        )
        message = access.get_for_user(request, messages_, form.cleaned_data["message"])
        try:
            services.log_reply(
                message=message,
                text=form.cleaned_data["text"],
                by=user,
                base_url=request.build_absolute_uri("/")[:-1],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your reply is in the log and the family has been told.")
    else:
        messages.error(request, "Write a reply first.")
    return redirect("pupil_log", pk=pupil.pk)


@login_required
@require_http_methods(["GET", "POST"])
def key_person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Name the family's key person for a pupil (else it is the SENCo)."""
    pupil = _pupil(request, pk, Action.MANAGE_SIGNPOSTING)
    staff = User.objects.filter(
        pk__in=Membership.objects.filter(
            school=pupil.school, role__in=access.NAMED_RECORD_ROLES
        ).values("user_id")
    ).order_by("last_name", "first_name")
    instance = KeyPerson.objects.filter(pupil=pupil).first() or KeyPerson(pupil=pupil)
    form = KeyPersonForm(request.POST or None, instance=instance, staff=staff)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit.log(
            AuditAction.UPDATE,
            _user(request),
            saved,
            {"key_person": saved.user_id},
            request=request,
        )
        messages.success(request, "The key person is saved.")
        return redirect("pupil_log", pk=pupil.pk)
    return render(
        request,
        "support/form_page.html",
        {
            "form": form,
            "title": "The family's key person",
            "pupil": pupil,
            "submit": "Save the key person",
            "back": f"/staff/pupils/{pupil.pk}/log/",
            "intro": "The family area leads with this person: their name, email and phone. "
            "Without one, it is the SENCo.",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_signposting(request: HttpRequest) -> HttpResponse:
    """The school's signposting for families (over its LA's): shown in the family area and at
    the foot of every parent PDF."""
    school = access.current_school_for(request, Action.MANAGE_SIGNPOSTING)
    instance = Signposting.objects.filter(school=school).first() or Signposting(school=school)
    form = SignpostingForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid() and _saved(request, form, school=school):
        messages.success(request, "The signposting is saved.")
        return redirect("school_signposting")
    return render(
        request,
        "family/signposting_edit.html",
        {"form": form, "school": school, "merged": selectors.signposting(school)},
    )


def _saved(request: HttpRequest, form: forms.ModelForm, **owner: Any) -> bool:
    """Save a valid signposting form through the service; its refusals go on the form."""
    data = {name: form.cleaned_data[name] for name in form.fields}
    try:
        services.signposting_save(data=data, by=_user(request), request=request, **owner)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def la_signposting(request: HttpRequest) -> HttpResponse:
    """The LA's signposting for families (the Local Offer, SENDIASS, raising a concern and
    complaining): every school's family area and parent PDFs show it where the school has not
    written its own. For the LA's officers; `?la=` chooses among an officer's LAs."""
    la = access.current_la_for(request, Action.MANAGE_LA_SIGNPOSTING, request.GET.get("la"))
    instance = Signposting.objects.filter(la=la).first() or Signposting(la=la)
    form = LASignpostingForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid() and _saved(request, form, la=la):
        messages.success(request, "The local authority's signposting is saved.")
        return redirect(f"{reverse('la_signposting')}?la={la.pk}")
    schools = la.schools.order_by("name")
    overriding = set(
        Signposting.objects.filter(school__in=schools).values_list("school_id", flat=True)
    )
    return render(
        request,
        "family/la_signposting_edit.html",
        {
            "form": form,
            "la": la,
            "others": LocalAuthority.objects.filter(
                pk__in=access.officer_las(_user(request))
            ).exclude(pk=la.pk),
            "schools": [(s, s.pk in overriding) for s in schools],
        },
    )
