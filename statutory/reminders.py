"""The daily reminders (issue 16): each responsible person gets one email of the statutory
duties that fall due in their next N days (User.reminder_days, a personal setting): the SENCo
those of SEN support and the school's own, the LA's caseworker the EHC clocks (a request's or
plan's caseworker; with none, every officer of the LA who is not narrowed to a caseload).

A mail names no pupil in its subject and quotes no record: each line is the duty, the school, the
date and a link to the finding (behind sign-in). Links start with settings.SENDPATH_BASE_URL.
Run daily by `sendpath send-reminders` (cron) or the `send_reminders` task (statutory/tasks.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Membership, Role, School, User
from pupils.models import Pupil
from statutory import compliance, inputs
from statutory.compliance_forms import CODE_LABELS
from statutory.models import EHCPlan, EHCRequest, OfficerCaseload

SENCO_CODES = frozenset({*compliance.SEN_SUPPORT_CODES, "SEN_INFORMATION_REPORT_STALE"})
REQUEST_CODES = frozenset(
    {"EHCNA_DECISION_OVERDUE", "EHCP_NOT_ISSUE_DECISION_OVERDUE", "EHCP_FINAL_OVERDUE"}
)


@dataclass(frozen=True)
class Item:
    label: str
    school: str
    due: date
    url: str


@dataclass
class Digest:
    user: User
    on: date
    items: list[Item] = field(default_factory=list)
    overdue: int = 0
    pages: set[str] = field(default_factory=set)

    @property
    def subject(self) -> str:
        n = len(self.items)
        return f"sendpath: {n} statutory dut{'y' if n == 1 else 'ies'} due in the next " + (
            f"{self.user.reminder_days} days"
        )


def _link(path: str) -> str:
    return settings.SENDPATH_BASE_URL.rstrip("/") + path


def _senco_link(f: compliance.Finding, pupils: dict[tuple[int, str], int], school: School) -> str:
    query = urlencode({"code": f.code})
    anchor = f"#finding-{f.code}-{pupils.get((school.pk, f.upn), 'school')}" if f.upn else ""
    return _link(f"{reverse('compliance_school')}?{query}{anchor}")


def _ehc_cases(
    schools: list[School],
) -> dict[tuple[int, str], tuple[str, int | None, str, int | None]]:
    """{(school id, UPN): (request URL, its caseworker, plan URL, its caseworker)}: the latest
    request and plan of each pupil with EHC casework, two queries."""
    cases: dict[tuple[int, str], tuple[str, int | None, str, int | None]] = {}
    ids = [s.pk for s in schools]
    for pk, school_id, upn, worker in (
        EHCRequest.objects.filter(pupil__school_id__in=ids)
        .order_by("received_date", "pk")
        .values_list("pk", "pupil__school_id", "pupil__upn", "caseworker_id")
    ):
        _, _, plan_url, plan_worker = cases.get((school_id, upn), ("", None, "", None))
        cases[(school_id, upn)] = (
            reverse("ehc_request", args=[pk]), worker, plan_url, plan_worker,
        )  # fmt: skip
    for pk, school_id, upn, worker in (
        EHCPlan.objects.filter(pupil__school_id__in=ids)
        .order_by("issue_date", "pk")
        .values_list("pk", "pupil__school_id", "pupil__upn", "caseworker_id")
    ):
        request_url, request_worker, _, _ = cases.get((school_id, upn), ("", None, "", None))
        cases[(school_id, upn)] = (
            request_url,
            request_worker,
            reverse("ehc_plan", args=[pk]),
            worker,
        )
    return cases


def digests(on: date) -> list[Digest]:
    """One digest per person with a duty falling due in their next N days, by username."""
    senco_of: dict[int, list[User]] = defaultdict(list)
    officers_of: dict[int, list[User]] = defaultdict(list)
    narrowed = set(OfficerCaseload.objects.values_list("user_id", "la_id"))
    wanted = Q(user__is_active=True, user__reminder_days__gt=0) & ~Q(user__email="")
    for m in Membership.objects.filter(
        wanted, role__in=[Role.SENCO, Role.LA_OFFICER]
    ).select_related("user"):
        if m.role == Role.SENCO and m.school_id:
            senco_of[m.school_id].append(m.user)
        elif m.role == Role.LA_OFFICER and m.la_id and (m.user_id, m.la_id) not in narrowed:
            officers_of[m.la_id].append(m.user)
    users = {u.pk: u for us in (*senco_of.values(), *officers_of.values()) for u in us}
    if not users:
        return []
    horizon = timedelta(days=max(u.reminder_days for u in users.values()))
    schools_qs = School.objects.filter(Q(pk__in=senco_of) | Q(la_id__in=officers_of))
    found = inputs.schools_findings(schools_qs, on, soon=horizon)
    schools = [s for s, _ in found]
    pupils = {
        (school_id, upn): pk
        for pk, school_id, upn in Pupil.objects.filter(school__in=schools_qs).values_list(
            "pk", "school_id", "upn"
        )
    }
    cases = _ehc_cases(schools)
    workers = {u.pk: u for u in User.objects.filter(
        pk__in={w for c in cases.values() for w in (c[1], c[3]) if w}, is_active=True,
        reminder_days__gt=0,
    ).exclude(email="")}  # fmt: skip
    out: dict[int, Digest] = {}

    def add(user: User, f: compliance.Finding, school: School, url: str) -> None:
        digest = out.setdefault(user.pk, Digest(user, on))
        if f.severity == compliance.BREACH:
            digest.overdue += 1
        elif on <= f.due <= on + timedelta(days=user.reminder_days):
            digest.items.append(Item(CODE_LABELS[f.code], school.name, f.due, url))

    for school, fs in found:
        for f in fs:
            if f.code in SENCO_CODES:
                for user in senco_of.get(school.pk, ()):
                    add(user, f, school, _senco_link(f, pupils, school))
                continue
            request_url, request_worker, plan_url, plan_worker = cases.get(
                (school.pk, f.upn or ""), ("", None, "", None)
            )
            url, worker = (
                (request_url, request_worker)
                if f.code in REQUEST_CODES
                else (plan_url, plan_worker)
            )
            readers = [workers[worker]] if worker in workers else officers_of.get(school.la_id, [])
            for user in readers:
                add(user, f, school, _link(url or reverse("ehc_casework")))
    result = [d for d in out.values() if d.items]
    for d in result:
        d.items.sort(key=lambda i: (i.due, i.school, i.label))
    return sorted(result, key=lambda d: d.user.username)


def send(on: date, *, dry_run: bool = False) -> list[Digest]:
    """Send today's digests (none with nothing falling due); return them."""
    sent = digests(on)
    for digest in sent:
        context = {
            "digest": digest,
            "page": _link(reverse("compliance_school")),
            "casework": _link(reverse("ehc_casework")),
            "settings_url": _link(reverse("personal_settings")),
        }
        body = render_to_string("statutory/mail/reminders.txt", context)
        if not dry_run:
            send_mail(digest.subject, body, settings.DEFAULT_FROM_EMAIL, [digest.user.email])
    return sent
