"""Pages that compose several apps: the staff pupil record (the register from pupils, the cycles
from support, the provision from provision) and the LA and trust overview."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

import access
from access import Action
from accounts import disclosure
from accounts.models import User
from accounts.schooldates import school_year_start
from audit import log as audit
from audit.models import AuditAction
from interop import leaving, rules
from interop.models import Leaving, TransferredFile
from provision import selectors as provision_selectors
from provision.models import Provision
from pupils import census
from pupils import selectors as pupil_selectors
from statutory import compliance
from statutory import inputs as compliance_inputs
from statutory import selectors as statutory_selectors
from statutory.compliance_forms import CODE_LABELS
from support import selectors as support_selectors


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def pupil_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    pupil = access.get_for_user(
        request, pupil_selectors.pupil_record(access.visible_pupils(user)), pk, Action.READ
    )
    audit.log(AuditAction.VIEW, user, pupil, request=request)
    entries = list(pupil.register_entries.all())
    current = next((e for e in entries if e.end_date is None), None)
    open_needs = [n for n in pupil.needs.all() if n.end_date is None]
    support = support_selectors.pupil_support(pupil)
    provisions = provision_selectors.with_delivery(
        Provision.objects.filter(enrolments__pupil=pupil)
        .select_related("intervention")
        .order_by("-start_date")
    )
    can_read_ehc = access.may(user, Action.READ_EHC, pupil)
    ehc = (
        statutory_selectors.pupil_ehc(
            pupil,
            access.visible_ehc_requests(user, reach="staff"),
            access.visible_ehc_plans(user, reach="staff"),
        )
        if can_read_ehc
        else None
    )
    # The pupil's own compliance findings, for those who read the school's (the SENCo, leaders).
    findings = (
        compliance_inputs.pupil_findings(pupil, timezone.localdate())
        if access.may(user, Action.READ_COMPLIANCE, pupil.school)
        else None
    )
    can_transfer = access.may(user, Action.TRANSFER_RECORDS, pupil)
    left = Leaving.objects.filter(pupil=pupil).first()
    return render(
        request,
        "records/pupil_detail.html",
        {
            "pupil": pupil,
            "can_transfer": can_transfer,
            "can_import_plan": access.may(user, Action.RUN_CYCLE, pupil),
            "left": left,
            "clock": leaving.transfer_clock(left, timezone.localdate()) if left else None,
            "total_days": rules.TRANSFER_SCHOOL_DAYS,
            "transferred": list(TransferredFile.objects.filter(pupil=pupil)),
            "findings": findings,
            "current": current,
            "provision": current.provision if current else "N",
            "provision_label": census.SEN_PROVISION_LABELS[current.provision if current else "N"],
            "open_needs": open_needs,
            "past_needs": [n for n in pupil.needs.all() if n.end_date is not None],
            "timeline": sorted(
                pupil_selectors.timeline(pupil) + support["events"],
                key=lambda e: e["date"],
                reverse=True,
            ),
            "support": support,
            "provisions": provisions,
            "can_read_costs": access.may(user, Action.READ_COSTS, pupil.school),
            "can_run_cycles": access.may(user, Action.RUN_CYCLE, pupil.school),
            "can_contribute": access.may(user, Action.CONTRIBUTE, pupil.school),
            "can_change": access.may(user, Action.CHANGE_REGISTER, pupil.school),
            "can_edit": access.may(user, Action.EDIT_PUPIL, pupil.school),
            "ehc": ehc,
            "can_record_ehc": access.may(user, Action.RECORD_EHC, pupil),
            "groups": [
                g
                for g in pupil.teaching_groups.all()
                if g.school_year.start_year == school_year_start(timezone.localdate())
            ],
        },
    )


@login_required
def overview_home(request: HttpRequest) -> HttpResponse:
    """Aggregate figures for every school an LA or trust officer oversees: no named pupils."""
    user = _user(request)
    scopes = access.overview_scopes(user)
    if not scopes:
        raise PermissionDenied("This page is for LA and trust officers.")
    schools = access.overview_schools(user).order_by("name")
    figures = pupil_selectors.overview_figures(schools)
    # Small counts read "fewer than 3": a single EHC plan in a small school names its child.
    threshold = access.small_number_threshold(user)

    def shown(n: int) -> str:
        return disclosure.count_shown(n, threshold)

    rows = list(schools)
    for school in rows:  # the template reads each school's figures off the school
        row = figures.schools.get(school.pk, pupil_selectors.SchoolFigures())
        school.roll = shown(row.roll)  # type: ignore[attr-defined]
        school.sen_support = shown(row.sen_support)  # type: ignore[attr-defined]
        school.ehc_plans = shown(row.ehc_plans)  # type: ignore[attr-defined]
    totals = {
        "roll": shown(sum(f.roll for f in figures.schools.values())),
        "sen_support": shown(sum(f.sen_support for f in figures.schools.values())),
        "ehc_plans": shown(sum(f.ehc_plans for f in figures.schools.values())),
    }
    needs = figures.primary_needs
    awaiting = shown(figures.awaiting_notification)
    return render(
        request,
        "records/overview.html",
        {
            "scopes": scopes,
            "ehc_casework": bool(access.officer_las(user)),
            "la_signposting": bool(access.officer_las(user)),
            "rows": rows,
            "totals": totals,
            "needs": [
                (c, label, shown(needs[c])) for c, label, _ in census.SEN_TYPES if needs.get(c)
            ],
            "awaiting": awaiting,
        },
    )


REQUEST_CODES = frozenset(
    {"EHCNA_DECISION_OVERDUE", "EHCP_NOT_ISSUE_DECISION_OVERDUE", "EHCP_FINAL_OVERDUE"}
)


def _ehc_cases(user: User, schools: Any) -> dict[tuple[int, str], tuple[str, str, str]]:
    """{(school id, UPN): (name, request URL, plan URL)} for the pupils whose EHC casework the
    user reaches (an LA officer: every request and plan of their LA), from two queries. Only
    these are named on the LA's compliance page."""
    cases: dict[tuple[int, str], tuple[str, str, str]] = {}
    requests = (
        access.visible_ehc_requests(user, reach="staff")
        .filter(pupil__school__in=schools)
        .select_related("pupil")
        .order_by("received_date", "pk")
    )
    plans = (
        access.visible_ehc_plans(user, reach="staff")
        .filter(pupil__school__in=schools)
        .select_related("pupil")
        .order_by("issue_date", "pk")
    )
    for r in requests:  # the latest request wins
        key = (r.pupil.school_id, r.pupil.upn)
        plan_url = cases.get(key, ("", "", ""))[2]
        cases[key] = (r.pupil.full_name, reverse("ehc_request", args=[r.pk]), plan_url)
    for p in plans:
        key = (p.pupil.school_id, p.pupil.upn)
        request_url = cases.get(key, ("", "", ""))[1]
        cases[key] = (p.pupil.full_name, request_url, reverse("ehc_plan", args=[p.pk]))
    return cases


