"""Unique Pupil Numbers (UPN), as the DfE's CBDS defines them.

A permanent UPN is a check letter followed by 12 digits: a 3-digit LA code, a 4-digit establishment
number, a 2-digit year of allocation and a 3-digit serial. A temporary UPN ends in a letter instead
of the last digit. The check letter is sum(digit_i * i for i in 2..13) mod 23 mapped onto
ABCDEFGHJKLMNPQRTUVWXYZ (I, O and S are never used). Source: ../shared/reference/standards.md §2.4.
"""

from dataclasses import dataclass

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


class InvalidUPN(ValueError):
    pass


@dataclass(frozen=True)
class UPN:
    value: str

    @property
    def is_temporary(self) -> bool:
        return self.value[-1].isalpha()

    @property
    def la_code(self) -> str:
        return self.value[1:4]

    @property
    def establishment_number(self) -> str:
        return self.value[4:8]


def _char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    # A temporary UPN's final letter counts by its position in the check alphabet.
    return CHECK_LETTERS.index(ch)


def check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it."""
    if len(body) != 12:
        raise InvalidUPN("A UPN has 12 characters after the check letter.")
    total = sum(_char_value(ch) * weight for weight, ch in enumerate(body, start=2))
    return CHECK_LETTERS[total % 23]


def parse_upn(raw: str) -> UPN:
    """Normalise and validate a UPN; raise InvalidUPN with a message a school office can act on."""
    value = raw.strip().upper().replace(" ", "")
    if len(value) != 13:
        raise InvalidUPN(f"A UPN has 13 characters; this has {len(value)}.")
    head, middle, last = value[0], value[1:12], value[12]
    if head not in CHECK_LETTERS:
        raise InvalidUPN("A UPN starts with a check letter (not I, O or S).")
    if not middle.isdigit():
        raise InvalidUPN("Characters 2 to 12 of a UPN must be digits.")
    if not (last.isdigit() or last in CHECK_LETTERS):
        raise InvalidUPN("A UPN ends in a digit, or a letter (not I, O or S) if it is temporary.")
    expected = check_letter(value[1:])
    if head != expected:
        raise InvalidUPN(
            f"The check letter does not match: a UPN with these digits starts {expected}."
        )
    return UPN(value)


def is_valid_upn(raw: str) -> bool:
    try:
        parse_upn(raw)
    except InvalidUPN:
        return False
    return True


def make_upn(la_code: str, establishment_number: str, year: int, serial: int) -> str:
    """A permanent UPN for an LA, establishment, two-digit allocation year and serial."""
    body = f"{la_code:0>3}{establishment_number:0>4}{year % 100:02d}{serial:03d}"
    if len(body) != 12 or not body.isdigit():
        raise InvalidUPN("LA code, establishment number, year and serial do not make 12 digits.")
    return check_letter(body) + body


def make_temporary_upn(la_code: str, establishment_number: str, year: int, serial: int) -> str:
    """A temporary UPN: 11 digits and a final letter, for a pupil whose UPN is not yet known."""
    digits = f"{la_code:0>3}{establishment_number:0>4}{year % 100:02d}{serial // 23 % 100:02d}"
    body = digits + CHECK_LETTERS[serial % 23]
    return check_letter(body) + body
