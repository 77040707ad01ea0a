"""Small numbers for figure-only readers (accounts/disclosure.py, issue 12 item 9): pure, so
these run without a database."""

from hypothesis import given
from hypothesis import strategies as st

from accounts import disclosure

counts = st.integers(min_value=0, max_value=10_000)
thresholds = st.integers(min_value=0, max_value=20)


@given(counts, thresholds)
def test_a_count_below_the_threshold_is_never_shown(count, threshold):
    shown = disclosure.count_shown(count, threshold)
    if 0 < count < threshold:
        assert shown == f"fewer than {threshold}"
        assert str(count) not in shown.replace(str(threshold), "")
    else:
        assert shown == str(count)


@given(counts, thresholds)
def test_the_phrase_agrees_with_the_count(count, threshold):
    phrase = disclosure.pupils_shown(count, threshold)
    assert phrase.startswith(disclosure.count_shown(count, threshold) + " pupil")
    assert phrase.endswith("pupil") == (count == 1 and not disclosure.is_small(count, threshold))


@given(st.text(min_size=1), st.text(min_size=1), counts, thresholds)
def test_a_one_pupil_provision_is_shown_by_its_intervention(name, intervention, pupils, threshold):
    shown = disclosure.provision_shown(name, intervention, pupils, threshold)
    if pupils == 1 and threshold > 1:
        assert shown == f"1:1 — {intervention}"
    else:
        assert shown == name


def test_the_issue_example():
    assert disclosure.count_shown(1, 3) == "fewer than 3"
    assert disclosure.count_shown(3, 3) == "3"
    assert disclosure.count_shown(0, 3) == "0"  # nobody: no child to identify
    assert disclosure.count_shown(1, 0) == "1"  # the SENCo: exact
    assert (
        disclosure.provision_shown(
            "Year 4 SALT programme 1:1 A", "Speech and language programme", 1, 3
        )
        == "1:1 — Speech and language programme"
    )
