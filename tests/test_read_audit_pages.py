"""Every staff and family page or export that shows named pupils writes an audit row with the ids
of the pupils it showed (issue 12 item 4): a VIEW of a full record, an EXPORT, or a READ
(audit/reads.py), one row per request for a list. The pages are tests/test_access_matrix.py's
urls() and the provision pages, session register and exports beside them; each is either in
NAMED, with the pupils it shows, or in NO_NAMED_PUPILS, the pages that show none."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from test_access_matrix import urls

from audit.models import AuditEvent
from provision import services as provision_services
from provision.models import Intervention, StaffRole
from sendpath.testing import World, add_support_records

pytestmark = pytest.mark.django_db

# Pages with no named pupil on them: forms about the school, figures, the library, areas' homes.
NO_NAMED_PUPILS = frozenset(
    {
        "pupil_new",
        "audit",  # the trail itself: reading it is for the SENCo and the DPO, not a pupil read
        "audit_csv",
        "family_home",
        "overview",
        "ehc_la_figures",  # the LA's figures beside England's: counts, no names
        "switch_school",
        "api_tokens",
        "school_terms",
        "provision_map",  # figures until a row is chosen (then named: provision_map_row)
        "provision_impact",
        "provision_budget",
        "provision_import",
        "provision_library",
        "provision_list",  # provisions with counts of pupils, no names
        # people/: staff, classes with counts, the upload form, the installation.
        "school_staff",
        "membership_role",
        "membership_end",
        "school_classes",
        "classes_upload",
        "installation",
        # attainment/: the thresholds and the import's first step.
        "identification_settings",
        "attainment_import",
        # interop: the upload forms.
        "ctf_upload",
        "sen_file_upload",
        # duties/: the SEN information report (figures with small numbers suppressed).
        "info_report",
        "info_report_version",
        "info_report_edit",
        "info_report_publish",
        "family_info_report",
        "duties_training",  # staff's training, no pupil
        "duties_training_add",
        "duties_governors",  # figures only
        "duties_governors_pdf",
        "compliance_summary",  # the home's banner: counts of findings and of pupils, no names
        "personal_settings",  # the user's own reminder setting
        "school_signposting",  # the school's Local Offer and SENDIASS links
        "la_signposting",  # the LA's: the same links, and its schools by name
    }
)


def _provision(w: World):
    senco, today = w.users["senco"], timezone.localdate()
    role = StaffRole.objects.create(school=w.oak, name="TA", kind="ta2", hourly_cost=18)
    provision = provision_services.provision_create(
        school=w.oak,
        intervention=Intervention.objects.filter(school__isnull=True).order_by("name")[0],
        data={
            "name": "Reading group",
            "staff": w.users["ta"],
            "staff_role": role,
            "weekdays": [0, 1, 2, 3, 4],
            "session_minutes": 30,
            "start_date": today - timedelta(days=30),
            "end_date": today + timedelta(days=30),
            "resource_cost": Decimal("40"),
        },
        by=senco,
    )
    for pupil in (w.amy, w.ben):
        provision_services.enrol(
            provision=provision, pupil=pupil, start_date=provision.start_date, by=senco
        )
    return provision


def pages(w: World) -> dict[str, tuple[str, str]]:
    """name -> (persona, path): urls() as the SENCo (family pages as the parent), and more."""
    provision = _provision(w)
    cycle = w.amy.cycles.get()
    enrolment = provision.enrolments.get(pupil=w.amy)
    out = {
        name: ("parent" if name.startswith("family_") else "senco", path)
        for name, path in urls(w).items()
    }
    out |= {
        "provision_detail": ("senco", reverse("provision_detail", args=[provision.pk])),
        "provision_register": ("senco", reverse("provision_register", args=[provision.pk])),
        "provision_measures": ("senco", reverse("provision_measures", args=[enrolment.pk])),
        "provision_map_row": ("senco", reverse("provision_map") + "?wave=targeted"),
        "provision_map_pdf": ("senco", reverse("provision_map_pdf") + "?wave=targeted"),
        "costed_map_xlsx": ("senco", reverse("pupil_costed_map_xlsx", args=[w.amy.pk])),
        "review_pdf": ("senco", reverse("cycle_review_pdf", args=[cycle.pk])),
        "family_review_pdf": ("parent", reverse("family_cycle_review_pdf", args=[cycle.pk])),
        "la_signposting": ("la_officer", reverse("la_signposting")),
    }
    return out


# The pupils each named page shows, beyond Amy (every page is about Amy or lists her).
ALSO = {
    "group_detail": ("ben", "dan"),  # 5A's pupils, and the others on roll to add
    "ta_assignments": ("ben", "dan"),
    "contact_add": ("ben", "dan"),
    "contact_detail": ("ben", "dan"),  # Amy's contact; the others on roll to link
    "provision_detail": ("ben",),
    "provision_register": ("ben",),
    "provision_map_xlsx": ("ben",),
    "provision_map_row": ("ben",),
    "provision_map_pdf": ("ben",),
    "ben": (),
    "dan": (),
}
NOT_AMY = {
    # duties/: the TA deployment names the pupils the TA supports in class (Ben).
    "duties_ta_deployment": ("ben",),
    # people/: the assignments list Ben (the TA's) and every pupil on roll in the form's choices;
    # the rollover names its leavers (none in this world).
    "school_rollover": (),
    "ben": ("ben",),
    "dan": ("dan",),
    "cara": (),
    "ben_passport": ("ben",),
    "family_ben": (),
    "ehc_plan": ("dan",),  # the EHC plan the matrix names is Dan's
    "ehc_review_new": ("dan",),
    "ehc_transfer_add": ("dan",),  # a phase transfer is added to Dan's plan
    "ehc_plan_sections": ("dan",),
    "ehc_plan_links": ("dan",),
    "ehc_plan_caseworker": ("dan",),
    "ehc_f_in_place": ("dan",),
    "ehc_f_in_place_pdf": ("dan",),
    "ehc_plan_document_add": ("dan",),
    "ehc_document": ("dan",),
    "ehc_review_report": ("dan",),
    "ehc_review_report_send": ("dan",),
    "ehc_review": ("dan",),
    "ehc_review_decision": ("dan",),
    "ehc_invitation_add": ("dan",),
    "ehc_invitation_edit": ("dan",),
    "family_ehc_ben": (),
    # No assessment data in this world, so no pupil to look at (attainment/tests read the page).
    "pupils_to_look_at": (),
    "leavers": (),  # no leavers in this world (interop/tests/test_transfer.py reads one)
}


def _read_ids(since: int) -> list[int]:
    """The pupil ids in the rows written since `since`, with a repeat for each further row."""
    ids: list[int] = []
    for event in AuditEvent.objects.filter(pk__gt=since):
        listed = (event.data or {}).get("pupil_ids", [])
        ids += listed or ([event.pupil_id] if event.pupil_id else [])
    return ids


def test_every_page_that_shows_named_pupils_writes_a_row_with_their_ids(world):
    add_support_records(world)
    failures, twice, unnamed = {}, {}, {}
    for name, (who, path) in pages(world).items():
        client = Client()
        client.force_login(world.users[who])
        since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(path)
        if response.status_code != 200:
            continue  # not a page this persona reads (e.g. Cara at Elm): nothing shown
        got = _read_ids(since)
        if name in NO_NAMED_PUPILS:
            if got:
                unnamed[name] = got
            continue
        keys = NOT_AMY.get(name, ("amy", *ALSO.get(name, ())))
        want = {world.pupils[k].pk for k in keys}
        if not want <= set(got):
            failures[name] = sorted(want - set(got))
        if len(got) != len(set(got)):  # a pupil in two rows of one request
            twice[name] = got
    assert failures == {}, repr(failures)
    assert twice == {}, repr(twice)
    assert unnamed == {}, repr(unnamed)
