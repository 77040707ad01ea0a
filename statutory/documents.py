"""Documents kept with an EHC case (statutory.models.CaseDocument): the plan's PDF as the LA
issued it (kept beside the sections entered from it by hand), and what the school sends to the
LA as a PDF (the annual review report, the evidence pack and the zip of its attached documents),
each with when it went and who sent it. Keyword-only, atomic, audited services."""

import io
import zipfile
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from audit import log as audit
from audit.models import AuditAction
from pupils.models import Pupil
from statutory.models import AnnualReview, CaseDocument, EHCPlan, EHCRequest
from support import uploads
from support.models import Attachment


def _keep(
    *,
    pupil: Pupil,
    kind: str,
    content: "ContentFile[bytes] | UploadedFile",
    name: str,
    content_type: str,
    by: User,
    request: HttpRequest | None,
    sent_to_la: bool,
    note: str = "",
    ehc_request: EHCRequest | None = None,
    plan: EHCPlan | None = None,
    review: AnnualReview | None = None,
) -> CaseDocument:
    la_id = (plan.la_id if plan else None) or (ehc_request.la_id if ehc_request else None)
    document = CaseDocument(
        pupil=pupil,
        la_id=la_id or pupil.school.la_id,
        request=ehc_request,
        plan=plan,
        review=review,
        kind=kind,
        original_name=uploads.safe_name(name),
        content_type=content_type,
        size=content.size or 0,
        note=note[:500],
        sent_to_la=sent_to_la,
        added_by=by,
    )
    document.file.save("document", content, save=False)
    document.save()
    audit.log(
        AuditAction.CREATE,
        by,
        document,
        {"kind": kind, "size": document.size, "sent_to_la": sent_to_la},
        request=request,
        pupil_id=pupil.pk,
    )
    return document


@transaction.atomic
def plan_document_add(
    *, plan: EHCPlan, upload: UploadedFile, by: User, request: HttpRequest | None = None
) -> CaseDocument:
    """Keep the plan as the LA issued it (a PDF), beside the sections entered from it."""
    content_type = uploads.check(upload)  # ValidationError({"file": [...]})
    if content_type != "application/pdf":
        raise ValidationError({"file": ["The plan must be the PDF the local authority issued."]})
    return _keep(
        pupil=plan.pupil, kind=CaseDocument.Kind.PLAN, content=upload,
        name=upload.name or "ehc-plan.pdf", content_type=content_type, by=by, request=request,
        sent_to_la=False, plan=plan, ehc_request=plan.request,
    )  # fmt: skip


@transaction.atomic
def review_report_send(
    *,
    review: AnnualReview,
    body: bytes,
    name: str,
    by: User,
    request: HttpRequest | None = None,
) -> CaseDocument:
    """Send the school's annual review report to the LA (reg 20(7)): the PDF is kept with the
    review, and the review's report date is today's if none was recorded."""
    from statutory import services

    plan = review.plan
    document = _keep(
        pupil=plan.pupil, kind=CaseDocument.Kind.REVIEW_REPORT, content=ContentFile(body),
        name=name, content_type="application/pdf", by=by, request=request, sent_to_la=True,
        plan=plan, review=review,
    )  # fmt: skip
    if review.report_sent_date is None:
        services.annual_review_update(
            review=review, by=by, request=request, report_sent_date=timezone.localdate()
        )
    return document


def attachments_zip(attachments: Iterable[Attachment]) -> bytes:
    """The attached documents in one zip, each under its own (display) name, made unique."""
    buffer = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for attachment in attachments:
            name, n = attachment.original_name, 1
            while name in seen:
                n += 1
                stem, dot, ext = attachment.original_name.rpartition(".")
                name = f"{stem} ({n}).{ext}" if dot else f"{attachment.original_name} ({n})"
            seen.add(name)
            with attachment.file.open("rb") as handle:
                archive.writestr(name, handle.read())
    return buffer.getvalue()


@transaction.atomic
def evidence_pack_send(
    *,
    ehc_request: EHCRequest,
    body: bytes,
    name: str,
    attachments: list[Attachment],
    note: str,
    by: User,
    request: HttpRequest | None = None,
) -> list[CaseDocument]:
    """Send the evidence pack to the LA with the request: the PDF, and the zip of the attached
    documents when there are any, kept with the request."""
    pupil = ehc_request.pupil
    kept = [
        _keep(
            pupil=pupil, kind=CaseDocument.Kind.EVIDENCE_PACK, content=ContentFile(body),
            name=name, content_type="application/pdf", by=by, request=request, sent_to_la=True,
            note=note, ehc_request=ehc_request,
        )
    ]  # fmt: skip
    if attachments:
        zipped = attachments_zip(attachments)
        kept.append(
            _keep(
                pupil=pupil, kind=CaseDocument.Kind.EVIDENCE_PACK, content=ContentFile(zipped),
                name=name.removesuffix(".pdf") + "-attached-documents.zip",
                content_type="application/zip", by=by, request=request, sent_to_la=True,
                note=f"{len(attachments)} attached document(s)", ehc_request=ehc_request,
            )
        )  # fmt: skip
    return kept
