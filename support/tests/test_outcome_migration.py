"""Issue 13: the migration gives every existing rating an outcome by the rule in
docs/decisions.md (support.rules.derived_outcome)."""

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from sendpath.testing import review_data
from support import services
from support.models import TargetRating

TODAY = timezone.localdate()
migration = importlib.import_module("support.migrations.0003_review_outcomes_and_next_review")


def test_old_ratings_get_the_outcome_the_rule_gives(world):
    senco = world.users["senco"]
    cycle = services.cycle_open(pupil=world.amy, opened_on=TODAY - timedelta(days=90), by=senco)
    plan = services.plan_save(
        cycle=cycle,
        by=senco,
        version=0,
        data={"plan_date": TODAY - timedelta(days=90), "review_date": TODAY, "outcomes": "Reads"},
    )
    rows = [  # (target value, target date offset, rating, value reached) -> outcome
        ("40 of 45", -1, 0, "31 of 45", "partly_achieved"),  # on track is not met
        ("40 of 45", -1, -1, "41 of 45", "achieved"),  # the numbers win over the rating
        ("", -1, 1, "", "achieved"),
        ("", -1, 0, "", "partly_achieved"),
        ("", -1, -2, "", "not_achieved"),
        ("", 30, 0, "", "not_yet_due"),
    ]
    targets = [
        services.target_add(
            plan=plan,
            by=senco,
            data={
                "description": f"Target {n}",
                "baseline": "12 of 45" if value else "",
                "target_value": value,
                "target_date": TODAY + timedelta(days=due),
            },
        )
        for n, (value, due, *_rest) in enumerate(rows)
    ]
    services.review_complete(
        cycle=cycle,
        data=review_data(),
        by=senco,
        ratings={
            t.pk: {"rating": r[2], "value_reached": r[3], "outcome": "not_achieved"}
            for t, r in zip(targets, rows, strict=True)
        },
    )
    migration.derive_outcomes(apps, None)
    got = {r.target_id: r.outcome for r in TargetRating.objects.all()}
    assert [got[t.pk] for t in targets] == [r[4] for r in rows]
