"""Small numbers for the roles that read figures, not names (issue 12, item 9).

The SEN governor and LA and trust officers see no named pupil, but a cell such as "Year 4 SALT
programme 1:1 A: 1 pupil" names a child in a one-form-entry school all the same. For them a count
below the threshold reads "fewer than 3", and a provision for one pupil is shown by its kind and
intervention ("1:1 — Speech and language programme"), never by the name the school gave it.

A threshold of 0 (or 1) shows every figure exactly: the SENCo and senior leaders, who see the
names anyway. A count of 0 is shown as 0: it identifies no child, and "fewer than 3" for a row
with nobody in it would mislead. Pure: plain values in and out, no Django.
"""

DEFAULT_THRESHOLD = 3


def is_small(count: int, threshold: int) -> bool:
    """Whether a count of pupils is too small to show to a figure-only reader."""
    return 0 < count < threshold


def count_shown(count: int, threshold: int) -> str:
    """A count of pupils as a figure-only reader sees it: "fewer than 3" below the threshold."""
    return f"fewer than {threshold}" if is_small(count, threshold) else str(count)


def pupils_shown(count: int, threshold: int) -> str:
    """The same with its noun: "fewer than 3 pupils", "1 pupil", "12 pupils"."""
    if is_small(count, threshold):
        return f"fewer than {threshold} pupils"
    return f"{count} pupil{'' if count == 1 else 's'}"


def provision_shown(name: str, intervention: str, pupils: int, threshold: int) -> str:
    """A provision's name as a figure-only reader sees it: a provision for one pupil is its kind
    and intervention, since the school's name for it ("Year 4 SALT 1:1 A") may point at the
    child."""
    if pupils == 1 and threshold > 1:
        return f"1:1 — {intervention}"
    return name
