"""Writes of the school's duties: the SEN information report (versions, co-production,
publication), training records, layers of support and the annual review of the whole plan.
Each is atomic and audited; texts are never copied into the audit trail (audit.log masks them)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import School, User
from audit import log as audit
from audit.models import AuditAction
from duties import figures
from duties.models import (
    InformationReport,
    Layer,
    PlanAnnualReview,
    ReportComment,
    ReportShare,
    ReportStatus,
    SupportLayer,
    TrainingCourse,
    TrainingRecord,
)
from duties.sections import LANGUAGES, SECTION_KEYS
from pupils.models import Contact, Pupil


def report_start(
    *, school: School, start_year: int, by: User, request: HttpRequest | None = None
) -> InformationReport:
    """A new draft version of the SEN information report, with the school's own texts of the
    latest version carried over (they are kept year to year and edited)."""
    with transaction.atomic():
        latest = (
            InformationReport.objects.select_for_update()
            .filter(school=school)
            .order_by("-number")
            .first()
        )
        if latest is not None and latest.is_editable:
            raise ValidationError("Finish or publish the draft already started first.")
        number = (latest.number if latest else 0) + 1
        report = InformationReport.objects.create(
            school=school,
            number=number,
            start_year=start_year,
            texts=dict(latest.texts) if latest else {},
            languages=list(latest.languages) if latest else [],
            created_by=by,
        )
        audit.log(AuditAction.CREATE, by, report, {"number": number}, request=request)
    return report


def report_edit(
    *,
    report: InformationReport,
    texts: dict[str, str],
    version: int,
    by: User,
    languages: list[str] | None = None,
    request: HttpRequest | None = None,
) -> InformationReport:
    """Change the school's own texts of a draft (the sections given; the others kept) and, if
    given, the languages the published report is offered in. A stale `version` (someone else
    saved first) changes nothing."""
    unknown = set(texts) - SECTION_KEYS
    if unknown:
        raise ValidationError(f"There is no section {sorted(unknown)[0]!r}.")
    if languages is not None and set(languages) - set(LANGUAGES):
        raise ValidationError(
            f"There is no translation into {sorted(set(languages) - set(LANGUAGES))[0]!r}."
        )
    with transaction.atomic():
        current = InformationReport.objects.select_for_update().get(pk=report.pk)
        if not current.is_editable:
            raise ValidationError("A published version cannot be changed: start a new version.")
        if current.version != version:
            raise ValidationError(
                "Someone else saved this report while you were editing it. Reload it and make "
                "your changes again."
            )
        changed = sorted(k for k, v in texts.items() if current.texts.get(k, "") != v)
        current.texts = {**current.texts, **{k: v.strip() for k, v in texts.items()}}
        if languages is not None:
            current.languages = [code for code in LANGUAGES if code in languages]
        current.version += 1
        current.save(update_fields=["texts", "languages", "version"])
        audit.log(
            AuditAction.UPDATE, by, current,
            {"sections": changed, "languages": current.languages}, request=request,
        )  # fmt: skip
    return current


def report_share(
    *,
    report: InformationReport,
    contacts: list[Contact],
    forum: str,
    comments_close_on: date | None,
    on: date,
    by: User,
    request: HttpRequest | None = None,
) -> list[ReportShare]:
    """Share the draft with named parents (contacts with a sign-in) and/or a parent forum for
    comments, through the family area."""
    if not report.is_editable:
        raise ValidationError("Only a draft can be shared for comments.")
    if not contacts and not forum.strip():
        raise ValidationError("Choose at least one parent, or name the parent forum.")
    if any(c.school_id != report.school_id or c.user_id is None for c in contacts):
        raise ValidationError("Each parent must be a family contact of this school with a sign-in.")
    with transaction.atomic():
        shares = [
            ReportShare.objects.create(report=report, contact=c, shared_on=on) for c in contacts
        ]
        if forum.strip():
            shares.append(
                ReportShare.objects.create(report=report, forum=forum.strip(), shared_on=on)
            )
        report.status = ReportStatus.SHARED
        report.shared_on = report.shared_on or on
        report.comments_close_on = comments_close_on
        report.save(update_fields=["status", "shared_on", "comments_close_on"])
        audit.log(AuditAction.UPDATE, by, report, {"shared_with": len(shares)}, request=request)
    return shares


def comment_add(
    *,
    report: InformationReport,
    section: str,
    text: str,
    by: User,
    request: HttpRequest | None = None,
) -> ReportComment:
    """A parent's comment on a shared draft."""
    if report.status != ReportStatus.SHARED:
        raise ValidationError("This draft is no longer open for comments.")
    if section and section not in SECTION_KEYS:
        raise ValidationError("Choose a section of the report.")
    if not text.strip():
        raise ValidationError("Write your comment.")
    with transaction.atomic():
        comment = ReportComment.objects.create(
            report=report,
            section=section,
            author=by,
            author_name=by.get_full_name() or by.get_username(),
            text=text.strip(),
        )
        audit.log(AuditAction.CREATE, by, comment, {"report": report.pk}, request=request)
    return comment


