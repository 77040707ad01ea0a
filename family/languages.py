"""Which language the family area speaks to a parent. Pure (no Django).

A parent's own choice wins; otherwise the preferred language on their family link (a free-text
field the school fills in: "Polish", "polski", "Urdu", "اردو", or a code such as "pl"); otherwise
English. Only the shipped languages are ever chosen.
"""

from collections.abc import Iterable

ENGLISH = "en-gb"
SHIPPED = (ENGLISH, "pl", "ur")
RTL = frozenset({"ur"})

# What schools write in the preferred-language field, lower-cased, for each shipped language.
_NAMES = {
    "en-gb": {"english", "en", "en-gb", "eng", "angielski"},
    "pl": {"polish", "polski", "pl", "pol", "język polski"},
    "ur": {"urdu", "ur", "urd", "اردو"},
}


def from_preferred(preferred: str) -> str | None:
    """The shipped language a family link's preferred-language text names, if any."""
    text = preferred.strip().lower()
    for code, names in _NAMES.items():
        if text in names:
            return code
    return None


def choose(own_choice: str | None, preferred: Iterable[str]) -> str:
    """The parent's language: their own choice, else the first family link's preferred language
    that is shipped, else English."""
    if own_choice in SHIPPED:
        return own_choice
    for text in preferred:
        code = from_preferred(text)
        if code:
            return code
    return ENGLISH


def direction(code: str) -> str:
    return "rtl" if code in RTL else "ltr"
