"""Issue 13: each target rating records an outcome apart from the progress rating, and a review
records the next review date agreed with the family. Existing ratings get their outcome from
support.rules.derived_outcome (the rule is in docs/decisions.md, "Outcomes of reviews made before
outcomes were recorded")."""

from django.db import migrations, models


def derive_outcomes(apps, schema_editor):
    from support import rules

    TargetRating = apps.get_model("support", "TargetRating")
    rows = TargetRating.objects.select_related("target", "review")
    changed = []
    for r in rows.iterator(chunk_size=2000):
        r.outcome = rules.derived_outcome(
            rating=r.rating,
            reached=r.value_reached,
            target_value=r.target.target_value,
            baseline=r.target.baseline,
            target_date=r.target.target_date,
            held_on=r.review.held_on,
        )
        changed.append(r)
        if len(changed) >= 2000:
            TargetRating.objects.bulk_update(changed, ["outcome"])
            changed = []
    TargetRating.objects.bulk_update(changed, ["outcome"])


class Migration(migrations.Migration):
    dependencies = [("support", "0002_cycle_closing_note")]

    operations = [
        migrations.AddField(
            model_name="review",
            name="next_review_date",
            field=models.DateField(
                blank=True,
                help_text="The next cycle's review is set to this date; the review PDF tells parents it.",
                null=True,
                verbose_name="Next review date agreed with the family",
            ),
        ),
        migrations.AddField(
            model_name="targetrating",
            name="outcome",
            field=models.CharField(default="not_achieved", max_length=16),
            preserve_default=False,
        ),
        migrations.RunPython(derive_outcomes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="targetrating",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("achieved", "Achieved"),
                    ("partly_achieved", "Partly achieved"),
                    ("not_achieved", "Not achieved"),
                    ("not_yet_due", "Not yet due"),
                ],
                help_text="Whether the target was reached, apart from how progress went (the rating).",
                max_length=16,
            ),
        ),
    ]
