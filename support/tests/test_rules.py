"""The pure rules of the graduated approach, read like the Code of Practice."""

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from support import rules, smart

words = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz "), min_size=0, max_size=40)
good: dict[str, Any] = dict(
    baseline="reads 12 of 45 phonics sounds",
    measure="phonics tracker check",
    target_value="30 of 45 sounds",
    target_date=date(2026, 3, 27),
)


def codes(**kwargs):
    return {w.code for w in smart.check_target(**kwargs)}


def test_a_smart_target_has_no_warnings():
    assert (
        codes(description="Read 30 of the 45 phase 3 sounds correctly in a 1:1 check", **good)
        == set()
    )


@pytest.mark.parametrize("phrase", ["improve", "better", "more confident", "work on"])
def test_the_vague_phrases_of_the_issue_warn_and_say_which(phrase):
    warnings = smart.check_target(description=f"Sam will {phrase} his reading of 30 sounds", **good)
    vague = [w for w in warnings if w.code == "vague_words"]
    assert len(vague) == 1 and f"‘{phrase}’" in vague[0].message


@given(words, st.sampled_from(smart.VAGUE_PHRASES), words)
def test_any_vague_phrase_anywhere_warns(before, phrase, after):
    assert "vague_words" in codes(description=f"{before} {phrase} {after} 10 times", **good)


@given(words)
def test_no_number_anywhere_warns(text):
    assume(not smart._has_number(text))
    assert "no_number" in codes(description=text, **{**good, "target_value": ""})


@given(words, st.integers(0, 10_000))
def test_a_number_in_the_description_or_value_satisfies_measurable(text, n):
    assert "no_number" not in codes(description=f"{text} {n}", **{**good, "target_value": ""})
    assert "no_number" not in codes(description=text, **{**good, "target_value": str(n)})


def test_missing_measure_baseline_and_date_each_warn():
    assert codes(
        description="Write 3 sentences", baseline="", measure="", target_value="3", target_date=None
    ) == {
        "no_measure",
        "no_baseline",
        "no_date",
    }


@given(st.lists(words, max_size=3).map(" ".join))
def test_warnings_never_block_and_always_explain(text):
    for warning in smart.check_target(description=text):
        assert warning.message.endswith((".", ")."))


# --- review dates -----------------------------------------------------------------------------

TERMS = [
    rules.Term(date(2025, 9, 3), date(2025, 12, 19)),
    rules.Term(date(2026, 1, 5), date(2026, 3, 27)),
    rules.Term(date(2026, 4, 13), date(2026, 7, 22)),
]


def test_review_defaults_to_the_end_of_the_term():
    assert rules.default_review_date(date(2025, 10, 1), TERMS) == date(2025, 12, 19)


def test_a_plan_in_the_last_fortnight_is_reviewed_at_the_end_of_the_next_term():
    assert rules.default_review_date(date(2025, 12, 10), TERMS) == date(2026, 3, 27)


def test_a_plan_made_in_the_holidays_is_reviewed_at_the_end_of_the_next_term():
    assert rules.default_review_date(date(2026, 4, 1), TERMS) == date(2026, 7, 22)


def test_without_term_dates_a_review_is_twelve_weeks_on():
    assert rules.default_review_date(date(2026, 8, 1), TERMS) == date(2026, 8, 1) + timedelta(
        weeks=12
    )


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 1)))
def test_a_review_is_always_at_least_two_weeks_after_the_plan(plan_date):
    review = rules.default_review_date(plan_date, TERMS)
    assert review >= plan_date + timedelta(weeks=2)
    assert review in {t.end for t in TERMS} or review == plan_date + timedelta(weeks=12)


# --- carry forward ----------------------------------------------------------------------------

ratings = st.lists(
    st.tuples(st.integers(1, 10_000), st.integers(-2, 2)), unique_by=lambda p: p[0], max_size=12
)


@given(ratings)
def test_exactly_the_targets_below_expected_carry_forward_in_order(pairs):
    carried = rules.targets_to_carry(pairs)
    assert carried == [t for t, r in pairs if r < 0]
    assert set(carried) <= {t for t, _ in pairs}


@given(ratings)
def test_every_target_is_either_met_or_carried(pairs):
    carried = set(rules.targets_to_carry(pairs))
    for target_id, rating in pairs:
        assert (target_id in carried) != rules.is_met(rating)


def test_a_rating_outside_minus_2_to_2_is_refused():
    with pytest.raises(ValueError):
        rules.is_met(3)


def test_only_removal_from_the_register_ends_the_cycles():
    assert [d for d in rules.DECISIONS if not rules.opens_next_cycle(d)] == ["remove"]