def comment_answer(
    *,
    comment: ReportComment,
    reply: str,
    change_made: str,
    on: date,
    by: User,
    request: HttpRequest | None = None,
) -> ReportComment:
    """The school's reply to a comment, or the change it led to (or both)."""
    if not reply.strip() and not change_made.strip():
        raise ValidationError("Write a reply, or say what changed because of the comment.")
    with transaction.atomic():
        comment.reply = reply.strip()
        comment.change_made = change_made.strip()
        comment.answered_by = by
        comment.answered_on = on
        comment.save(update_fields=["reply", "change_made", "answered_by", "answered_on"])
        audit.log(AuditAction.UPDATE, by, comment, {"answered_on": on}, request=request)
    return comment


def report_publish(
    *, report: InformationReport, on: date, by: User, request: HttpRequest | None = None
) -> InformationReport:
    """Publish a draft: its figures are frozen from the records of its school year, the version
    published before it is replaced, and its public page shows it from now on."""
    if not report.is_editable:
        raise ValidationError("This version is already published or replaced.")
    frozen = figures.report_figures(report.school, report.start_year, on)
    with transaction.atomic():
        InformationReport.objects.filter(
            school_id=report.school_id, status=ReportStatus.PUBLISHED
        ).update(status=ReportStatus.SUPERSEDED)
        report.status = ReportStatus.PUBLISHED
        report.published_on = on
        report.published_by = by
        report.figures = frozen
        report.save(update_fields=["status", "published_on", "published_by", "figures"])
        audit.log(AuditAction.UPDATE, by, report, {"published_on": on}, request=request)
    return report


def report_publication_record(
    *,
    school: School,
    start_year: int,
    published_on: date,
    by: User,
    request: HttpRequest | None = None,
) -> InformationReport:
    """A publication the school made before it used sendpath (a school migrating enters its
    history): a new version for `start_year`, published on that past date. Not in the future,
    and not before the publication already recorded (that would replace a later one)."""
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": "The date of publication cannot be in the future."})
    with transaction.atomic():
        latest = (
            InformationReport.objects.select_for_update()
            .filter(school=school, published_on__isnull=False)
            .order_by("-published_on")
            .first()
        )
        if latest is not None and latest.published_on and published_on < latest.published_on:
            raise ValidationError(
                {"published_on": "A later publication is already recorded; enter them in order."}
            )
        report = report_start(school=school, start_year=start_year, by=by, request=request)
        return report_publish(report=report, on=published_on, by=by, request=request)


def report_sent_to_la(
    *,
    report: InformationReport,
    on: date,
    how: str,
    by: User,
    request: HttpRequest | None = None,
) -> InformationReport:
    """Record that the published report went to the LA for its Local Offer."""
    if report.published_on is None:
        raise ValidationError("Publish the report before sending it to the local authority.")
    if on < report.published_on:
        raise ValidationError("It cannot have been sent before it was published.")
    with transaction.atomic():
        report.sent_to_la_on = on
        report.sent_to_la_how = how.strip()[:200]
        report.save(update_fields=["sent_to_la_on", "sent_to_la_how"])
        audit.log(AuditAction.UPDATE, by, report, {"sent_to_la_on": on}, request=request)
    return report


