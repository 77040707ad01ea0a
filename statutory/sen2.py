"""SEN2's code lists (the 2024 schema, shared/data/sen2/SEN2_schema_2024.xsd; RequestSource from the
v1.3 guide, standards.md §3.3), as (code, label) pairs: the LA return is then a projection of what
we keep, not a translation. A pure module: no Django."""

REQUEST_SOURCE = (
    ("1", "Young person or parent"),
    ("2", "School or other education setting"),
    ("3", "Health care professionals"),
    ("4", "Social care professionals"),
    ("5", "Other"),
)
REQUEST_OUTCOME = (
    ("Y", "LA proceeded with an assessment"),
    ("N", "LA decided not to proceed with an assessment"),
    ("A", "Decision yet to be made"),
    ("W", "Request withdrawn or ceased before decision to assess was made"),
    ("H", "Historical – decision to issue was made before the latest collection period"),
)
ASSESSMENT_OUTCOME = (
    ("Y", "It was decided an EHC plan would be issued"),
    ("N", "It was decided an EHC plan would not be issued"),
    ("A", "Decision has not yet been made"),
    ("W", "Request withdrawn or ceased before decision whether to issue was made"),
    (
        "H",
        "Historical – decision to issue was made before the latest collection period or plan "
        "has been transferred from another local authority",
    ),
)
REVIEW_OUTCOME = (
    ("A", "Amend the EHC plan"),
    ("C", "Cease the EHC plan"),
    ("M", "Maintain the EHC plan"),
)
CEASE_REASON = (
    ("1", "Reached maximum age"),
    ("2", "Ongoing educational or training needs being met without an EHC plan"),
    ("3", "Moved on to higher education"),
    ("4", "Moved on to paid employment, excluding apprenticeships"),
    ("5", "Transferred to another LA"),
    ("6", "Young person no longer wishes to engage in education"),
    ("7", "Child or young person has moved abroad"),
    ("8", "Child or young person deceased"),
    ("9", "Other"),
)
# SENSetting, when the placement has no URN or UKPRN (witan dictionary items 4.7c and 5.7c).
SEN_SETTING = (
    ("OLA", "Other arrangements made by the LA, including EOTAS (s.61 CFA 2014)"),
    ("EHE", "Elective home education"),
    ("EYP", "Early years provider without a URN"),
    ("OPA", "Other arrangements made by the parent or young person (s.42(5))"),
    ("OTH", "Other (type named, no setting)"),
    ("NEET", "Not in education, employment or training (16 to 25)"),
    ("NIEC", "Not in education – notice to cease issued"),
    ("NIEO", "Not in education – other"),
)
# Personal budget direct payments (DP).
DIRECT_PAYMENTS = (
    ("E", "Education only"),
    ("S", "Social care only"),
    ("H", "Health only"),
    ("I", "Integrated payment for a combination of the above"),
)
