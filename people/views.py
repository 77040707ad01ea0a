"""The school's administration pages (the SENCo and the administrator): staff and their roles,
family contacts and parent invitations, classes and TA assignments, the new school year; the
invitation pages people open from a link or a code; and the installation's page (superusers)."""

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

import access
from access import Action
from accounts import schooldates, two_factor
from accounts.models import LocalAuthority, Membership, Role, School, Trust, User
from audit.reads import log_pupils
from family import languages
from people import classes, rollover, services
from people.forms import (
    AccountForm,
    AddPupilForm,
    AddTeacherForm,
    AssignmentForm,
    CodeForm,
    ContactEditForm,
    ContactForm,
    FamilyLinkForm,
    GroupForm,
    InviteStaffForm,
    LocalAuthorityForm,
    MappingForm,
    ParentAccountForm,
    RoleForm,
    SchoolForm,
    TrustForm,
    UploadForm,
)
from people.models import Invitation, InvitationKind
from people.tables import TableError, guess_mapping, read_table
from pupils.models import Contact, FamilyLink, Pupil, PupilAssignment, TeachingGroup
from ui.forms import add_service_errors

UPLOADS_KEY = "people_class_uploads"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _on_roll(school: School) -> Any:
    return Pupil.objects.filter(school=school, leaving_date__isnull=True).order_by(
        "legal_surname", "legal_forename"
    )