# --- training ------------------------------------------------------------------------------------


def training_record(
    *,
    school: School,
    staff: User,
    course_name: str,
    area: str,
    completed_on: date,
    hours: Decimal,
    provider: str,
    certificate: UploadedFile | None,
    by: User,
    request: HttpRequest | None = None,
) -> TrainingRecord:
    """A member of staff's completed SEND training (the course made on first use)."""
    if not staff.memberships.filter(school=school).exists():  # type: ignore[attr-defined]
        raise ValidationError("Choose a member of staff of this school.")
    if hours <= 0:
        raise ValidationError("Hours must be more than 0.")
    with transaction.atomic():
        course, _ = TrainingCourse.objects.get_or_create(
            school=school, name=course_name.strip(), defaults={"area": area}
        )
        record = TrainingRecord(
            course=course,
            staff=staff,
            completed_on=completed_on,
            hours=hours,
            provider=provider.strip(),
            recorded_by=by,
        )
        if certificate is not None:
            record.certificate_name = certificate.name[:200] if certificate.name else "certificate"
            record.certificate.save(f"{course.pk}-{staff.pk}.pdf", certificate, save=False)
        record.save()
        audit.log(AuditAction.CREATE, by, record, {"hours": hours}, request=request)
    return record


def course_requirements(
    *,
    course: TrainingCourse,
    intervention_ids: list[int],
    by: User,
    request: HttpRequest | None = None,
) -> TrainingCourse:
    """The interventions whose deliverers need this training."""
    with transaction.atomic():
        course.required_for.set(intervention_ids)
        audit.log(
            AuditAction.UPDATE,
            by,
            course,
            {"interventions": len(intervention_ids)},
            request=request,
        )
    return course


# --- layers of support and the whole plan's annual review -----------------------------------------


def layer_set(
    *, pupil: Pupil, layer: str, on: date, by: User, request: HttpRequest | None = None
) -> SupportLayer:
    """Move the pupil to a layer of support from `on` (the open layer ends the day before)."""
    if layer not in Layer.values:
        raise ValidationError("Choose a layer of support.")
    with transaction.atomic():
        current = (
            SupportLayer.objects.select_for_update()
            .filter(pupil=pupil, end_date__isnull=True)
            .first()
        )
        if current is not None:
            if on <= current.start_date:
                raise ValidationError(
                    f"The new layer must start after the current one ({current.start_date:%-d %B %Y})."
                )
            if current.layer == layer:
                raise ValidationError("The pupil is already on that layer.")
            current.end_date = date.fromordinal(on.toordinal() - 1)
            current.save(update_fields=["end_date"])
        row = SupportLayer.objects.create(pupil=pupil, layer=layer, start_date=on, decided_by=by)
        audit.log(AuditAction.CREATE, by, row, {"layer": layer}, request=request)
    return row


def plan_annual_review_record(
    *,
    pupil: Pupil,
    fields: dict[str, Any],
    by: User,
    request: HttpRequest | None = None,
) -> PlanAnnualReview:
    """An annual review of the pupil's whole plan."""
    allowed = {
        "held_on",
        "parents_took_part",
        "pupil_took_part",
        "what_is_working",
        "what_changes",
        "next_review_on",
    }
    if set(fields) - allowed:
        raise ValidationError(f"Unknown field {sorted(set(fields) - allowed)[0]}.")
    review = PlanAnnualReview(pupil=pupil, recorded_by=by, **fields)
    review.full_clean(exclude=["pupil", "recorded_by"])
    with transaction.atomic():
        review.save()
        audit.log(AuditAction.CREATE, by, review, {"held_on": review.held_on}, request=request)
    return review
