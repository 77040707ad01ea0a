"""Writes of the provision map (the access package authorises; these check the rules, write and
audit). The writes themselves are in provision/services/provisions.py, the xlsx import in
provision/services/importing.py; callers use the names below: `services.provision_create(...)`.
"""

from provision.services.provisions import (
    INTERVENTION_FIELDS,
    LONGEST_SESSION,
    PROVISION_FIELDS,
    WEEKDAY_VALUES,
    Errors,
    budget_set,
    enrol,
    enrolled_on,
    enrolment_end,
    intervention_add,
    measure_record,
    provision_create,
    provision_update,
    session_record,
    staff_role_save,
    top_up_set,
)

__all__ = [
    "INTERVENTION_FIELDS",
    "LONGEST_SESSION",
    "PROVISION_FIELDS",
    "WEEKDAY_VALUES",
    "Errors",
    "budget_set",
    "enrol",
    "enrolled_on",
    "enrolment_end",
    "intervention_add",
    "measure_record",
    "provision_create",
    "provision_update",
    "session_record",
    "staff_role_save",
    "top_up_set",
]
