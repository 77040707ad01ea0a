"""Writes of the family area (house style §2): each audited, each in one transaction."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from accounts.models import LocalAuthority, School, User
from audit import log as audit
from audit.models import AuditAction
from family import notify, selectors
from family.models import (
    Acknowledgement,
    Document,
    FamilyLanguage,
    LogEntry,
    LogKind,
    PupilVoice,
    Signposting,
    TargetWords,
    ViewsDraft,
    ViewsReminder,
)
from pupils.models import FamilyLink, Pupil
from support import services as support_services
from support.models import Concern, Cycle, Target

STAFF_KINDS = frozenset({LogKind.MEETING, LogKind.CALL, LogKind.EMAIL, LogKind.DIARY})


@transaction.atomic
def signposting_save(
    *,
    data: Mapping[str, Any],
    by: User,
    la: LocalAuthority | None = None,
    school: School | None = None,
    request: HttpRequest | None = None,
) -> Signposting:
    """Save the signposting for families of an LA or of a school (exactly one): the fields in
    `data` replace the row's. The trail says which fields changed, never what they say."""
    if (la is None) == (school is None):
        raise ValueError("Signposting belongs to an LA or to a school.")
    row = Signposting.objects.filter(la=la, school=school).first()
    created = row is None
    if row is None:
        row = Signposting(la=la, school=school)
    changed = sorted(name for name, value in data.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, data[name])
    row.full_clean()
    row.save()
    audit.log(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by,
        row,
        {"fields": changed, "la": la.pk if la else None},
        request=request,
    )
    return row


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def acknowledge(
    *,
    cycle: Cycle,
    document: str,
    by: User,
    on: date,
    request: HttpRequest | None = None,
) -> Acknowledgement:
    """A parent confirms they received and read the cycle's plan or its review record. Once
    per parent and document: a second confirmation keeps the first date."""
    if document == Document.REVIEW and not hasattr(cycle, "review"):
        raise ValidationError({"document": ["There is no review record to confirm yet."]})
    if document == Document.PLAN and not hasattr(cycle, "plan"):
        raise ValidationError({"document": ["There is no plan to confirm yet."]})
    ack, created = Acknowledgement.objects.get_or_create(
        cycle=cycle, document=document, parent=by, defaults={"acknowledged_on": on}
    )
    if created:
        audit.log(
            AuditAction.CREATE,
            by,
            ack,
            {"document": document, "acknowledged_on": on.isoformat()},
            request=request,
            pupil_id=cycle.pupil_id,
        )
    return ack


def _check_text(text: str, field: str = "text") -> str:
    if not text.strip():
        raise ValidationError({field: ["Write something first."]})
    return text.strip()


@transaction.atomic
def log_entry_add(
    *,
    pupil: Pupil,
    kind: str,
    occurred_on: date,
    text: str,
    shared: bool,
    by: User,
    today: date | None = None,
    request: HttpRequest | None = None,
) -> LogEntry:
    """Staff record a meeting, call, email or home-school diary note, shared or staff-only."""
    errors: dict[str, list[str]] = {}
    if kind not in STAFF_KINDS:
        errors["kind"] = ["Choose a meeting, a phone call, an email or a diary note."]
    if occurred_on > (today or timezone.localdate()):
        errors["occurred_on"] = ["The date cannot be in the future."]
    if not text.strip():
        errors["text"] = ["Say what was discussed."]
    if errors:
        raise ValidationError(errors)
    entry = LogEntry.objects.create(
        pupil=pupil,
        kind=kind,
        occurred_on=occurred_on,
        text=text.strip(),
        shared=shared,
        author=by,
        author_name=_name(by),
    )
    audit.log(AuditAction.CREATE, by, entry, {"kind": kind, "shared": shared}, request=request)
    return entry


def _family_link(pupil: Pupil, path: str, base_url: str) -> str:
    return f"{base_url}{path}"


@transaction.atomic
def family_message_send(
    *, pupil: Pupil, text: str, by: User, base_url: str = "", request: HttpRequest | None = None
) -> LogEntry:
    """A parent writes to the child's key person: the message goes in the log (shared) and the
    key person is emailed that there is a message (never its words: email is not the record)."""
    entry = LogEntry.objects.create(
        pupil=pupil,
        kind=LogKind.MESSAGE,
        occurred_on=timezone.localdate(),
        text=_check_text(text),
        shared=True,
        author=by,
        author_name=_name(by),
    )
    audit.log(AuditAction.CREATE, by, entry, {"kind": "message"}, request=request)
    person = selectors.key_person(pupil)
    if person is not None and person.email:
        path = reverse("pupil_log", args=[pupil.pk])
        transaction.on_commit(
            lambda: notify.send(
                notify.Notice(
                    template="message_to_key_person",
                    email=person.email,
                    context={"pupil": pupil, "url": _family_link(pupil, path, base_url)},
                )
            )
        )
    return entry


