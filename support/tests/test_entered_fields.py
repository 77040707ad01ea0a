"""The plan's, review's and passport's fields are defined once, by the model (support/models.py):
what derives from them follows a new field by itself, and what keeps its own wording (the typed
service inputs, the API's schemas, the printed documents) is checked against them here, so a new
field that one of them lacks fails with the place to add it."""

import re
from pathlib import Path

import pytest
from django.db import models
from ninja import Schema

from api import schemas_support
from support import forms, services
from support.models import PASSPORT_FIELDS, PLAN_FIELDS, REVIEW_FIELDS, Passport, Plan, Review

RECORDS = [
    ("plan", Plan, PLAN_FIELDS, services.PlanInput),
    ("review", Review, REVIEW_FIELDS, services.ReviewInput),
    ("passport", Passport, PASSPORT_FIELDS, services.PassportInput),
]
PDF_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "support" / "pdf"


def test_the_entered_fields_are_the_models_own_less_those_the_services_keep():
    assert PLAN_FIELDS[:3] == ("plan_date", "review_date", "outcomes")
    assert "version" not in PLAN_FIELDS and "cycle" not in PLAN_FIELDS
    assert "completed_by" not in REVIEW_FIELDS and "given_to_parents_on" not in REVIEW_FIELDS
    assert {"pupil", "version", "updated_by", "updated_at"}.isdisjoint(PASSPORT_FIELDS)
    assert len(REVIEW_FIELDS) == 14  # issue 13 added next_review_date


@pytest.mark.parametrize(("name", "model", "fields", "typed"), RECORDS)
def test_each_service_input_types_every_field(name, model, fields, typed):
    assert tuple(typed.__annotations__) == fields, f"add the new {name} field to {typed.__name__}"


def test_the_forms_are_the_models_fields():
    assert list(forms.PlanForm().fields) == ["version", *PLAN_FIELDS]
    assert list(forms.ReviewForm(targets=[]).fields) == list(REVIEW_FIELDS)
    assert list(forms.PassportForm().fields) == ["version", *PASSPORT_FIELDS]


def test_the_api_reads_and_writes_every_field():
    inputs: list[tuple[type[Schema], tuple[str, ...], set[str]]] = [
        (schemas_support.PlanIn, PLAN_FIELDS, {"version"}),
        (schemas_support.ReviewIn, REVIEW_FIELDS, {"ratings"}),
        (schemas_support.PassportIn, PASSPORT_FIELDS, {"version"}),
    ]
    for schema, fields, extra in inputs:
        assert set(schema.model_fields) == set(fields) | extra, schema.__name__
    outputs: list[tuple[type[Schema], tuple[str, ...]]] = [
        (schemas_support.PlanOut, PLAN_FIELDS),
        (schemas_support.ReviewOut, REVIEW_FIELDS),
        (schemas_support.PassportOut, PASSPORT_FIELDS),
    ]
    for schema, fields in outputs:
        assert set(fields) <= set(schema.model_fields), schema.__name__


def test_amendments_change_the_plans_and_reviews_fields_and_the_page_offers_their_text():
    assert services.AMENDABLE == {"plan": PLAN_FIELDS, "review": REVIEW_FIELDS}
    offered = {value for value, _label in forms.AMENDABLE_TEXT}
    text = {
        f"{what}:{f.name}"
        for what, model in (("plan", Plan), ("review", Review))
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField)
    }
    assert offered == text
    assert ("review:parent_views", "Review: the parents' views") in forms.AMENDABLE_TEXT


# The printed review says these in its own words, translated for parents (support/pdf.py:
# DECISION_EXPLAINED, PROGRESS_WORDS and ATTENDANCE_WORDS, handed to the template as
# `overall_progress` and `attendance`); the test below checks support/pdf.py reads each of them.
SAID_IN_OTHER_WORDS = {"review": {"decision", "overall_progress", "parent_attendance"}}


@pytest.mark.parametrize(("name", "model", "fields", "typed"), RECORDS)
def test_each_printed_document_shows_every_field(name, model, fields, typed):
    source = (PDF_TEMPLATES / f"{name}.html").read_text()
    missing = [
        f
        for f in fields
        if not re.search(rf"\b{name}\.(get_{f}_display|{f})\b", source)
        and f not in SAID_IN_OTHER_WORDS.get(name, set())
    ]
    assert missing == [], f"support/templates/support/pdf/{name}.html does not show {missing}"


def test_the_fields_said_in_other_words_are_read_by_the_pdf_context():
    source = (Path(__file__).resolve().parents[1] / "pdf.py").read_text()
    for name, fields in SAID_IN_OTHER_WORDS.items():
        for f in fields:
            assert re.search(rf"\b{name}\.(get_{f}_display|{f})\b", source), f
