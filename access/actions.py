"""What a user may do, named from the domain, and which school roles may do it.

A pure module (no Django import beyond the Role names): the table reads like the school's own
policy. accounts.models.Role is a TextChoices of plain strings, so the sets hold strings.
"""

from enum import StrEnum

from accounts.models import Role


class Action(StrEnum):
    """Everything a page or an API operation asks the policy (access.may, access.get_for_user)."""

    # Any staff role at the school: the staff area, the library, staff roles.
    USE_STAFF_AREA = "use_staff_area"
    # A named record (a pupil, their register, needs, cycles, provisions), within reach.
    READ = "read"
    # Roles that see named pupils at all (not the governor or the DPO, who read aggregates).
    READ_NAMED = "read_named"
    # Concerns, assessment views, Do notes and documents for pupils the user reaches as staff.
    CONTRIBUTE = "contribute"
    # The SENCo's steps of the graduated approach: decide concerns, open cycles, plans, reviews.
    RUN_CYCLE = "run_cycle"
    CHANGE_REGISTER = "change_register"
    EDIT_PUPIL = "edit_pupil"
    # The provision map: library, staff costs, provisions, enrolments, budget, import.
    MANAGE_PROVISION = "manage_provision"
    # A provision's session register and its entry and exit data: its deliverer or the SENCo.
    LOG_SESSIONS = "log_sessions"
    # Whole-school costs: the map, budget and impact (figures; no names for the governor).
    READ_COSTS = "read_costs"
    # One pupil's costed provision map.
    READ_COSTED_MAP = "read_costed_map"
    READ_AUDIT = "read_audit"
    READ_AGGREGATES = "read_aggregates"
    # Unlock a colleague's sign-in and reset their second factor: the school administrator.
    MANAGE_SIGN_IN = "manage_sign_in"
    # Bring the roll in from the MIS: the CTF import (interop).
    IMPORT_PUPILS = "import_pupils"
    # EHC casework (statutory/): requests, plans, annual reviews and transfers. The SENCo, senior
    # leaders and administrators at the pupil's school, and LA officers of the school's LA (the one
    # place they see named pupils: only those with an EHC request or plan in their LA).
    READ_EHC = "read_ehc"
    # Record a request, a plan the LA issued, an annual review: the SENCo, or an LA officer.
    RECORD_EHC = "record_ehc"
    # The LA's decisions: whether to assess, the assessment's outcome, the draft and final plan
    # dates, reg 10(4) exceptions, the decision after an annual review and its amended plan.
    # Officers of the record's LA only; the school sees them.
    DECIDE_EHC = "decide_ehc"
    # The school's compliance findings (statutory.compliance): named by UPN, for those who act.
    READ_COMPLIANCE = "read_compliance"
    # The school's people (people/): invite staff, change their roles, end memberships.
    MANAGE_STAFF = "manage_staff"
    # Family contacts and parent invitations (each parent linked to their own children only).
    MANAGE_FAMILIES = "manage_families"
    # Classes and teaching groups with their teachers and pupils, and TA assignments.
    MANAGE_CLASSES = "manage_classes"
    # Move the school into the new school year (NC years up, leavers leave).
    ROLL_OVER_YEAR = "roll_over_year"
    # Identification from data (attainment/): the flags of the four progress criteria, for the
    # pupils the user reaches (a teacher: their own classes), and setting one aside with a reason.
    READ_PROGRESS_FLAGS = "read_progress_flags"
    DISMISS_FLAG = "dismiss_flag"
    # Bring assessment points in from a file, and the school's thresholds for the criteria.
    IMPORT_ATTAINMENT = "import_attainment"
    SET_IDENTIFICATION = "set_identification"
    REMOVE_ASSESSMENT_POINT = "remove_assessment_point"
    # A pupil leaves: the leaving date and destination, their CTF and SEN file (transfer pack)
    # written for the next school, marking them sent, archiving a primary's copy (interop).
    TRANSFER_RECORDS = "transfer_records"
    # The read-only list of leavers whose SEN files the school keeps (IRMS): the SENCo and the DPO.
    READ_LEAVERS = "read_leavers"
    # Families as partners (issue 17). A parent's own writes about their child: acknowledging a
    # plan or review record, messages to the key person, concerns, views and the pupil's voice.
    RESPOND_AS_FAMILY = "respond_as_family"
    # The communication log: staff record meetings, calls, emails and diary notes, and reply to
    # the family's messages, for pupils they reach as staff (named-record roles).
    KEEP_LOG = "keep_log"
    # The school's signposting for families and the pupils' key persons.
    MANAGE_SIGNPOSTING = "manage_signposting"
    # The LA's signposting for families (the Local Offer, SENDIASS, concerns and complaints), under
    # every school's own: the LA's officers, for their own LA (no school role).
    MANAGE_LA_SIGNPOSTING = "manage_la_signposting"
    # The school's duties (duties/): the SEN information report's drafts, versions and comments.
    READ_INFORMATION_REPORT = "read_information_report"
    # Write it: edit its sections, share the draft with parents, answer comments, publish it.
    MANAGE_INFORMATION_REPORT = "manage_information_report"
    # Staff SEND training records and the training needs view (they name members of staff).
    READ_TRAINING = "read_training"
    MANAGE_TRAINING = "manage_training"
    # Who supports which pupils, for how long and at what cost: the SENCo and senior leaders.
    READ_TA_DEPLOYMENT = "read_ta_deployment"
    # The termly report for the SEN governor and senior leaders: figures only.
    READ_GOVERNORS_REPORT = "read_governors_report"
    # The inspection case trace of a named pupil (within reach), and a sample printed together.
    READ_CASE_TRACE = "read_case_trace"
    # A pupil's layer of support and the annual review of their whole plan.
    RECORD_LAYER = "record_layer"


