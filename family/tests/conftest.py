"""What the family tests share: Amy's plan (and its review) made to measure, a signed-in
client, and a PDF's text as pdftotext reads it."""

import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sendpath.testing import review_data
from support import services
from support.models import Cycle

TODAY = timezone.localdate()


@pytest.fixture
def amy_plan(world) -> Callable[..., Cycle]:
    """`amy_plan(review_in=10)`: Amy's cycle opened `opened_ago` days ago with its plan written
    then ("Amy reads for pleasure"), reviewed in `review_in` days (negative: that many days
    ago), and one target due that day ("Read 20 tricky words"). With `reviewed=(outcome,
    value_reached)` the review is held, `held_in` days from today (else on the plan's review
    date), and the cycle is closed."""
    senco = world.users["senco"]

    def make(
        *,
        review_in: int,
        opened_ago: int = 40,
        reviewed: tuple[str, str] | None = None,
        held_in: int | None = None,
    ) -> Cycle:
        opened, review_on = TODAY - timedelta(days=opened_ago), TODAY + timedelta(days=review_in)
        cycle = services.cycle_open(pupil=world.amy, opened_on=opened, by=senco)
        plan = services.plan_save(
            cycle=cycle,
            by=senco,
            version=0,
            data={
                "plan_date": opened,
                "review_date": review_on,
                "outcomes": "Amy reads for pleasure",
            },
        )
        target = services.target_add(
            plan=plan,
            by=senco,
            data={"description": "Read 20 tricky words", "target_date": review_on},
        )
        if reviewed is not None:
            outcome, value = reviewed
            services.review_complete(
                cycle=cycle,
                data=review_data(
                    held_on=review_on if held_in is None else TODAY + timedelta(days=held_in)
                ),
                ratings={target.pk: {"rating": 1, "value_reached": value, "outcome": outcome}},
                by=senco,
            )
            cycle.refresh_from_db()
        return cycle

    return make


@pytest.fixture
def signed_in(world) -> Callable[[str], Client]:
    """A client signed in as one of the world's personas."""

    def client_for(persona: str) -> Client:
        client = Client()
        client.force_login(world.users[persona])
        return client

    return client_for


@pytest.fixture
def pdf_text() -> Callable[[bytes], str]:
    """A PDF's words with each run of spaces and line breaks as one space (skipped without
    poppler-utils)."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")

    def read(content: bytes) -> str:
        done = subprocess.run(
            ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
        )
        return re.sub(r"\s+", " ", done.stdout.decode())

    return read
