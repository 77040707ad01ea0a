"""A pupil leaves: the leaving date and destination, the 15-school-day clock for sending their
records on (interop.rules), marking them sent, and archiving a primary school's copy."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from accounts import schooldates
from accounts.models import User
from accounts.selectors import school_calendars
from audit import log as audit
from audit.models import AuditAction
from interop import rules
from interop.models import Leaving
from pupils import services as pupil_services
from pupils.models import Pupil


@dataclass(frozen=True)
class Destination:
    name: str
    urn: str = ""
    la: str = ""
    estab: str = ""


@transaction.atomic(durable=True)
def leaving_record(
    *,
    pupil: Pupil,
    leaving_date: date,
    destination: Destination,
    by: User,
    request: HttpRequest | None = None,
) -> Leaving:
    """Record (or correct) that `pupil` leaves on `leaving_date` for `destination`: the pupil's
    leaving date is set (they leave the roll that day) and the departure kept for the clock."""
    pupil_services.pupil_update(
        pupil=pupil,
        data={"leaving_date": leaving_date},
        version=pupil.version,
        by=by,
        request=request,
    )
    leaving, created = Leaving.objects.update_or_create(
        pupil=pupil,
        defaults={
            "leaving_date": leaving_date,
            "destination_name": destination.name,
            "destination_urn": destination.urn,
            "destination_la": destination.la,
            "destination_estab": destination.estab,
            "recorded_by": by,
        },
    )
    if leaving.sent_on is not None and leaving.sent_on < leaving_date:
        raise ValidationError({"leaving_date": "The records were sent before this date."})
    audit.log(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        by,
        leaving,
        {"leaving_date": leaving_date, "destination_urn": destination.urn},
        request=request,
        pupil_id=pupil.pk,
        school_id=pupil.school_id,
    )
    return leaving


@transaction.atomic(durable=True)
def leaving_sent(
    *, leaving: Leaving, sent_on: date, by: User, request: HttpRequest | None = None
) -> Leaving:
    """The CTF and the transfer pack went to the next school on `sent_on`: the clock stops."""
    if sent_on < leaving.leaving_date:
        raise ValidationError({"sent_on": "The records cannot be sent before the pupil left."})
    leaving.sent_on = sent_on
    leaving.save(update_fields=["sent_on"])
    audit.log(
        AuditAction.UPDATE, by, leaving, {"sent_on": sent_on}, request=request,
        pupil_id=leaving.pupil_id, school_id=leaving.pupil.school_id,
    )  # fmt: skip
    return leaving


@transaction.atomic(durable=True)
def file_archive(
    *, leaving: Leaving, today: date, by: User, request: HttpRequest | None = None
) -> Leaving:
    """A primary school that has passed the file on archives its copy (IRMS): it is then due
    for erasure (`sendpath retention`)."""
    if not rules.may_archive(phase=leaving.pupil.school.phase, sent_on=leaving.sent_on):
        raise ValidationError(
            "Only a primary school that has sent the file on may archive its copy; the last "
            "school keeps it until the pupil's date of birth + 31 years."
        )
    leaving.archived_on = today
    leaving.save(update_fields=["archived_on"])
    audit.log(
        AuditAction.UPDATE, by, leaving, {"archived_on": today}, request=request,
        pupil_id=leaving.pupil_id, school_id=leaving.pupil.school_id,
    )  # fmt: skip
    return leaving


def calendar_around(school_id: int, day: date) -> tuple[list[schooldates.TermDates], frozenset]:
    """The school's terms and closed days for the school year of `day` and the next: a year
    without recorded term dates takes the typical pattern and the bank holidays in it."""
    calendar = school_calendars([school_id]).get(school_id)
    recorded = calendar.terms if calendar else []
    closures = calendar.closure_days if calendar else []
    first = schooldates.school_year_start(day)
    terms: list[schooldates.TermDates] = []
    for year in (first, first + 1):
        bounds = schooldates.school_year_bounds(year)
        own = [t for t in recorded if bounds[0] <= t.start <= bounds[1]]
        if not own:
            own = schooldates.default_terms(year)
            closures = [*closures, *schooldates.bank_holidays_in(own)]
        terms.extend(own)
    return terms, schooldates.closed_dates(terms, closures)


def transfer_clock(leaving: Leaving, today: date) -> rules.TransferClock:
    """The 15-school-day clock for this leaver, on the school's own calendar."""
    terms, closed = calendar_around(leaving.pupil.school_id, leaving.leaving_date)
    return rules.transfer_clock(
        leaving_date=leaving.leaving_date,
        sent_on=leaving.sent_on,
        today=today,
        terms=terms,
        closed=closed,
    )