WHOLE_SCHOOL_ROLES = frozenset({Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN})
STAFF_ROLES = frozenset(
    {
        Role.SENCO,
        Role.TEACHER,
        Role.TEACHING_ASSISTANT,
        Role.SENIOR_LEADER,
        Role.SEN_GOVERNOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.ADMIN,
    }
)
NAMED_RECORD_ROLES = frozenset(
    {Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN, Role.TEACHER, Role.TEACHING_ASSISTANT}
)
# Who may be named as the adult delivering a provision or a session: those with a named-record
# role at the school. Governors and the DPO do not teach.
DELIVERING_ROLES = NAMED_RECORD_ROLES
COSTED_MAP_READERS = frozenset({Role.SENCO, Role.SENIOR_LEADER})
COST_READERS = frozenset({Role.SENCO, Role.SENIOR_LEADER, Role.SEN_GOVERNOR})
AUDIT_READERS = frozenset({Role.SENCO, Role.DATA_PROTECTION_OFFICER})
AGGREGATE_READERS = (
    frozenset({Role.SENCO, Role.SENIOR_LEADER, Role.SEN_GOVERNOR, Role.ADMIN}) | NAMED_RECORD_ROLES
)
CONTRIBUTORS = frozenset({Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT})
SENCO_ONLY = frozenset({Role.SENCO})
PUPIL_DETAIL_WRITERS = frozenset({Role.SENCO, Role.ADMIN})
EHC_READERS = frozenset({Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN})
EHC_RECORDERS = SENCO_ONLY
# Who runs the school's people and its year: the SENCo and the school administrator.
SCHOOL_ADMINISTRATORS = frozenset({Role.SENCO, Role.ADMIN})
# Who keeps the leavers' SEN files in view (retention): the SENCo and the data protection officer.
LEAVERS_READERS = frozenset({Role.SENCO, Role.DATA_PROTECTION_OFFICER})
# The school's duties (duties/).
INFORMATION_REPORT_READERS = frozenset(
    {Role.SENCO, Role.SENIOR_LEADER, Role.SEN_GOVERNOR, Role.ADMIN}
)
INFORMATION_REPORT_WRITERS = COSTED_MAP_READERS
TRAINING_KEEPERS = frozenset({Role.SENCO, Role.SENIOR_LEADER, Role.ADMIN})
GOVERNORS_REPORT_READERS = COST_READERS
# The EHC actions an LA officer may do for the schools of their LA (access.policy.may).
LA_EHC_ACTIONS = frozenset({"read_ehc", "record_ehc", "decide_ehc"})
# What only an LA's officers do, to their LA's own records (access.policy.may asks the LA).
LA_OWN_ACTIONS = frozenset({"manage_la_signposting"})

