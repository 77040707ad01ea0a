"""The SENCo's compliance page: the school's findings (statutory.compliance) with filters, each
linked to the page that resolves it, and the breaches over the last 12 months.

Who: Action.READ_COMPLIANCE (the SENCo and senior leaders); others at the school 403."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

import access
from access import Action
from accounts import schooldates
from accounts.models import User
from audit import reads
from pupils.models import TeachingGroup
from statutory import compliance, findings_cache, inputs
from statutory.compliance_forms import CODE_LABELS, SEVERITY_LABELS, ComplianceFilterForm

# Where each finding is resolved: the pupil's open cycle for the plan and review duties, the
# register for telling the parents; the pupil record otherwise.
CYCLE_FIXES = {
    "PLAN_MISSING": ("plan_edit", "Agree the plan"),
    "REVIEW_OVERDUE": ("review", "Complete the review"),
    "NO_SMART_TARGETS": ("plan_edit", "Make a target SMART"),
}
# Where each finding is resolved on the pupil's own pages.
PUPIL_FIXES = {
    "PLAN_MISSING": ("cycle_open", "Open a cycle and agree a plan"),
    "PARENTS_NOT_NOTIFIED": ("pupil_detail", "Record telling the parents"),
    "SPECIALIST_NOT_INVOLVED": ("specialist_add", "Record a specialist's involvement"),
    "RECORD_NOT_SHARED": ("pupil_detail", "Record giving the review to the parents"),
    "FEWER_THAN_THREE_REVIEWS": ("pupil_detail", "Plan the next review with the parents"),
}
# EHC casework is resolved on the pupil's EHC pages (the request or the plan): the pupil record
# lists and links them.
EHC_FIX = "Open the pupil's EHC casework"


SUMMARY_DAYS = timedelta(days=14)
PAGE_SIZE = 100


@dataclass(frozen=True)
class Row:
    finding: compliance.Finding
    label: str
    severity_label: str
    pupil: inputs.PupilRef | None
    fix_url: str
    fix_text: str
    anchor: str  # the row's id: a reminder links to it (statutory/reminders.py)


def _fix(finding: compliance.Finding, pupil: inputs.PupilRef | None) -> tuple[str, str]:
    if pupil is None:
        return "", ""
    if finding.code in CYCLE_FIXES and pupil.open_cycle_id:
        name, text = CYCLE_FIXES[finding.code]
        return reverse(name, args=[pupil.open_cycle_id]), text
    if finding.code in PUPIL_FIXES:
        name, text = PUPIL_FIXES[finding.code]
        return reverse(name, args=[pupil.pk]), text
    if finding.code in compliance.EHC_CODES:
        return reverse("pupil_detail", args=[pupil.pk]) + "#ehc", EHC_FIX
    return reverse("pupil_detail", args=[pupil.pk]), "Open the pupil's record"


def _wanted(
    f: compliance.Finding, pupil: inputs.PupilRef | None, wanted: dict[str, Any], on: date
) -> bool:
    """Whether the finding passes the page's filters (code, severity, class, due in N days)."""
    if wanted.get("code") and f.code != wanted["code"]:
        return False
    if wanted.get("severity") and f.severity != wanted["severity"]:
        return False
    if wanted.get("group") and (pupil is None or wanted["group"].pk not in pupil.group_ids):
        return False
    within = wanted.get("within")
    return within is None or f.due <= on + timedelta(days=within)


@login_required
@require_GET
def compliance_school(request: HttpRequest) -> HttpResponse:
    school = access.current_school_for(request, Action.READ_COMPLIANCE)
    user: User = request.user  # type: ignore[assignment]
    on = timezone.localdate()
    start_year = schooldates.school_year_start(on)
    groups = TeachingGroup.objects.filter(school=school, school_year__start_year=start_year)
    form = ComplianceFilterForm(request.GET or None, groups=groups.order_by("name"))
    wanted = form.cleaned_data if form.is_valid() else {}
    mark = findings_cache.fingerprint(school, on)  # read once for both
    cached = findings_cache.school_compliance(school, on, mark=mark)
    found = cached.findings
    offers = findings_cache.school_progress_offers(school, on, found, mark=mark)
    upns = [f.upn for f in found if f.upn] + [o.upn for o in offers]
    refs = inputs.pupil_refs(access.visible_pupils(user, school), start_year, upns=upns)
    offered = [
        (o, refs[o.upn], reverse("specialist_add", args=[refs[o.upn].pk]))
        for o in offers
        if o.upn in refs  # only pupils in the user's reach
    ]
    shown: list[tuple[compliance.Finding, inputs.PupilRef | None, str]] = []
    anchors: set[str] = set()
    for f in found:
        pupil = refs.get(f.upn) if f.upn else None
        if f.upn and pupil is None:
            continue  # a pupil outside the user's reach
        if not _wanted(f, pupil, wanted, on):
            continue
        anchor = f"finding-{f.code}-{pupil.pk if pupil else 'school'}"
        while anchor in anchors:  # a second record not shared for the same pupil
            anchor += "-more"
        anchors.add(anchor)
        shown.append((f, pupil, anchor))
    # A page of rows at a time: a big school has hundreds of findings, and rendering them all
    # is most of the page's time. The filters narrow them; the counts above are the whole.
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        Row(f, CODE_LABELS[f.code], SEVERITY_LABELS[f.severity], pupil, *_fix(f, pupil), anchor)
        for f, pupil, anchor in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    history = [(CODE_LABELS[code], cells) for code, cells in cached.history]
    listed = [r.pupil.pk for r in rows if r.pupil is not None] + [p.pk for _, p, _ in offered]
    reads.log_pupils(request, user, list(dict.fromkeys(listed)), what="compliance findings")
    return render(
        request,
        "statutory/compliance_school.html",
        {
            "school": school,
            "on": on,
            "form": form,
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "breaches": len(compliance.breaches(found)),
            "due_soon": sum(f.severity == compliance.DUE_SOON for f in found),
            "pupils_with_findings": len({f.upn for f in found if f.upn}),
            "history": history,
            "history_days": cached.history_days,
            "offered": offered,
        },
    )


@login_required
@require_GET
def compliance_summary(request: HttpRequest) -> HttpResponse:
    """The banner leading the SENCo's home: breaches and what falls due in the next 14 days
    (loaded by htmx after the home page, which lives below statutory)."""
    school = access.current_school_for(request, Action.READ_COMPLIANCE)
    on = timezone.localdate()
    found = findings_cache.school_compliance(school, on).findings
    breaches = compliance.breaches(found)
    soon = [f for f in found if f.severity == compliance.DUE_SOON and f.due <= on + SUMMARY_DAYS]
    return render(
        request,
        "statutory/_compliance_banner.html",
        {
            "loaded": True,
            "breaches": len(breaches),
            "due_soon": len(soon),
            "days": SUMMARY_DAYS.days,
            "pupils": len({f.upn for f in (*breaches, *soon) if f.upn}),
        },
    )