@login_required
def overview_compliance(request: HttpRequest) -> HttpResponse:
    """The compliance findings of every school an LA or trust officer oversees, as figures: by
    code and by school. The EHC clocks are named only for the cases the officer's EHC casework
    reaches (their LA's requests and plans); a trust officer gets them as figures."""
    user = _user(request)
    if not access.overview_scopes(user):
        raise PermissionDenied("This page is for LA and trust officers.")
    on = timezone.localdate()
    schools = access.overview_schools(user)
    found = compliance_inputs.schools_findings(schools, on)
    threshold = access.small_number_threshold(user)

    def shown(n: int) -> str:
        return disclosure.count_shown(n, threshold)

    every = [f for _, fs in found for f in fs]
    totals = compliance.counts(every)
    by_code = [
        (code, CODE_LABELS[code], shown(totals[code]["breach"]), shown(totals[code]["due_soon"]))
        for code in compliance.CODES
        if any(totals[code].values())
    ]
    rows = []
    for school, fs in found:
        table = compliance.counts(fs)
        rows.append(
            {
                "school": school,
                "breaches": shown(len(compliance.breaches(fs))),
                "due_soon": shown(sum(f.severity == compliance.DUE_SOON for f in fs)),
                "pupils": shown(len({f.upn for f in fs if f.upn})),
                "cells": [shown(table[code]["breach"]) for code, *_ in by_code],
            }
        )
    cases = _ehc_cases(user, schools) if access.officer_las(user) else {}
    clocks = []
    for school, fs in found:
        for f in fs:
            case = cases.get((school.pk, f.upn or "")) if f.code in compliance.EHC_CODES else None
            if case:
                name, request_url, plan_url = case
                url = request_url if f.code in REQUEST_CODES else plan_url
                clocks.append((school, f, CODE_LABELS[f.code], name, url or request_url))
    return render(
        request,
        "records/overview_compliance.html",
        {
            "on": on,
            "scopes": access.overview_scopes(user),
            "by_code": by_code,
            "rows": rows,
            "breaches": shown(len(compliance.breaches(every))),
            "clocks": clocks,
            "ehc_casework": bool(access.officer_las(user)),
            "ehc_figures": [
                (label, b, d) for code, label, b, d in by_code if code in compliance.EHC_CODES
            ],
        },
    )