@transaction.atomic
def log_reply(
    *,
    message: LogEntry,
    text: str,
    by: User,
    base_url: str = "",
    request: HttpRequest | None = None,
) -> LogEntry:
    """The key person (or any colleague who keeps the log) answers a family's message in the
    log; each parent linked to the child is emailed that there is a reply, in their language."""
    if message.kind != LogKind.MESSAGE:
        raise ValidationError({"text": ["Only a message from the family can be replied to."]})
    reply = LogEntry.objects.create(
        pupil=message.pupil,
        kind=LogKind.REPLY,
        occurred_on=timezone.localdate(),
        text=_check_text(text),
        shared=True,
        author=by,
        author_name=_name(by),
        in_reply_to=message,
    )
    audit.log(AuditAction.CREATE, by, reply, {"kind": "reply"}, request=request)
    path = reverse("family_log", args=[message.pupil_id])
    links = FamilyLink.objects.filter(pupil=message.pupil, contact__user__isnull=False)
    for link in links.select_related("contact__user"):
        parent = link.contact.user
        assert parent is not None
        notice = notify.Notice(
            template="reply_to_family",
            email=link.contact.email or parent.email,
            language=selectors.parent_language(parent),
            context={"pupil": message.pupil, "url": _family_link(message.pupil, path, base_url)},
        )
        transaction.on_commit(lambda notice=notice: notify.send(notice))  # type: ignore[misc]
    return reply


def family_concern_raise(
    *, pupil: Pupil, area: str, what_was_seen: str, by: User, request: HttpRequest | None = None
) -> Concern:
    """A parent raises a concern from the family area: it is the SENCo's to decide, with the
    source "parent" (seed 002: schools take parents' concerns seriously)."""
    return support_services.concern_raise(
        pupil=pupil,
        source="parent",
        raised_on=timezone.localdate(),
        area=area,
        what_was_seen=what_was_seen,
        raised_by_name=_name(by),
        by=by,
        request=request,
    )


@transaction.atomic
def views_draft_save(
    *, cycle: Cycle, data: dict[str, str], by: User, request: HttpRequest | None = None
) -> ViewsDraft:
    """Keep a parent's unfinished views to come back to (not yet seen by the school)."""
    fields = {k: data.get(k, "") for k in ("views", "strengths", "barriers")}
    draft, _ = ViewsDraft.objects.update_or_create(
        cycle=cycle, parent=by, defaults={**fields, "saved_at": timezone.now()}
    )
    audit.log(
        AuditAction.UPDATE, by, draft, {"draft": True}, request=request, pupil_id=cycle.pupil_id
    )
    return draft


def views_send(
    *, cycle: Cycle, data: dict[str, Any], by: User, request: HttpRequest | None = None
) -> None:
    """Send the parent's views: an assessment view with the source "parent", and the draft is
    gone."""
    support_services.assessment_view_add(
        cycle=cycle,
        data={
            "source": "parent",
            "given_by": _name(by),
            "given_on": timezone.localdate(),
            **data,
        },
        by=by,
        request=request,
    )
    ViewsDraft.objects.filter(cycle=cycle, parent=by).delete()


def views_reminders_send(*, today: date, base_url: str = "") -> int:
    """Email each parent with an account whose child's views before a review have opened and
    who has neither sent views nor been reminded for that cycle. Returns how many were sent."""
    sent = 0
    cycles = Cycle.objects.filter(closed_on__isnull=True, plan__isnull=False).select_related(
        "plan", "pupil__school"
    )
    for cycle in cycles:
        window = selectors.views_window(cycle, today)
        if window is None or not window.is_open or window.review_on < today:
            continue
        links = FamilyLink.objects.filter(pupil=cycle.pupil, contact__user__isnull=False)
        for link in links.select_related("contact__user"):
            parent = link.contact.user
            assert parent is not None
            if _reminded_or_sent(cycle, parent):
                continue
            ViewsReminder.objects.create(cycle=cycle, parent=parent, sent_on=today)
            path = reverse("family_views", args=[cycle.pupil_id])
            notify.send(
                notify.Notice(
                    template="views_reminder",
                    email=link.contact.email or parent.email,
                    language=selectors.parent_language(parent),
                    context={
                        "pupil": cycle.pupil,
                        "review_on": window.review_on,
                        "url": f"{base_url}{path}",
                    },
                )
            )
            sent += 1
    return sent


def _reminded_or_sent(cycle: Cycle, parent: User) -> bool:
    if ViewsReminder.objects.filter(cycle=cycle, parent=parent).exists():
        return True
    return cycle.views.filter(source="parent", recorded_by=parent).exists()


@transaction.atomic
def pupil_voice_record(
    *,
    cycle: Cycle,
    data: dict[str, Any],
    target_words: dict[int, str],
    by: User,
    request: HttpRequest | None = None,
) -> PupilVoice:
    """The child's views, with an adult, in the child's own words exactly as they said them
    (nothing is trimmed or corrected but the surrounding spaces); and any target in their
    words."""
    if cycle.closed_on is not None:
        raise ValidationError({"feeling": ["This plan has been reviewed already."]})
    voice = PupilVoice.objects.create(
        cycle=cycle,
        feeling=data["feeling"],
        going_well=data.get("going_well", "").strip(),
        hard=data.get("hard", "").strip(),
        helps=data.get("helps", "").strip(),
        wish=data.get("wish", "").strip(),
        given_on=timezone.localdate(),
        recorded_by=by,
    )
    targets = {t.pk: t for t in Target.objects.filter(plan__cycle=cycle, pk__in=target_words)}
    for pk, words in target_words.items():
        if pk in targets and words.strip():
            TargetWords.objects.update_or_create(
                target=targets[pk], defaults={"words": words.strip(), "recorded_by": by}
            )
    audit.log(
        AuditAction.CREATE,
        by,
        voice,
        {"pupil_voice": True},
        request=request,
        pupil_id=cycle.pupil_id,
    )
    return voice


def language_choose(*, user: User, language: str) -> FamilyLanguage:
    """The parent's language for the family area (a shipped one)."""
    choice, _ = FamilyLanguage.objects.update_or_create(user=user, defaults={"language": language})
    audit.log(AuditAction.UPDATE, user, choice, {"language": language})
    return choice
