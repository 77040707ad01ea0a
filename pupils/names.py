"""Names as the register search compares them: accents and case ignored, so "Wojcik" finds
"Wójcik" and "LOPEZ" finds "López". Pure: no Django import."""

import unicodedata

# Letters that carry no combining accent to strip (NFKD leaves them whole): their usual
# keyboard spelling.
_PLAIN = str.maketrans(
    {"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ı": "i"}
)


def search_key(text: str) -> str:
    """`text` case-folded, without accents, with runs of spaces made one."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c)).translate(_PLAIN)
    return " ".join(plain.split())


def pupil_search_key(*names: str) -> str:
    """The search column of a pupil: their names, each folded, one space between."""
    return " ".join(k for k in (search_key(n) for n in names) if k)
