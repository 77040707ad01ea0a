"""The evidence pack for an EHC needs assessment request: what the school has already recorded,
gathered in one read (seed 001: "the local authority will expect to see evidence of the actions
the school has taken"). The SENCo chooses the sections; those left out are listed with the reason
given. Rendered as a tagged PDF by support.pdf.render_pdf (WeasyPrint, PDF/UA-1)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from accounts.schooldates import school_year_start
from provision import reports
from provision import selectors as provision_selectors
from provision.models import Measure, Provision
from pupils.models import Pupil
from support.models import (
    AssessmentView,
    Attachment,
    Cycle,
    Review,
    Target,
    TargetRating,
    ViewSource,
)

# The first £6,000 of a pupil's additional support costs is the school's, from its notional SEN
# budget; the LA's top-up pays above it (standards.md §7.4).
SCHOOL_THRESHOLD = Decimal(6000)

SECTIONS: dict[str, str] = {
    "register": "Register history and needs",
    "cycles": "Assess, plan, do, review cycles",
    "provision": "Provision, with delivery and cost",
    "specialists": "Specialist involvement and advice",
    "views": "Parent and pupil views",
    "attendance": "Attendance",
}
SPECIALIST_SOURCES = frozenset(
    {
        ViewSource.EDUCATIONAL_PSYCHOLOGIST,
        ViewSource.SPEECH_LANGUAGE_THERAPIST,
        ViewSource.OUTREACH,
        ViewSource.OTHER_SPECIALIST,
    }
)
FAMILY_SOURCES = frozenset({ViewSource.PARENT, ViewSource.PUPIL})


@dataclass
class EvidencePack:
    pupil: Pupil
    today: date
    included: list[str]
    left_out: list[tuple[str, str]]  # (section label, why)
    data: dict[str, Any] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)  # in the zip
    attachments_left_out: list[tuple[Attachment, str]] = field(default_factory=list)

    @property
    def contents(self) -> list[tuple[str, str]]:
        return [(key, SECTIONS[key]) for key in self.included]


def evidence_pack(
    pupil: Pupil,
    *,
    today: date,
    include: set[str] | None = None,
    why_left_out: str = "",
    reasons: dict[str, str] | None = None,
    attachment_ids: set[int] | None = None,
) -> EvidencePack:
    """The pack for `pupil`: every section in `include` (all by default), each read in a few
    queries; the others listed as left out, each with its reason in `reasons` (else
    `why_left_out`). The pupil's attached documents in `attachment_ids` (all by default) go in
    the zip and are listed in the PDF; the others are listed as left out too."""
    chosen = [key for key in SECTIONS if include is None or key in include]
    reasons = reasons or {}
    why = why_left_out.strip() or "Left out by the SENCo."
    pack = EvidencePack(
        pupil=pupil,
        today=today,
        included=chosen,
        left_out=[
            (label, (reasons.get(key) or "").strip() or why)
            for key, label in SECTIONS.items()
            if key not in chosen
        ],
    )
    for attachment in pupil.attachments.order_by("uploaded_at", "pk"):
        if attachment_ids is None or attachment.pk in attachment_ids:
            pack.attachments.append(attachment)
        else:
            pack.attachments_left_out.append((attachment, why))
    if "register" in chosen:
        pack.data["entries"] = list(pupil.register_entries.order_by("start_date", "pk"))
        pack.data["needs"] = list(pupil.needs.order_by("start_date", "rank"))
    views = list(
        AssessmentView.objects.filter(cycle__pupil=pupil)
        .select_related("cycle")
        .order_by("given_on")
    )
    if "cycles" in chosen or "views" in chosen:
        cycles = list(
            Cycle.objects.filter(pupil=pupil)
            .select_related("plan", "review")
            .prefetch_related(
                Prefetch("plan__targets", Target.objects.order_by("position", "pk")),
                Prefetch("review__ratings", TargetRating.objects.select_related("target")),
            )
            .order_by("number")
        )
        pack.data["cycles"] = [(c, _review_of(c)) for c in cycles]
    if "provision" in chosen:
        provisions = Provision.objects.filter(enrolments__pupil=pupil).select_related(
            "intervention"
        )
        delivered = provision_selectors.with_delivery(
            provisions.distinct().order_by("start_date", "pk"), today=today
        )
        measures: dict[int, dict[str, Measure]] = {}
        for m in Measure.objects.filter(enrolment__pupil=pupil).select_related("enrolment"):
            measures.setdefault(m.enrolment.provision_id, {})[m.kind] = m
        pack.data["provisions"] = [
            (p, f, {"per_week": len(p.weekdays), "minutes": p.session_minutes},
             measures.get(p.pk, {}))
            for p, f in delivered
        ]  # fmt: skip
        period = reports.period_for(pupil.school, school_year_start(today))
        costed = reports.costed_map(pupil, period, today=today)
        pack.data["costed"] = costed
        pack.data["over_threshold"] = costed.planned_share > SCHOOL_THRESHOLD
        pack.data["threshold"] = SCHOOL_THRESHOLD
    if "specialists" in chosen:
        pack.data["specialists"] = [v for v in views if v.source in SPECIALIST_SOURCES]
    if "views" in chosen:
        pack.data["family_views"] = [v for v in views if v.source in FAMILY_SOURCES]
        pack.data["review_views"] = [
            r for _c, r in pack.data["cycles"] if r and (r.parent_views or r.pupil_views)
        ]
    if "attendance" in chosen:
        pack.data["attendance"] = pupil.attendance_percent
    return pack


def _review_of(cycle: Cycle) -> Review | None:
    try:
        return cycle.review
    except Review.DoesNotExist:
        return None
