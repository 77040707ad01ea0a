"""DfE school census code lists for SEN, spelt exactly as the DfE spells them.

Sources: ../shared/reference/standards.md §2.1 (SEN provision) and §2.2 (SEN type and the Code of
Practice's four broad areas of need). No Django import: these are facts, used by models, forms,
imports and the seed generator alike.
"""

from enum import StrEnum


class SENProvision(StrEnum):
    NO_SEN = "N"
    SEN_SUPPORT = "K"
    EHC_PLAN = "E"


SEN_PROVISION_LABELS: dict[str, str] = {
    "N": "No SEN",
    "K": "SEN support",
    "E": "Education, health and care plan",
}

# Codes that put a pupil on the SEN register.
ON_REGISTER: frozenset[str] = frozenset({"K", "E"})


class BroadArea(StrEnum):
    COMMUNICATION_INTERACTION = "CI"
    COGNITION_LEARNING = "CL"
    SEMH = "SEMH"
    SENSORY_PHYSICAL = "SP"
    NONE = "NA"


BROAD_AREA_LABELS: dict[str, str] = {
    "CI": "Communication and interaction",
    "CL": "Cognition and learning",
    "SEMH": "Social, emotional and mental health",
    "SP": "Sensory and/or physical",
    "NA": "No broad area (OTH, NSA, DS)",
}

# (code, description, broad area). Order is the DfE's.
SEN_TYPES: tuple[tuple[str, str, str], ...] = (
    ("SPLD", "Specific learning difficulty", "CL"),
    ("MLD", "Moderate learning difficulty", "CL"),
    ("SLD", "Severe learning difficulty", "CL"),
    ("PMLD", "Profound and multiple learning difficulty", "CL"),
    ("SEMH", "Social, emotional and mental health", "SEMH"),
    ("SLCN", "Speech, language and communication needs", "CI"),
    ("HI", "Hearing impairment", "SP"),
    ("VI", "Vision impairment", "SP"),
    ("MSI", "Multi-sensory impairment", "SP"),
    ("PD", "Physical disability", "SP"),
    ("ASD", "Autistic spectrum disorder", "CI"),
    ("OTH", "Other difficulty or disability", "NA"),
    ("NSA", "SEN support but no specialist assessment of type of need", "NA"),
    ("DS", "Down syndrome", "NA"),
)

SEN_TYPE_LABELS: dict[str, str] = {code: label for code, label, _ in SEN_TYPES}
_AREA_OF_TYPE: dict[str, str] = {code: area for code, _, area in SEN_TYPES}


def broad_area(sen_type: str) -> str:
    """The Code of Practice broad area of need for a census SEN type code."""
    try:
        return _AREA_OF_TYPE[sen_type]
    except KeyError:
        raise ValueError(f"{sen_type!r} is not a census SEN type") from None


def types_in_area(area: str) -> list[str]:
    return [code for code, _, a in SEN_TYPES if a == area]


# National curriculum year groups as the census records them (NCyearActual).
NC_YEARS: tuple[tuple[str, str], ...] = (
    ("N1", "Nursery 1"),
    ("N2", "Nursery 2"),
    ("R", "Reception"),
    *((str(n), f"Year {n}") for n in range(1, 15)),
)
NC_YEAR_LABELS: dict[str, str] = dict(NC_YEARS)

SEX_CODES: tuple[tuple[str, str], ...] = (("M", "Male"), ("F", "Female"))