# The roles at the object's school that may do each action. LOG_SESSIONS also lets the adult who
# delivers the provision; READ also needs the object within the user's reach (access.reach).
ALLOWED: dict[Action, frozenset[str]] = {
    Action.USE_STAFF_AREA: STAFF_ROLES,
    Action.READ: STAFF_ROLES | {Role.PARENT},
    Action.READ_NAMED: NAMED_RECORD_ROLES,
    Action.CONTRIBUTE: CONTRIBUTORS,
    Action.RUN_CYCLE: SENCO_ONLY,
    Action.CHANGE_REGISTER: SENCO_ONLY,
    Action.EDIT_PUPIL: PUPIL_DETAIL_WRITERS,
    Action.MANAGE_PROVISION: SENCO_ONLY,
    Action.LOG_SESSIONS: SENCO_ONLY,
    Action.READ_COSTS: COST_READERS,
    Action.READ_COSTED_MAP: COSTED_MAP_READERS,
    Action.READ_AUDIT: AUDIT_READERS,
    Action.READ_AGGREGATES: AGGREGATE_READERS,
    Action.MANAGE_SIGN_IN: frozenset({Role.ADMIN}),
    Action.IMPORT_PUPILS: PUPIL_DETAIL_WRITERS,
    Action.READ_EHC: EHC_READERS,
    Action.RECORD_EHC: EHC_RECORDERS,
    Action.DECIDE_EHC: frozenset(),  # no school role: the LA's officers (LA_EHC_ACTIONS)
    Action.READ_COMPLIANCE: COSTED_MAP_READERS,
    Action.MANAGE_STAFF: SCHOOL_ADMINISTRATORS,
    Action.MANAGE_FAMILIES: SCHOOL_ADMINISTRATORS,
    Action.MANAGE_CLASSES: SCHOOL_ADMINISTRATORS,
    Action.ROLL_OVER_YEAR: SCHOOL_ADMINISTRATORS,
    Action.READ_PROGRESS_FLAGS: frozenset({Role.SENCO, Role.TEACHER, Role.SENIOR_LEADER}),
    Action.DISMISS_FLAG: frozenset({Role.SENCO, Role.TEACHER}),
    Action.IMPORT_ATTAINMENT: PUPIL_DETAIL_WRITERS,
    Action.SET_IDENTIFICATION: SENCO_ONLY,
    Action.REMOVE_ASSESSMENT_POINT: SENCO_ONLY,
    Action.TRANSFER_RECORDS: PUPIL_DETAIL_WRITERS,
    Action.READ_LEAVERS: LEAVERS_READERS,
    Action.RESPOND_AS_FAMILY: frozenset({Role.PARENT}),
    Action.KEEP_LOG: NAMED_RECORD_ROLES,
    Action.MANAGE_SIGNPOSTING: SCHOOL_ADMINISTRATORS,
    Action.MANAGE_LA_SIGNPOSTING: frozenset(),  # no school role: the LA's officers (LA_OWN_ACTIONS)
    Action.READ_INFORMATION_REPORT: INFORMATION_REPORT_READERS,
    Action.MANAGE_INFORMATION_REPORT: INFORMATION_REPORT_WRITERS,
    Action.READ_TRAINING: TRAINING_KEEPERS,
    Action.MANAGE_TRAINING: TRAINING_KEEPERS,
    Action.READ_TA_DEPLOYMENT: COSTED_MAP_READERS,
    Action.READ_GOVERNORS_REPORT: GOVERNORS_REPORT_READERS,
    Action.READ_CASE_TRACE: COSTED_MAP_READERS,
    Action.RECORD_LAYER: SENCO_ONLY,
}

