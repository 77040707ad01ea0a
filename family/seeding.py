"""The demo's family-area records: the LA's and the school's signposting (modelled on the
SENDIASS leaflet of seed 001, with made-up Northshire details: 01632 960 is Ofcom's range for
drama), a key person's log with a shared and a staff-only entry, written through the services."""

from datetime import date, timedelta

from accounts.models import LocalAuthority, School, User
from family import services
from family.models import Signposting
from pupils.models import Pupil

LA_SIGNPOSTING = {
    "local_offer_url": "https://northshire.example/local-offer",
    "sendiass_name": "Northshire SEND information, advice and support service (SENDIASS)",
    "sendiass_phone": "01632 960 123",
    "sendiass_email": "sendiass@northshire.example",
    "sendiass_url": "https://northshire.example/sendiass",
    "complaints_how": "If you are not happy with how the local authority has handled your "
    "child's EHC needs assessment or plan, contact the SEND team first; then use the council's "
    "complaints procedure.",
    "views_open_days": 21,
}
SCHOOL_SIGNPOSTING = {
    "concerns_how": "Talk to your child's class teacher first. If you are still worried, "
    "contact the SENCo through the school office or send a message here.",
    "complaints_how": "Our complaints policy is on the school website. Write to the "
    "headteacher; if you are still not satisfied, to the chair of governors.",
    "school_phone": "01632 960 456",
}


def seed_family(la: LocalAuthority, school: School, pupil: Pupil, senco: User, today: date) -> None:
    """Signposting for the LA and the school, and two log entries about the demo's child."""
    Signposting.objects.update_or_create(la=la, defaults=LA_SIGNPOSTING)
    Signposting.objects.update_or_create(school=school, defaults=SCHOOL_SIGNPOSTING)
    services.log_entry_add(
        pupil=pupil,
        kind="call",
        occurred_on=today - timedelta(days=3),
        text="Called home to say the reading group starts on Monday; Mum will read with "
        "them at home three evenings a week.",
        shared=True,
        by=senco,
        today=today,
    )
    services.log_entry_add(
        pupil=pupil,
        kind="meeting",
        occurred_on=today - timedelta(days=1),
        text="Spoke with the class teacher about seating near the front.",
        shared=False,
        by=senco,
        today=today,
    )
