"""Every page for every persona: 200 where the role reaches, 403 for a write the role may not
make or an area it has no part in, 404 for a pupil outside its reach, a redirect to sign in for
the anonymous. The expected table is written out by hand from the access rules in
the access package so a change of reach shows up here."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sendpath.testing import PERSONAS, World, add_support_records


def urls(w: World) -> dict[str, str]:
    amy_entry = w.amy.register_entries.get(end_date__isnull=True)
    amy_need = w.amy.needs.get(rank=1)
    cycle = w.amy.cycles.get()
    concern = w.amy.concerns.get()
    document = w.amy.attachments.get()
    ehc, plan = _ehc_records(w)
    review = plan.reviews.first()
    invitation = review.invitations.first()
    return {
        "school_home": reverse("school_home"),
        "register": reverse("register"),
        "register_csv": reverse("register_export", args=["csv"]),
        "register_xlsx": reverse("register_export", args=["xlsx"]),
        "pupil_new": reverse("pupil_create"),
        "amy": reverse("pupil_detail", args=[w.amy.pk]),
        "ben": reverse("pupil_detail", args=[w.ben.pk]),
        "dan": reverse("pupil_detail", args=[w.dan.pk]),
        "cara": reverse("pupil_detail", args=[w.cara.pk]),
        "amy_edit": reverse("pupil_edit", args=[w.amy.pk]),
        "amy_register_change": reverse("register_change", args=[w.amy.pk]),
        "amy_parents_informed": reverse("parents_informed", args=[w.amy.pk, amy_entry.pk]),
        "amy_need_add": reverse("need_add", args=[w.amy.pk]),
        "amy_need_end": reverse("need_end", args=[w.amy.pk, amy_need.pk]),
        "cara_register_change": reverse("register_change", args=[w.cara.pk]),
        "audit": reverse("audit_search"),
        "audit_csv": reverse("audit_export"),
        "family_home": reverse("family_home"),
        "family_amy": reverse("family_pupil", args=[w.amy.pk]),
        "family_ben": reverse("family_pupil", args=[w.ben.pk]),
        "overview": reverse("overview_home"),
        "overview_compliance": reverse("overview_compliance"),
        "switch_school": reverse("school_switch"),
        "api_tokens": reverse("api_tokens"),
        "personal_settings": reverse("personal_settings"),
        "school_terms": reverse("school_terms"),
        "concern_new": reverse("concern_create", args=[w.amy.pk]),
        "concern_decide": reverse("concern_decide", args=[concern.pk]),
        "cycle_new": reverse("cycle_open", args=[w.amy.pk]),
        "cycle": reverse("cycle_detail", args=[cycle.pk]),
        "view_new": reverse("view_add", args=[cycle.pk]),
        "specialist_new": reverse("specialist_add", args=[w.amy.pk]),
        "compliance": reverse("compliance_school"),
        "compliance_summary": reverse("compliance_summary"),
        "plan": reverse("plan_edit", args=[cycle.pk]),
        "review": reverse("review", args=[cycle.pk]),
        "amend": reverse("amend", args=[cycle.pk]),
        "document_new": reverse("attachment_add", args=[w.amy.pk]),
        "document": reverse("attachment_download", args=[document.pk]),
        "passport": reverse("passport", args=[w.amy.pk]),
        "passport_edit": reverse("passport_edit", args=[w.amy.pk]),
        "ben_passport": reverse("passport", args=[w.ben.pk]),
        "plan_pdf": reverse("cycle_plan_pdf", args=[cycle.pk]),
        "passport_pdf": reverse("pupil_passport_pdf", args=[w.amy.pk]),
        "family_plan_pdf": reverse("family_cycle_plan_pdf", args=[cycle.pk]),
        "family_views": reverse("family_views", args=[w.amy.pk]),
        "provision_map": reverse("provision_map"),
        "provision_map_xlsx": reverse("provision_map_xlsx"),
        "provision_impact": reverse("provision_impact"),
        "provision_budget": reverse("provision_budget"),
        "provision_import": reverse("provision_import"),
        "spending_add": reverse("spending_line_add"),
        "costed_map": reverse("pupil_costed_map", args=[w.amy.pk]),
        "costed_map_pdf": reverse("pupil_costed_map_pdf", args=[w.amy.pk]),
        "top_up": reverse("pupil_top_up", args=[w.amy.pk]),
        "provision_list": reverse("provision_list"),
        "provision_library": reverse("provision_library"),
        "ehc_casework": reverse("ehc_casework"),
        "ehc_la_figures": reverse("ehc_la_figures"),
        "ehc_request_new": reverse("ehc_request_new", args=[w.amy.pk]),
        "ehc_evidence_pack": reverse("ehc_evidence_pack", args=[w.amy.pk]),
        "ehc_request": reverse("ehc_request", args=[ehc.pk]),
        "ehc_decision": reverse("ehc_request_decision", args=[ehc.pk]),
        "ehc_request_caseworker": reverse("ehc_request_caseworker", args=[ehc.pk]),
        "ehc_exception_add": reverse("ehc_exception_add", args=[ehc.pk]),
        "ehc_plan_new": reverse("ehc_plan_new", args=[w.amy.pk]),
        "ehc_plan_new_for_request": reverse("ehc_plan_new_for_request", args=[ehc.pk]),
        "ehc_plan_caseworker": reverse("ehc_plan_caseworker", args=[plan.pk]),
        "ehc_plan": reverse("ehc_plan", args=[plan.pk]),
        "ehc_review_new": reverse("ehc_review_add", args=[plan.pk]),
        "ehc_transfer_add": reverse("ehc_transfer_add", args=[plan.pk]),
        "ehc_plan_sections": reverse("ehc_plan_sections", args=[plan.pk]),
        "ehc_plan_links": reverse("ehc_plan_links", args=[plan.pk]),
        "ehc_f_in_place": reverse("ehc_f_in_place", args=[plan.pk]),
        "ehc_f_in_place_pdf": reverse("ehc_f_in_place_pdf", args=[plan.pk]),
        "ehc_plan_document_add": reverse("ehc_plan_document_add", args=[plan.pk]),
        "ehc_document": reverse("ehc_document", args=[plan.documents.get().pk]),
        "ehc_review_report": reverse("ehc_review_report", args=[review.pk]),
        "ehc_review_report_send": reverse("ehc_review_report_send", args=[review.pk]),
        "ehc_review": reverse("ehc_review", args=[review.pk]),
        "ehc_review_decision": reverse("ehc_review_decision", args=[review.pk]),
        "ehc_invitation_add": reverse("ehc_invitation_add", args=[review.pk]),
        "ehc_invitation_edit": reverse("ehc_invitation_edit", args=[review.pk, invitation.pk]),
        "family_ehc_amy": reverse("family_ehc", args=[w.amy.pk]),
        "family_ehc_ben": reverse("family_ehc", args=[w.ben.pk]),
        **_people_urls(w),
        # Identification from data (attainment/, records/identification.py).
        "pupils_to_look_at": reverse("pupils_to_look_at"),
        "identification_settings": reverse("identification_settings"),
        "attainment_import": reverse("attainment_import"),
        "amy_progress": reverse("pupil_progress", args=[w.amy.pk]),
        "amy_point_remove": reverse("assessment_point_remove", args=[_amy_point(w).pk]),
        # A leaver's records (interop): the leaving page, the SEN file, the imports, the leavers.
        "amy_leaving": reverse("leaving", args=[w.amy.pk]),
        "amy_sen_file_json": reverse("sen_file_json", args=[w.amy.pk]),
        "amy_plan_import": reverse("plan_upload", args=[w.amy.pk]),
        "amy_sen_file_pdf": reverse("sen_file_pdf", args=[w.amy.pk]),
        "ctf_upload": reverse("ctf_upload"),
        "sen_file_upload": reverse("sen_file_upload"),
        "leavers": reverse("leavers"),
        **_family_urls(w),
        **_duties_urls(w),
    }


def _amy_point(w: World) -> Any:
    from datetime import date

    from attainment.models import AssessmentPoint, Subject

    maths, _ = Subject.objects.get_or_create(
        school=w.oak, name="Maths", defaults={"min_score": 80, "max_score": 120}
    )
    point, _ = AssessmentPoint.objects.get_or_create(
        pupil=w.amy, subject=maths, assessed_on=date(2026, 3, 20), defaults={"score": 100}
    )
    return point


def _duties_urls(w: World) -> dict[str, str]:
    """The school's duties (duties/): Oak's SEN information report, a draft."""
    from duties import services
    from duties.models import InformationReport

    report = InformationReport.objects.filter(school=w.oak).first() or services.report_start(
        school=w.oak, start_year=2025, by=w.users["senco"]
    )
    return {
        "info_report": reverse("information_report"),
        "info_report_version": reverse("information_report_version", args=[report.pk]),
        "info_report_edit": reverse("information_report_edit", args=[report.pk]),
        "info_report_publish": reverse("information_report_publish", args=[report.pk]),
        "family_info_report": reverse("family_information_report"),
        "duties_training": reverse("duties_training"),
        "duties_training_add": reverse("duties_training_add"),
        "duties_governors": reverse("duties_governors"),
        "duties_governors_pdf": reverse("duties_governors_pdf"),
        "duties_traces": reverse("duties_traces"),
        "duties_trace_amy": reverse("duties_trace", args=[w.amy.pk]),
        "duties_trace_pdf_amy": reverse("duties_trace_pdf", args=[w.amy.pk]),
        "duties_layer_amy": reverse("duties_layer", args=[w.amy.pk]),
        "duties_ta_deployment": reverse("duties_ta_deployment"),
    }


def _people_urls(w: World) -> dict[str, str]:
    """The school's administration pages (people/), about Oak's records."""
    from accounts.models import Membership
    from pupils.models import Contact, TeachingGroup

    teacher = Membership.objects.get(user=w.users["teacher"], school=w.oak)
    contact = Contact.objects.get(user=w.users["parent"])
    group = TeachingGroup.objects.get(school=w.oak, name="5A")
    return {
        "school_staff": reverse("school_staff"),
        "membership_role": reverse("membership_role", args=[teacher.pk]),
        "membership_end": reverse("membership_end", args=[teacher.pk]),
        "school_families": reverse("school_families"),
        "contact_add": reverse("contact_add"),
        "contact_detail": reverse("contact_detail", args=[contact.pk]),
        "school_classes": reverse("school_classes"),
        "group_detail": reverse("group_detail", args=[group.pk]),
        "classes_upload": reverse("classes_upload"),
        "ta_assignments": reverse("ta_assignments"),
        "school_rollover": reverse("school_rollover"),
        "installation": reverse("installation"),
    }


def _family_urls(w: World) -> dict[str, str]:
    """Families as partners (issue 17): the parents' pages of their own child, and the staff's
    communication log, key person and signposting, and the LA officers' signposting."""
    return {
        "family_log_amy": reverse("family_log", args=[w.amy.pk]),
        "family_log_ben": reverse("family_log", args=[w.ben.pk]),
        "family_concern_amy": reverse("family_concern", args=[w.amy.pk]),
        "family_concern_ben": reverse("family_concern", args=[w.ben.pk]),
        "family_voice_amy": reverse("family_voice", args=[w.amy.pk]),
        "family_my_targets_amy": reverse("family_my_targets", args=[w.amy.pk]),
        "family_my_targets_ben": reverse("family_my_targets", args=[w.ben.pk]),
        "pupil_log": reverse("pupil_log", args=[w.amy.pk]),
        "concern_list": reverse("concern_list"),
        "key_person": reverse("key_person_edit", args=[w.amy.pk]),
        "school_signposting": reverse("school_signposting"),
        "la_signposting": reverse("la_signposting"),
    }