# What a 403 says when the role may not: the web's error page and the API's {"detail": ...}.
REFUSALS: dict[Action, str] = {
    Action.USE_STAFF_AREA: "You have no staff role at a school.",
    Action.READ: "Your role cannot read this record.",
    Action.READ_NAMED: "Your role sees the school's figures, not named pupils.",
    Action.CONTRIBUTE: "Your role cannot add to this pupil's SEN records.",
    Action.RUN_CYCLE: "Only the SENCo decides concerns and writes plans, targets, reviews and "
    "passports.",
    Action.CHANGE_REGISTER: "Your role cannot change the SEN register at this school.",
    Action.EDIT_PUPIL: "Your role cannot add or change pupils' details at this school.",
    Action.MANAGE_PROVISION: "Only the SENCo runs the provision map: the library, provisions and "
    "enrolments.",
    Action.LOG_SESSIONS: "Only the adult who delivers this provision, or the SENCo, records its "
    "sessions and its entry and exit data.",
    Action.READ_COSTS: "Your role cannot see the provision map's costs.",
    Action.READ_COSTED_MAP: "The SENCo and senior leaders read a pupil's costed provision map.",
    Action.READ_AUDIT: "The audit trail is for the SENCo and the data protection officer.",
    Action.READ_AGGREGATES: "Your role cannot see this school's figures.",
    Action.MANAGE_SIGN_IN: "Only the school administrator unlocks sign-in and resets second "
    "factors.",
    Action.IMPORT_PUPILS: "The SENCo and the school administrator import pupils from a CTF.",
    Action.READ_EHC: "EHC casework is for the SENCo, senior leaders and the LA's officers.",
    Action.RECORD_EHC: "The SENCo or an officer of the LA records EHC requests, plans and reviews.",
    Action.DECIDE_EHC: "Only an officer of the local authority records the LA's decisions and "
    "its plan dates; the school records the request, the review meeting and its report.",
    Action.READ_COMPLIANCE: "The SENCo and senior leaders read the school's compliance findings.",
    Action.MANAGE_STAFF: "The SENCo and the school administrator invite staff and change their "
    "roles.",
    Action.MANAGE_FAMILIES: "The SENCo and the school administrator keep family contacts and "
    "invite parents.",
    Action.MANAGE_CLASSES: "The SENCo and the school administrator set up classes and TA "
    "assignments.",
    Action.ROLL_OVER_YEAR: "The SENCo and the school administrator move the school into the new "
    "school year.",
    Action.READ_PROGRESS_FLAGS: "The SENCo, senior leaders and teachers (for their own pupils) see "
    "the pupils to look at.",
    Action.DISMISS_FLAG: "The SENCo and the pupil's teachers set a flag aside.",
    Action.IMPORT_ATTAINMENT: "The SENCo and the school administrator import assessment data.",
    Action.SET_IDENTIFICATION: "The SENCo sets the thresholds of the progress criteria.",
    Action.REMOVE_ASSESSMENT_POINT: "Only the SENCo removes a wrongly entered assessment point.",
    Action.TRANSFER_RECORDS: "The SENCo and the school administrator record leavers and send "
    "their records on.",
    Action.READ_LEAVERS: "The list of leavers' SEN files is for the SENCo and the data protection "
    "officer.",
    Action.RESPOND_AS_FAMILY: "Only the child's parents and carers answer here.",
    Action.KEEP_LOG: "Your role cannot write in this pupil's communication log.",
    Action.MANAGE_SIGNPOSTING: "The SENCo and the school administrator keep the school's "
    "signposting and key persons.",
    Action.MANAGE_LA_SIGNPOSTING: "Only an officer of the local authority keeps its signposting "
    "for families.",
    Action.READ_INFORMATION_REPORT: "The SENCo, senior leaders, the SEN governor and the "
    "administrator read the SEN information report's drafts.",
    Action.MANAGE_INFORMATION_REPORT: "The SENCo and senior leaders write and publish the SEN "
    "information report.",
    Action.READ_TRAINING: "The SENCo, senior leaders and the administrator keep the staff's SEND "
    "training records.",
    Action.MANAGE_TRAINING: "The SENCo, senior leaders and the administrator keep the staff's SEND "
    "training records.",
    Action.READ_TA_DEPLOYMENT: "The SENCo and senior leaders read how teaching assistants are "
    "deployed.",
    Action.READ_GOVERNORS_REPORT: "The governors' report is for the SEN governor, the SENCo and "
    "senior leaders.",
    Action.READ_CASE_TRACE: "The SENCo and senior leaders prepare a pupil's case trace.",
    Action.RECORD_LAYER: "Only the SENCo records a pupil's layer of support and the annual review "
    "of their plan.",
}

# What a 403 says to anyone but a superuser on the installation's pages (access.policy).
INSTALLATION_REFUSAL = (
    "Only the installation's administrator (a superuser) adds local "
    "authorities, trusts and schools."
)
