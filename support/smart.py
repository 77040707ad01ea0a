"""The SMART checker: warns (never blocks) when a target is not Specific, Measurable, Achievable,
Relevant and Time-bound in the ways a reader can check from its words. Pure: no Django.

Each warning says why, in words a SENCo can act on. Seeds 001 and 002: targets "should be specific,
measurable, attainable, relevant and timely (SMART)".
"""

import re
from dataclasses import dataclass
from datetime import date

# Words that name a direction but not a destination: "improve" by how much, measured how?
VAGUE_PHRASES: tuple[str, ...] = (
    "improve",
    "improves",
    "improved",
    "improving",
    "better",
    "more confident",
    "more confidence",
    "work on",
    "working on",
    "try to",
    "develop",
    "develops",
    "be aware",
    "make progress",
)

_NUMBER = re.compile(r"\d")
_WORD_NUMBERS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|half|all)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SmartWarning:
    code: str  # "no_number" | "no_measure" | "no_date" | "vague_words" | "no_baseline"
    message: str


def _has_number(text: str) -> bool:
    return bool(_NUMBER.search(text) or _WORD_NUMBERS.search(text))


def vague_phrases_in(text: str) -> list[str]:
    """The vague phrases a target uses, each once, in the order of VAGUE_PHRASES."""
    lowered = " " + re.sub(r"[^a-z ]+", " ", text.lower()) + " "
    found: list[str] = []
    for phrase in VAGUE_PHRASES:
        if f" {phrase} " in lowered and not any(phrase in longer for longer in found):
            found.append(phrase)
    return found


def check_target(
    *,
    description: str,
    baseline: str = "",
    measure: str = "",
    target_value: str = "",
    target_date: date | None = None,
    review_date: date | None = None,
) -> list[SmartWarning]:
    """Warnings for one target. An empty list means it reads as SMART."""
    warnings: list[SmartWarning] = []
    if not _has_number(f"{description} {target_value}"):
        warnings.append(
            SmartWarning(
                "no_number",
                "There is no number to reach: say how many, how often or what score (for example ‘8 out of 10’).",
            )
        )
    if not measure.strip():
        warnings.append(
            SmartWarning(
                "no_measure", "Say how it will be measured (a test, an observation, a count)."
            )
        )
    if not baseline.strip():
        warnings.append(
            SmartWarning(
                "no_baseline", "Say where the pupil is now, so the review can see the change."
            )
        )
    if target_date is None:
        warnings.append(SmartWarning("no_date", "Give a date by which the target should be met."))
    elif review_date is not None and target_date > review_date:
        warnings.append(
            SmartWarning(
                "after_review",
                "The target is dated after this plan's review: the review could not say whether "
                "it was met (date it by the review, or move the review).",
            )
        )
    vague = vague_phrases_in(description)
    if vague:
        words = ", ".join(f"‘{w}’" for w in vague)
        warnings.append(
            SmartWarning(
                "vague_words",
                f"{words} says which way, not where to: describe what the pupil will do, and how well.",
            )
        )
    return warnings