def _ehc_records(w: World) -> tuple[Any, Any]:
    """Amy's EHC needs assessment request, and an EHC plan for Dan (whom no teacher or TA
    reaches), made once per world."""
    from datetime import timedelta

    from django.utils import timezone

    from statutory import services

    senco, today = w.users["senco"], timezone.localdate()
    ehc = w.amy.ehc_requests.first() or services.ehc_request_create(
        pupil=w.amy, by=senco, source="1", received_date=today - timedelta(weeks=3)
    )
    plan = w.dan.ehc_plans.first()
    if plan is None:
        plan = services.ehc_plan_issue(pupil=w.dan, issue_date=today, by=senco)
        review = services.annual_review_record(plan=plan, meeting_date=today, by=senco)
        services.review_invitation_add(
            review=review, invitee="parent", invited_date=today, by=senco
        )
        from django.core.files.uploadedfile import SimpleUploadedFile

        from statutory import documents

        documents.plan_document_add(
            plan=plan, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"), by=senco
        )
    return ehc, plan


OK, F, N = 200, 403, 404
# One column per persona, in PERSONAS order:
# fmt: off
#                        senco teach ta   slt  gov  dpo  admin parent outs la  trust nobody
EXPECTED = {
    "school_home":            [OK , OK , OK , OK , OK , OK , OK , F  , OK , F  , F  , F],
    "register":               [OK , OK , OK , OK , F  , F  , OK , F  , OK , F  , F  , F],
    "register_csv":           [OK , OK , OK , OK , F  , F  , OK , F  , OK , F  , F  , F],
    "register_xlsx":          [OK , OK , OK , OK , F  , F  , OK , F  , OK , F  , F  , F],
    "pupil_new":              [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "amy":                    [OK , OK , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "ben":                    [OK , OK , OK , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "dan":                    [OK , N  , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "cara":                   [N  , N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N],
    "amy_edit":               [OK , F  , N  , F  , N  , N  , OK , N  , N  , N  , N  , N],
    "amy_register_change":    [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "amy_parents_informed":   [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "amy_need_add":           [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "amy_need_end":           [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "cara_register_change":   [N  , N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N],
    "audit":                  [OK , F  , F  , F  , F  , OK , F  , F  , OK , F  , F  , F],
    "audit_csv":              [OK , F  , F  , F  , F  , OK , F  , F  , OK , F  , F  , F],
    "family_home":            [OK , OK , OK , OK , OK , OK , OK , OK , OK , OK , OK , OK],
    "family_amy":             [N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N  , N],
    "family_ben":             [N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N],
    "overview":               [F  , F  , F  , F  , F  , F  , F  , F  , F  , OK , OK , F],
    "overview_compliance":    [F  , F  , F  , F  , F  , F  , F  , F  , F  , OK , OK , F],
    "switch_school":          [OK , OK , OK , OK , OK , OK , OK , F  , OK , F  , F  , F],
    "api_tokens":             [OK , OK , OK , OK , OK , OK , OK , OK , OK , OK , OK , OK],
    "personal_settings":      [OK , OK , OK , OK , OK , OK , OK , OK , OK , OK , OK , OK],
    "school_terms":           [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "concern_new":            [OK , OK , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "concern_decide":         [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "cycle_new":              [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "cycle":                  [OK , OK , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "view_new":               [OK , OK , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "specialist_new":         [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "compliance":             [OK , F  , F  , OK , F  , F  , F  , F  , OK , F  , F  , F],
    "compliance_summary":     [OK , F  , F  , OK , F  , F  , F  , F  , OK , F  , F  , F],
    "plan":                   [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "review":                 [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "amend":                  [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "document_new":           [OK , OK , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "document":               [OK , OK , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "passport":               [OK , OK , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "passport_edit":          [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "ben_passport":           [OK , OK , OK , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "plan_pdf":               [OK , OK , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "passport_pdf":           [OK , OK , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "family_plan_pdf":        [N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N  , N],
    "family_views":           [N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N  , N],
    "provision_map":          [OK , F  , F  , OK , OK , F  , F  , F  , OK , F  , F  , F],
    "provision_map_xlsx":     [OK , F  , F  , OK , OK , F  , F  , F  , OK , F  , F  , F],
    "provision_impact":       [OK , F  , F  , OK , OK , F  , F  , F  , OK , F  , F  , F],
    "provision_budget":       [OK , F  , F  , OK , OK , F  , F  , F  , OK , F  , F  , F],
    "provision_import":       [OK , F  , F  , F  , F  , F  , F  , F  , OK , F  , F  , F],
    "spending_add":           [OK , F  , F  , F  , F  , F  , F  , F  , OK , F  , F  , F],
    "costed_map":             [OK , F  , F  , OK , F  , F  , F  , F  , N  , F  , F  , F],
    "costed_map_pdf":         [OK , F  , F  , OK , F  , F  , F  , F  , N  , F  , F  , F],
    "top_up":                 [OK , F  , F  , F  , F  , F  , F  , F  , N  , F  , F  , F],
    "provision_list":         [OK , OK , OK , OK , F  , F  , OK , F  , OK , F  , F  , F],
    "provision_library":      [OK , OK , OK , OK , OK , OK , OK , F  , OK , F  , F  , F],
    # EHC casework: the school's SENCo, senior leader and administrator read; the SENCo and the
    # LA's officer record; the LA's officer reaches every case of their LA's schools.
    "ehc_casework":           [OK , F  , F  , OK , F  , F  , OK , F  , OK , OK , F  , F],
    "ehc_la_figures":         [F  , F  , F  , F  , F  , F  , F  , F  , F  , OK , F  , F],
    "ehc_request_new":        [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "ehc_evidence_pack":      [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "ehc_request":            [OK , N  , N  , OK , N  , N  , OK , N  , N  , OK , N  , N],
    "ehc_decision":           [F  , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_request_caseworker": [F  , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    # A reg 10(4) exception is the LA's judgement: its officer only (the school's staff who
    # read the request are refused).
    "ehc_exception_add":      [F  , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    # Entering an issued plan: for a pupil, the SENCo of their school; for a request, the SENCo
    # and the LA's officer; the others who read the request are refused.
    "ehc_plan_new":           [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "ehc_plan_new_for_request":[OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_plan_caseworker":    [F  , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_plan":               [OK , N  , N  , OK , N  , N  , OK , N  , N  , OK , N  , N],
    "ehc_review_new":         [OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_transfer_add":       [OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_plan_sections":      [OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_plan_links":         [OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_f_in_place":         [OK , N  , N  , OK , N  , N  , OK , N  , N  , OK , N  , N],
    "ehc_f_in_place_pdf":     [OK , N  , N  , OK , N  , N  , OK , N  , N  , OK , N  , N],
    "ehc_plan_document_add":  [OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_document":           [OK , N  , N  , OK , N  , N  , OK , N  , N  , OK , N  , N],
    "ehc_review_report":      [OK , N  , N  , OK , N  , N  , OK , N  , N  , OK , N  , N],
    "ehc_review_report_send": [OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_review":             [OK , N  , N  , OK , N  , N  , OK , N  , N  , OK , N  , N],
    "ehc_review_decision":    [F  , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_invitation_add":     [OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    "ehc_invitation_edit":    [OK , N  , N  , F  , N  , N  , F  , N  , N  , OK , N  , N],
    # The parents' EHC status page: their own child only.
    "family_ehc_amy":         [N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N  , N],
    "family_ehc_ben":         [N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N],
    # The school's people and year (people/): the SENCo and the administrator of the school they
    # work in (the outsider runs Elm's, and finds no Oak record); the installation: superusers.
    "school_staff":           [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "membership_role":        [OK , F  , F  , F  , F  , F  , OK , F  , N  , F  , F  , F],
    "membership_end":         [OK , F  , F  , F  , F  , F  , OK , F  , N  , F  , F  , F],
    "school_families":        [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "contact_add":            [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "contact_detail":         [OK , F  , F  , F  , F  , F  , OK , F  , N  , F  , F  , F],
    "school_classes":         [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "group_detail":           [OK , F  , F  , F  , F  , F  , OK , F  , N  , F  , F  , F],
    "classes_upload":         [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "ta_assignments":         [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "school_rollover":        [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "installation":           [F  , F  , F  , F  , F  , F  , F  , F  , F  , F  , F  , F],
    # Identification from data: the SENCo, senior leaders and teachers (their own pupils) see the
    # pupils to look at; the SENCo sets the thresholds; the SENCo and administrator import.
    "pupils_to_look_at":      [OK , OK , F  , OK , F  , F  , F  , F  , OK , F  , F  , F],
    "identification_settings":[OK , F  , F  , F  , F  , F  , F  , F  , OK , F  , F  , F],
    "attainment_import":      [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "amy_progress":           [OK , OK , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    # Removing a wrongly entered point: the SENCo only (others who reach Amy are refused).
    "amy_point_remove":       [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    # Leavers (interop): the SENCo and the administrator record a leaving and write the pupil's
    # CTF and SEN file; they import CTFs and transfer packs; the leavers page is the SENCo's and
    # the DPO's (the outsider is Elm's SENCo).
    "amy_leaving":            [OK , F  , N  , F  , N  , N  , OK , N  , N  , N  , N  , N],
    "amy_sen_file_json":      [OK , F  , N  , F  , N  , N  , OK , N  , N  , N  , N  , N],
    "amy_plan_import":        [OK , F  , N  , F  , N  , N  , F  , N  , N  , N  , N  , N],
    "amy_sen_file_pdf":       [OK , F  , N  , F  , N  , N  , OK , N  , N  , N  , N  , N],
    "ctf_upload":             [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "sen_file_upload":        [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    "leavers":                [OK , F  , F  , F  , F  , OK , F  , F  , OK , F  , F  , F],
    # Families as partners: a parent reaches their own child's pages only; the staff's log is
    # for those who reach the pupil as staff; the key person and signposting for the SENCo and
    # the administrator.
    "family_log_amy":         [N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N  , N],
    "family_log_ben":         [N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N],
    "family_concern_amy":     [N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N  , N],
    "family_concern_ben":     [N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N],
    "family_voice_amy":       [N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N  , N],
    "family_my_targets_amy":  [N  , N  , N  , N  , N  , N  , N  , OK , N  , N  , N  , N],
    "family_my_targets_ben":  [N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N  , N],
    "pupil_log":              [OK , OK , N  , OK , N  , N  , OK , N  , N  , N  , N  , N],
    "concern_list":           [OK , F  , F  , F  , F  , F  , F  , F  , OK , F  , F  , F],
    "key_person":             [OK , F  , N  , F  , N  , N  , OK , N  , N  , N  , N  , N],
    "school_signposting":     [OK , F  , F  , F  , F  , F  , OK , F  , OK , F  , F  , F],
    # The LA's signposting: its officers only (a trust officer, a school's staff are refused).
    "la_signposting":         [F  , F  , F  , F  , F  , F  , F  , F  , F  , OK , F  , F],
    # The SEN information report (duties/): read by the SENCo, senior leaders, the governor and
    # the administrator of the school; written by the SENCo and senior leaders; the family page
    # answers every signed-in user (a parent sees only a draft shared with them).
    "info_report":            [OK , F  , F  , OK , OK , F  , OK , F  , OK , F  , F  , F],
    "info_report_version":    [OK , F  , F  , OK , OK , F  , OK , N  , N  , N  , N  , N],
    "info_report_edit":       [OK , F  , F  , OK , F  , F  , F  , N  , N  , N  , N  , N],
    "info_report_publish":    [OK , F  , F  , OK , F  , F  , F  , N  , N  , N  , N  , N],
    "family_info_report":     [OK , OK , OK , OK , OK , OK , OK , OK , OK , OK , OK , OK],
    # Staff SEND training: the SENCo, senior leaders and the administrator; the governors'
    # report (figures only): the SENCo, senior leaders and the SEN governor.
    "duties_training":        [OK , F  , F  , OK , F  , F  , OK , F  , OK , F  , F  , F],
    "duties_training_add":    [OK , F  , F  , OK , F  , F  , OK , F  , OK , F  , F  , F],
    "duties_governors":       [OK , F  , F  , OK , OK , F  , F  , F  , OK , F  , F  , F],
    "duties_governors_pdf":   [OK , F  , F  , OK , OK , F  , F  , F  , OK , F  , F  , F],
    # The case trace and the plan's layer and annual review: the SENCo and senior leaders, for
    # pupils within their reach.
    "duties_traces":          [OK , F  , F  , OK , F  , F  , F  , F  , OK , F  , F  , F],
    "duties_trace_amy":       [OK , F  , N  , OK , N  , N  , F  , N  , N  , N  , N  , N],
    "duties_trace_pdf_amy":   [OK , F  , N  , OK , N  , N  , F  , N  , N  , N  , N  , N],
    "duties_layer_amy":       [OK , F  , N  , OK , N  , N  , F  , N  , N  , N  , N  , N],
    "duties_ta_deployment":   [OK , F  , F  , OK , F  , F  , F  , F  , OK , F  , F  , F],
}
# fmt: on


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        w = World.build()
        add_support_records(w)
        yield w, urls(w)
        # Module-wide rows live outside the per-test transactions: empty the tables afterwards.
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
        from provision import catalogue
        from provision.models import Intervention

        catalogue.load(Intervention)  # the flush emptied the migration's built-in catalogue


def test_every_url_is_in_the_matrix(matrix_world):
    _, paths = matrix_world
    assert set(paths) == set(EXPECTED)
    assert all(len(row) == len(PERSONAS) for row in EXPECTED.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_every_url_as(persona, matrix_world):
    w, paths = matrix_world
    client = Client()
    client.force_login(w.users[persona])
    column = PERSONAS.index(persona)
    got = {name: client.get(path).status_code for name, path in paths.items()}
    want = {name: EXPECTED[name][column] for name in paths}
    assert got == want


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(world):
    add_support_records(world)
    client = Client()
    for path in urls(world).values():
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login")), path


@pytest.mark.django_db
def test_writes_refused_for_read_only_roles(world):
    """A POST to a register decision by anyone but the SENCo changes nothing."""
    path = reverse("register_change", args=[world.ben.pk])
    form = {
        "provision": "K",
        "start_date_0": "1",
        "start_date_1": "10",
        "start_date_2": "2025",
        "reason": "x",
        "need_type": "MLD",
    }
    for persona in ["teacher", "ta", "slt", "admin", "governor", "parent", "la_officer"]:
        client = Client()
        client.force_login(world.users[persona])
        assert client.post(path, form).status_code in (403, 404), persona
    assert not world.ben.register_entries.exists()


@pytest.mark.django_db
def test_support_writes_refused_for_roles_that_may_not_make_them(world):
    """POSTs to the SENCo's cycle actions by a teacher, and contributions by read-only roles,
    change nothing."""
    from support.models import Cycle, DoNote, Target

    add_support_records(world)
    cycle = world.amy.cycles.get()
    day = {"on_0": "1", "on_1": "1", "on_2": "2026", "kind": "support", "text": "x"}
    posts = {
        "teacher": [
            reverse("target_add", args=[cycle.pk]),
            reverse("plan_edit", args=[cycle.pk]),
            reverse("review", args=[cycle.pk]),
        ],
        "slt": [reverse("note_add", args=[cycle.pk]), reverse("target_add", args=[cycle.pk])],
        "admin": [reverse("note_add", args=[cycle.pk])],
        "ta": [reverse("note_add", args=[cycle.pk])],
        "parent": [reverse("note_add", args=[cycle.pk])],
        "outsider": [reverse("target_add", args=[cycle.pk]), reverse("note_add", args=[cycle.pk])],
    }
    for persona, paths in posts.items():
        client = Client()
        client.force_login(world.users[persona])
        for path in paths:
            assert client.post(path, {"description": "x", **day}).status_code in (403, 404), (
                persona,
                path,
            )
    assert not Target.objects.exists() and not DoNote.objects.exists()
    assert Cycle.objects.get(pk=cycle.pk).plan.outcomes == "Reads for pleasure"


@pytest.mark.django_db
def test_the_invitation_pages_are_open_to_anyone_with_a_valid_link_or_code(world):
    """The pages opened from an invitation (people/) are the only ones without sign-in: a valid
    link's page for anyone (signed in or not), 410 for a forged or used one; the code page for
    anyone. The superuser reaches the installation page, which every persona is refused above."""
    from people import services

    sent = services.staff_invite(
        school=world.oak,
        email="new@example.org",
        role="teacher",
        by=world.users["admin"],
        base_url="",
    )
    for persona in [None, *PERSONAS]:
        client = Client()
        if persona:
            client.force_login(world.users[persona])
        assert client.get(sent.link).status_code == 200, persona
        assert client.get(reverse("invitation_accept", args=["forged"])).status_code == 410
        assert client.get(reverse("family_join")).status_code == 200, persona
        assert client.get(reverse("family_join_link", args=["forged"])).status_code == 410
    root = world.users["nobody"]
    root.is_superuser = True
    root.save()
    client = Client()
    client.force_login(root)
    assert client.get(reverse("installation")).status_code == 200
