"""UPN validation (CBDS): property tests over the whole space of valid and corrupted UPNs."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pupils.upn import (
    CHECK_LETTERS,
    InvalidUPN,
    check_letter,
    is_valid_upn,
    make_temporary_upn,
    make_upn,
    parse_upn,
)

bodies = st.text(alphabet=string.digits, min_size=12, max_size=12)
temp_bodies = st.tuples(
    st.text(alphabet=string.digits, min_size=11, max_size=11), st.sampled_from(CHECK_LETTERS)
).map("".join)


@given(bodies)
def test_a_body_with_its_check_letter_is_valid(body):
    upn = check_letter(body) + body
    assert is_valid_upn(upn)
    assert not parse_upn(upn).is_temporary


@given(temp_bodies)
def test_temporary_upns_are_valid_and_known_as_temporary(body):
    upn = check_letter(body) + body
    assert parse_upn(upn).is_temporary


@given(bodies, st.sampled_from(CHECK_LETTERS))
def test_any_other_check_letter_is_refused(body, letter):
    if letter == check_letter(body):
        return
    with pytest.raises(InvalidUPN, match="check letter"):
        parse_upn(letter + body)


@given(bodies, st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_is_caught(body, position, delta):
    upn = check_letter(body) + body
    digits = list(body)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert not is_valid_upn(upn[0] + "".join(digits))


@given(bodies, st.integers(min_value=0, max_value=10))
def test_swapping_neighbouring_digits_is_caught_when_they_differ(body, i):
    if body[i] == body[i + 1]:
        return
    swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
    assert not is_valid_upn(check_letter(body) + swapped)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "A12345678901",
        "A12345678901234",
        "I820200124007",
        "O820200124007",
        "S820200124007",
        "F8202001240O7",
        "F82020012400I",
    ],
)
def test_malformed_upns_are_refused(bad):
    assert not is_valid_upn(bad)


def test_normalises_spaces_and_case():
    upn = make_upn("820", "2001", 24, 7)
    assert parse_upn(" " + upn.lower()[:5] + " " + upn.lower()[5:]).value == upn


@given(st.integers(0, 999), st.integers(0, 9999), st.integers(0, 99), st.integers(0, 999))
def test_generated_upns_are_valid(la, estab, year, serial):
    assert is_valid_upn(make_upn(f"{la:03d}", f"{estab:04d}", year, serial))
    assert parse_upn(make_temporary_upn(f"{la:03d}", f"{estab:04d}", year, serial)).is_temporary