# --- issue 13: half a term before a review; outcomes apart from ratings -----------------------


def _term_days(start: date, end: date) -> int:
    """Days from start to end inside a term of TERMS, or past the last one: counted one by one."""
    last = max(t.end for t in TERMS)
    return sum(
        1
        for n in range((end - start).days)
        if (d := start + timedelta(days=n)) > last or any(t.start <= d < t.end for t in TERMS)
    )


def test_a_plan_on_3_december_is_not_reviewed_on_18_december():
    terms = [
        rules.Term(date(2026, 9, 2), date(2026, 12, 18)),
        rules.Term(date(2027, 1, 4), date(2027, 3, 26)),
    ]
    assert rules.default_review_date(date(2026, 12, 3), terms) == date(2027, 3, 26)


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 1, 1)))
def test_a_default_review_is_never_sooner_than_six_school_weeks_after_the_plan(plan_date):
    review = rules.default_review_date(plan_date, TERMS)
    assert _term_days(plan_date, review) >= 6 * 7


def test_on_track_is_not_met_31_of_45_against_40_of_45():
    assert (
        rules.outcome_from_numbers(reached="31 of 45", target_value="40 of 45", baseline="12 of 45")
        == rules.PARTLY_ACHIEVED
    )
    assert rules.outcome_warning(outcome="achieved", reached="31 of 45", target_value="40 of 45")
    assert (
        rules.derived_outcome(rating=0, reached="31 of 45", target_value="40 of 45")
        != rules.ACHIEVED
    )


amounts = st.integers(0, 500)


@given(amounts, amounts, st.sampled_from(sorted(rules.OUTCOMES)))
def test_an_outcome_warns_exactly_when_it_contradicts_the_numbers(reached, aim, outcome):
    warning = rules.outcome_warning(
        outcome=outcome, reached=f"{reached} of 500", target_value=f"{aim} of 500"
    )
    contradicts = outcome != rules.NOT_YET_DUE and (outcome == rules.ACHIEVED) != (reached >= aim)
    assert (warning is not None) == contradicts


@given(words, st.sampled_from(sorted(rules.OUTCOMES)))
def test_targets_without_numbers_never_warn(text, outcome):
    assume(rules.amount(text) is None)
    assert rules.outcome_warning(outcome=outcome, reached=text, target_value="30 of 45") is None


@given(amounts, amounts, amounts, st.integers(-2, 2))
def test_the_migration_rule_follows_the_numbers_where_there_are_numbers(
    reached, aim, start, rating
):
    assume(aim >= start)  # a target that rises (one that falls is tested below)
    outcome = rules.derived_outcome(
        rating=rating, reached=str(reached), target_value=str(aim), baseline=str(start)
    )
    assert (outcome == rules.ACHIEVED) == (reached >= aim)
    assert (
        rules.outcome_warning(
            outcome=outcome, reached=str(reached), target_value=str(aim), baseline=str(start)
        )
        is None
    )


@given(st.integers(-2, 2))
def test_without_numbers_only_above_expected_counts_as_achieved(rating):
    outcome = rules.derived_outcome(rating=rating, reached="", target_value="")
    assert rules.is_achieved(outcome) == (rating >= 1)
    due_later = rules.derived_outcome(
        rating=rating,
        reached="",
        target_value="",
        target_date=date(2026, 7, 1),
        held_on=date(2026, 3, 1),
    )
    assert due_later == rules.NOT_YET_DUE


outcome_pairs = st.lists(
    st.tuples(st.integers(1, 10_000), st.sampled_from(sorted(rules.OUTCOMES))),
    unique_by=lambda p: p[0],
    max_size=12,
)


@given(outcome_pairs)
def test_only_achieved_targets_leave_the_plan(pairs):
    assert rules.targets_to_carry_on(pairs) == [t for t, o in pairs if o != "achieved"]


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 1, 1)))
def test_a_target_dated_after_its_review_warns(target_date):
    review = date(2026, 7, 22)
    warned = "after_review" in codes(
        description="Read 30 of 45 sounds",
        **{**good, "target_date": target_date},
        review_date=review,
    )
    assert warned == (target_date > review)


@given(amounts, amounts, amounts)
def test_a_target_that_falls_is_achieved_at_or_below_its_value(reached, aim, start):
    assume(aim < start)
    outcome = rules.outcome_from_numbers(
        reached=f"{reached} incidents", target_value=f"{aim} a week", baseline=f"{start} a week"
    )
    assert (outcome == rules.ACHIEVED) == (reached <= aim)
