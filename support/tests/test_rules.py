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