# ---- staff -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def school_staff(request: HttpRequest) -> HttpResponse:
    """The school's staff with their roles, invitations waiting, and the invitation form."""
    school = access.current_school_for(request, Action.MANAGE_STAFF)
    form = InviteStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_invite(
                school=school,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=_user(request),
                base_url=_base_url(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("school_staff")
    return render(
        request,
        "people/staff.html",
        {
            "school": school,
            "form": form,
            "members": classes.memberships_of(school),
            "invitations": Invitation.objects.filter(
                school=school,
                kind=InvitationKind.STAFF,
                accepted_at__isnull=True,
                cancelled_at__isnull=True,
            ),
            "me": request.user.pk,
        },
    )


def _membership(request: HttpRequest, pk: int) -> tuple[School, Membership]:
    school = access.current_school_for(request, Action.MANAGE_STAFF)
    membership = get_object_or_404(
        Membership.objects.select_related("user").exclude(role=Role.PARENT), pk=pk, school=school
    )
    return school, membership


@login_required
@require_http_methods(["GET", "POST"])
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    school, membership = _membership(request, pk)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_role_change(
                membership=membership,
                role=form.cleaned_data["role"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
            return redirect("school_staff")
    return render(
        request,
        "people/membership_role.html",
        {"school": school, "membership": membership, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    school, membership = _membership(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.membership_end(membership=membership, by=_user(request), request=request)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                f"{membership.user} is no longer {membership.get_role_display()} at {school.name}.",
            )
            return redirect("school_staff")
    return render(
        request,
        "people/membership_end.html",
        {"school": school, "membership": membership, "error": error},
    )


@login_required
@require_POST
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_STAFF)
    invitation = get_object_or_404(Invitation, pk=pk, school=school, kind=InvitationKind.STAFF)
    services.invitation_cancel(invitation=invitation, by=_user(request), request=request)
    messages.success(request, "Invitation cancelled: its link no longer works.")
    return redirect("school_staff")


# ---- accepting an invitation (people who are not yet members) ----------------------------------


def _accept_page(
    request: HttpRequest,
    invitation: Invitation | None,
    template: str,
    form_class: type[AccountForm],
    **extra: Any,
) -> HttpResponse:
    """Shared by staff and parent acceptance: a signed-in user accepts with a button; someone
    new makes an account; someone whose address has an account is asked to sign in."""
    if invitation is None:
        return render(request, "people/invitation_invalid.html", status=410)
    user = request.user if request.user.is_authenticated else None
    form = (
        form_class(request.POST or None, initial={"email": invitation.email})
        if user is None
        else None
    )
    known = services.existing_account(invitation.email) if user is None else None
    if request.method == "POST" and (user is not None or (form is not None and form.is_valid())):
        account = None
        email = ""
        if form is not None:
            data = form.cleaned_data
            account = services.NewAccount(data["first_name"], data["last_name"], data["password1"])
            email = data.get("email", "")
        try:
            accepted = services.invitation_accept(
                invitation=invitation,
                by=user,
                account=account,
                email=email,
                request=request,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            if form is None:
                return render(
                    request,
                    "people/invitation_invalid.html",
                    {"message": " ".join(exc.messages)},
                    status=409,
                )
            add_service_errors(form, exc)
        else:
            if user is None:
                login(request, accepted, backend="django.contrib.auth.backends.ModelBackend")
            elif two_factor.is_required(accepted) and not two_factor.has_device(accepted):
                # A new role that needs a second step: set it up before any page.
                request.session[two_factor.SESSION_KEY] = "enrol"
            messages.success(
                request,
                _("Welcome to %(school)s on sendpath.") % {"school": invitation.school.name},
            )
            return redirect("family_home" if invitation.role == Role.PARENT else "school_home")
    return render(
        request,
        template,
        {
            "invitation": invitation,
            "school": invitation.school,
            "form": form,
            "known": known,
            **extra,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """A member of staff's invitation link: set a password (then 2FA where the role needs it)."""
    invitation = services.invitation_for_link(token)
    if invitation is not None and invitation.kind != InvitationKind.STAFF:
        invitation = None
    return _accept_page(request, invitation, "people/accept_staff.html", AccountForm)


JOIN_LANGUAGE_KEY = "people_family_language"


def _join_language(request: HttpRequest, invitation: Invitation | None) -> str:
    """The join pages' language: the one chosen on them (?lang=, kept for the visit), else the
    preferred language on the invitation's family link, else English."""
    chosen = request.GET.get("lang", "")
    if chosen in languages.SHIPPED:
        request.session[JOIN_LANGUAGE_KEY] = chosen
    own = request.session.get(JOIN_LANGUAGE_KEY)
    contact = invitation.contact if invitation is not None else None
    return languages.choose(own, [contact.preferred_language] if contact is not None else [])


def _in_language(
    request: HttpRequest, language: str, page: Callable[[], HttpResponse]
) -> HttpResponse:
    with translation.override(language):
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = page()
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
    response.headers.setdefault("Content-Language", language)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def family_join(request: HttpRequest, token: str = "") -> HttpResponse:
    """A parent's invitation: from the email link (/family/join/<token>/) or with the code the
    school gave them on paper (/family/join/, then the same page). Their account is linked to
    their own children only. In the parent's language (`_join_language`)."""
    if token:
        invitation = services.invitation_for_link(token)
        if invitation is not None and invitation.kind != InvitationKind.PARENT_EMAIL:
            invitation = None
        return _in_language(
            request,
            _join_language(request, invitation),
            lambda: _accept_page(request, invitation, "people/family_join.html", ParentAccountForm),
        )
    code_key = "people_family_code"
    code = request.session.get(code_key, "")
    invitation = services.invitation_for_code(code) if code else None
    language = _join_language(request, invitation)
    if request.method == "POST" and "code" in request.POST:
        with translation.override(language):
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                found = services.invitation_for_code(code_form.cleaned_data["code"])
                if found is not None:
                    request.session[code_key] = services.normalise_code(
                        code_form.cleaned_data["code"]
                    )
                    return redirect("family_join")
                code_form.add_error(
                    "code", _("That code is not right, or it has been used or has expired.")
                )
        return _in_language(
            request,
            language,
            lambda: render(request, "people/family_code.html", {"form": code_form}),
        )
    if invitation is None:
        return _in_language(
            request,
            language,
            lambda: render(request, "people/family_code.html", {"form": CodeForm()}),
        )
    response = _in_language(
        request,
        language,
        lambda: _accept_page(
            request, invitation, "people/family_join.html", ParentAccountForm, by_code=True
        ),
    )
    if response.status_code == 302:
        request.session.pop(code_key, None)
    return response


# ---- families ----------------------------------------------------------------------------------


@login_required
def school_families(request: HttpRequest) -> HttpResponse:
    """Family contacts of the pupils on roll, with whether each can sign in, and invitations."""
    school = access.current_school_for(request, Action.MANAGE_FAMILIES)
    q = request.GET.get("q", "").strip()[:100]
    found = Contact.objects.filter(school=school)
    if q:
        found = found.filter(
            Q(surname__icontains=q)
            | Q(forename__icontains=q)
            | Q(email__icontains=q)
            | Q(family_links__pupil__legal_surname__icontains=q)
            | Q(family_links__pupil__upn=q.upper())
        ).distinct()
    page = Paginator(found.order_by("surname", "forename", "pk"), 100).get_page(
        request.GET.get("page")
    )
    contacts = list(
        Contact.objects.filter(pk__in=[c.pk for c in page])
        .prefetch_related(
            Prefetch("family_links", queryset=FamilyLink.objects.select_related("pupil")),
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(
                    accepted_at__isnull=True, cancelled_at__isnull=True
                ),
            ),
        )
        .order_by("surname", "forename", "pk")
    )
    log_pupils(
        request,
        _user(request),
        [fl.pupil_id for c in contacts for fl in c.family_links.all()],
        what="pupils.Contact",
    )
    return render(
        request,
        "people/families.html",
        {"school": school, "contacts": contacts, "page": page, "q": q},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A family contact: correct their details, or link them to a brother or sister."""
    school = access.current_school_for(request, Action.MANAGE_FAMILIES)
    contact = get_object_or_404(Contact, pk=pk, school=school)
    links = contact.family_links.select_related("pupil")
    candidates = _on_roll(school).exclude(pk__in=links.values("pupil_id"))
    which = request.POST.get("form", "") if request.method == "POST" else ""
    edit = ContactEditForm(
        request.POST if which == "edit" else None,
        initial={f: getattr(contact, f) for f in services.CONTACT_FIELDS},
    )
    link_form = FamilyLinkForm(request.POST if which == "link" else None, pupils=candidates)
    try:
        if which == "edit" and edit.is_valid():
            services.contact_update(
                contact=contact, data=edit.cleaned_data, by=_user(request), request=request
            )
            messages.success(request, "Contact details saved.")
            return redirect("contact_detail", pk=contact.pk)
        if which == "link" and link_form.is_valid():
            data = link_form.cleaned_data
            services.family_link_add(
                contact=contact,
                pupil=data["pupil"],
                relationship=data["relationship"],
                parental_responsibility=data["parental_responsibility"],
                by=_user(request),
                request=request,
            )
            messages.success(
                request, f"{contact} is now also a contact of {data['pupil'].full_name}."
            )
            return redirect("contact_detail", pk=contact.pk)
    except ValidationError as exc:
        add_service_errors(edit if which == "edit" else link_form, exc)
    log_pupils(
        request,
        _user(request),
        [*(fl.pupil_id for fl in links), *candidates.values_list("pk", flat=True)],
        what="pupils.Contact",
    )
    return render(
        request,
        "people/contact.html",
        {
            "school": school,
            "contact": contact,
            "links": links,
            "edit": edit,
            "link_form": link_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_FAMILIES)
    pupils = _on_roll(school)
    form = ContactForm(request.POST or None, pupils=pupils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_add(pupil=data["pupil"], data=data, by=_user(request), request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{data['forename']} {data['surname']} added.")
            return redirect("school_families")
    log_pupils(request, _user(request), pupils.values_list("pk", flat=True), what="pupils.Pupil")
    return render(request, "people/contact_add.html", {"school": school, "form": form})


@login_required
@require_POST
def parent_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a contact by email, or make a code to give them on paper (shown once)."""
    school = access.current_school_for(request, Action.MANAGE_FAMILIES)
    contact = get_object_or_404(Contact, pk=pk, school=school)
    try:
        sent = services.parent_invite(
            contact=contact,
            method=request.POST.get("method", ""),
            by=_user(request),
            base_url=_base_url(request),
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("school_families")
    if sent.code:
        return render(
            request,
            "people/parent_code.html",
            {
                "school": school,
                "contact": contact,
                "code": sent.code,
                "invitation": sent.invitation,
                "join_url": _base_url(request) + reverse("family_join"),
            },
        )
    messages.success(request, f"Invitation sent to {contact.email}.")
    return redirect("school_families")


# ---- classes and TA assignments ----------------------------------------------------------------


def _years(today: Any = None) -> list[tuple[int, str]]:
    this = schooldates.school_year_start(today or timezone.localdate())
    return [(y, schooldates.school_year_label(y)) for y in (this, this + 1)]


@login_required
@require_http_methods(["GET", "POST"])
def school_classes(request: HttpRequest, start_year: int | None = None) -> HttpResponse:
    """This year's classes and teaching groups, with their teachers and the number of pupils."""
    school = access.current_school_for(request, Action.MANAGE_CLASSES)
    year = start_year or schooldates.school_year_start(timezone.localdate())
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = classes.group_create(
                school=school,
                start_year=year,
                by=_user(request),
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{group.name} added.")
            return redirect("group_detail", pk=group.pk)
    groups = (
        TeachingGroup.objects.filter(school=school, school_year__start_year=year)
        .annotate(pupil_count=Count("pupils", distinct=True))
        .prefetch_related("teachers")
    )
    return render(
        request,
        "people/classes.html",
        {
            "school": school,
            "groups": groups,
            "form": form,
            "year": year,
            "label": schooldates.school_year_label(year),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_CLASSES)
    group = get_object_or_404(
        TeachingGroup.objects.select_related("school_year"), pk=pk, school=school
    )
    members = group.pupils.order_by("legal_surname", "legal_forename")
    candidates = _on_roll(school).exclude(pk__in=members.values("pk"))
    teachers = User.objects.filter(pk__in=[t.pk for t in classes.teachers_of(school)]).exclude(
        pk__in=group.teachers.values("pk")
    )
    pupil_form = AddPupilForm(pupils=candidates)
    teacher_form = AddTeacherForm(teachers=teachers)
    if request.method == "POST":
        op = request.POST.get("op", "")
        pupil = teacher = None
        ok = True
        if op == "add_pupil":
            pupil_form = AddPupilForm(request.POST, pupils=candidates)
            ok = pupil_form.is_valid()
            pupil = pupil_form.cleaned_data.get("pupil") if ok else None
        elif op == "add_teacher":
            teacher_form = AddTeacherForm(request.POST, teachers=teachers)
            ok = teacher_form.is_valid()
            teacher = teacher_form.cleaned_data.get("teacher") if ok else None
        elif op == "remove_pupil":
            pupil = members.filter(pk=request.POST.get("id") or 0).first()
        elif op == "remove_teacher":
            teacher = group.teachers.filter(pk=request.POST.get("id") or 0).first()
        if ok:
            try:
                classes.group_change(
                    group=group,
                    op=op,
                    pupil=pupil,
                    teacher=teacher,
                    by=_user(request),
                    request=request,
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"{group.name} updated.")
            return redirect("group_detail", pk=group.pk)
    log_pupils(
        request,
        _user(request),
        [*members.values_list("pk", flat=True), *candidates.values_list("pk", flat=True)],
        what="pupils.TeachingGroup",
    )
    return render(
        request,
        "people/group.html",
        {
            "school": school,
            "group": group,
            "members": members,
            "group_teachers": group.teachers.order_by("last_name"),
            "pupil_form": pupil_form,
            "teacher_form": teacher_form,
        },
    )


def _uploads_folder() -> Path:
    folder = Path(settings.SENDPATH_UPLOADS_DIR) / "classes"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def classes_upload(request: HttpRequest) -> HttpResponse:
    """Step 1 of an upload: the file and the school year it is for."""
    school = access.current_school_for(request, Action.MANAGE_CLASSES)
    form = UploadForm(request.POST or None, request.FILES or None, years=_years())
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.SENDPATH_MAX_UPLOAD_BYTES:
            form.add_error("file", "The file is too big.")
        else:
            content = upload.read()
            try:
                read_table(upload.name, content)
            except TableError as exc:
                form.add_error("file", str(exc))
            else:
                token = secrets.token_urlsafe(18)
                suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
                (_uploads_folder() / f"{token}{suffix}").write_bytes(content)
                pending = request.session.get(UPLOADS_KEY, {})
                pending[token] = {
                    "school": school.pk,
                    "user": request.user.pk,
                    "suffix": suffix,
                    "year": form.cleaned_data["start_year"],
                }
                request.session[UPLOADS_KEY] = pending
                return redirect("classes_upload_map", token=token)
    return render(request, "people/classes_upload.html", {"school": school, "form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def classes_upload_map(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: which column is which, then a preview (errors by row and column), then confirm."""
    school = access.current_school_for(request, Action.MANAGE_CLASSES)
    entry = request.session.get(UPLOADS_KEY, {}).get(token)
    path = _uploads_folder() / f"{token}{(entry or {}).get('suffix', '.csv')}"
    if (
        not entry
        or entry.get("school") != school.pk
        or entry.get("user") != request.user.pk
        or not path.is_file()
    ):
        messages.error(request, "That upload has expired or is not yours: upload the file again.")
        return redirect("classes_upload")
    table = read_table(path.name, path.read_bytes())
    year = int(entry["year"])
    guessed = guess_mapping(table.headers, classes.SYNONYMS)
    initial = {k: ("" if v is None else str(v)) for k, v in guessed.items()}
    form = MappingForm(request.POST or None, headers=table.headers, initial=initial)
    plan = None
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        if request.POST.get("confirm") == "1":
            try:
                done = classes.groups_import(
                    school=school,
                    start_year=year,
                    table=table,
                    mapping=mapping,
                    by=_user(request),
                    request=request,
                )
            except ValidationError:
                plan = classes.groups_plan(
                    school=school, start_year=year, table=table, mapping=mapping
                )
            else:
                path.unlink(missing_ok=True)
                pending = request.session.get(UPLOADS_KEY, {})
                pending.pop(token, None)
                request.session[UPLOADS_KEY] = pending
                messages.success(request, f"Imported: {done.summary}.")
                return redirect("school_classes_year", start_year=year)
        else:
            plan = classes.groups_plan(school=school, start_year=year, table=table, mapping=mapping)
    return render(
        request,
        "people/classes_map.html",
        {
            "school": school,
            "form": form,
            "plan": plan,
            "table": table,
            "sample": table.rows[:3],
            "label": schooldates.school_year_label(year),
            "token": token,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ta_assignments(request: HttpRequest) -> HttpResponse:
    """Which teaching assistant supports which pupils (their reach follows it)."""
    school = access.current_school_for(request, Action.MANAGE_CLASSES)
    pupils = _on_roll(school)
    tas = User.objects.filter(pk__in=[u.pk for u in classes.tas_of(school)]).order_by(
        "last_name", "username"
    )
    form = AssignmentForm(
        request.POST or None, pupils=pupils, tas=tas, initial={"start_date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            classes.assignment_add(
                pupil=data["pupil"],
                staff=data["staff"],
                start_date=data["start_date"],
                purpose=data["purpose"],
                by=_user(request),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{data['staff']} now supports {data['pupil'].full_name}.")
            return redirect("ta_assignments")
    assignments = list(classes.open_assignments(school))
    log_pupils(
        request,
        _user(request),
        [*(a.pupil_id for a in assignments), *pupils.values_list("pk", flat=True)],
        what="pupils.PupilAssignment",
    )
    return render(
        request,
        "people/assignments.html",
        {"school": school, "form": form, "assignments": assignments},
    )


@login_required
@require_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    school = access.current_school_for(request, Action.MANAGE_CLASSES)
    assignment = get_object_or_404(PupilAssignment, pk=pk, pupil__school=school)
    try:
        classes.assignment_end(
            assignment=assignment, end_date=timezone.localdate(), by=_user(request), request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Assignment ended.")
    return redirect("ta_assignments")


# ---- the new school year ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def school_rollover(request: HttpRequest) -> HttpResponse:
    """The new school year's preview, and running it."""
    school = access.current_school_for(request, Action.ROLL_OVER_YEAR)
    error = ""
    if request.method == "POST":
        try:
            plan = rollover.rollover_run(school=school, by=_user(request), request=request)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                f"{school.name} is in {plan.label}: {plan.moving} pupils moved up, {len(plan.leavers)} left.",
            )
            return redirect("school_classes")
    plan = rollover.rollover_plan(school)
    log_pupils(request, _user(request), [p.pk for p in plan.leavers], what="pupils.Pupil")
    return render(request, "people/rollover.html", {"school": school, "plan": plan, "error": error})


# ---- the installation -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def installation(request: HttpRequest) -> HttpResponse:
    """The installation's local authorities, trusts and schools, for a superuser."""
    user = access.require_installation_admin(request)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    la_form = LocalAuthorityForm(request.POST if which == "la" else None, prefix="la")
    trust_form = TrustForm(request.POST if which == "trust" else None, prefix="trust")
    school_form = SchoolForm(request.POST if which == "school" else None, prefix="school")
    try:
        if which == "la" and la_form.is_valid():
            services.local_authority_add(by=user, request=request, **la_form.cleaned_data)
            messages.success(request, f"{la_form.cleaned_data['name']} added.")
            return redirect("installation")
        if which == "trust" and trust_form.is_valid():
            services.trust_add(by=user, request=request, **trust_form.cleaned_data)
            messages.success(request, f"{trust_form.cleaned_data['name']} added.")
            return redirect("installation")
        if which == "school" and school_form.is_valid():
            data = school_form.cleaned_data
            school, sent = services.school_add(
                data=data,
                first_email=data["first_email"],
                first_role=data["first_role"],
                by=user,
                base_url=_base_url(request),
                request=request,
            )
            messages.success(
                request, f"{school.name} added; invitation sent to {data['first_email']}."
            )
            return redirect("installation")
    except ValidationError as exc:
        add_service_errors({"la": la_form, "trust": trust_form, "school": school_form}[which], exc)
    return render(
        request,
        "people/installation.html",
        {
            "la_form": la_form,
            "trust_form": trust_form,
            "school_form": school_form,
            "las": LocalAuthority.objects.annotate(n=Count("schools")),
            "trusts": Trust.objects.annotate(n=Count("schools")),
            "schools": School.objects.select_related("la", "trust"),
        },
    )
