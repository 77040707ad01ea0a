"""Synthetic graduated-approach history for the seed generator (pupils/seeding.py).

For every time a pupil was on the SEN register it writes what a SENCo's records would hold after
it: the concern that started it (raised by a teacher, decided "start an assessment"), then
numbered Assess-Plan-Do-Review cycles about a term long, each with views, a plan with SMART
targets (a few vague, so the SMART checker has something to say), notes of the support given and
a completed review that locks it. It follows support/services.py: the next cycle opens on the day
of the review with a plan carrying every target rated below expected, a pupil taken off the
register has a last review deciding so, and at most one cycle (the current one) is open. Some
pupils never placed on the register have a concern decided "monitor" or "explained by another
factor".

Rows are built in memory and written with `bulk_create`; nothing is audited (nothing happened).
"""

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from accounts.models import User
from bulk.rows import insert_rows
from pupils import census
from pupils.models import Pupil, RegisterEntry
from pupils.seeding import SeedPupil, SeedSchool
from support import rules
from support.models import (
    AssessmentView,
    Attendance,
    Concern,
    ConcernOutcome,
    ConcernSource,
    Cycle,
    DoNote,
    NoteKind,
    OtherFactor,
    OverallProgress,
    Plan,
    Review,
    Target,
    TargetRating,
    ViewSource,
)

BATCH = 2000
DAY = timedelta(days=1)
SHORTEST_CYCLE = timedelta(weeks=6)
LONDON = ZoneInfo("Europe/London")

# --- what the records say --------------------------------------------------------------------

# SMART target templates by broad area: (description, baseline, measure, target value, baseline
# range, gain range, limit). {goal} and {base} are numbers; a negative gain is a count that
# should fall (incidents, minutes). The value reached at review is worked out from the rating.
TemplateRow = tuple[str, str, str, str, tuple[int, int], tuple[int, int], int]
TEMPLATES: dict[str, tuple[TemplateRow, ...]] = {
    "CL": (
        ("Read {goal} of the first 100 high-frequency words accurately by sight",
         "Reads {base} of the first 100 high-frequency words", "High-frequency word check with the TA",
         "{goal} of 100", (20, 60), (12, 25), 100),
        ("Blend and read {goal} of 20 unfamiliar CVC words", "Reads {base} of 20 CVC words",
         "Phonics check (20 pseudo and real words)", "{goal} of 20", (4, 10), (4, 8), 20),
        ("Read a book at the right level at {goal} words a minute with 95% accuracy",
         "{base} words a minute", "One-minute fluency probe, fortnightly", "{goal} words a minute",
         (25, 60), (10, 25), 160),
        ("Recall number bonds to 10 with {goal} out of 10 correct in a two-minute check",
         "{base} out of 10", "Timed number bond check, weekly", "{goal} out of 10", (2, 5), (3, 5), 10),
        ("Answer {goal} of the 36 facts in the 2, 5 and 10 times tables in a timed check",
         "{base} of 36", "Timed times-table check", "{goal} of 36", (6, 18), (8, 14), 36),
        ("Write {goal} sentences independently with capital letters and full stops",
         "Writes {base} sentence with adult support", "Independent writing sample each half term",
         "{goal} sentences", (1, 2), (2, 4), 10),
        ("Spell {goal} of the 20 words on the personal spelling list in a weekly dictation",
         "{base} of 20", "Weekly dictation", "{goal} of 20", (4, 9), (5, 8), 20),
        ("Solve {goal} of 10 one-step word problems using the bar model",
         "{base} of 10 with prompts", "End-of-unit problem set", "{goal} of 10", (1, 4), (3, 5), 10),
    ),
    "CI": (
        ("Follow two-part instructions in class {goal} times out of 10 without a repeat",
         "{base} out of 10", "TA observation over one week", "{goal} out of 10", (2, 5), (3, 5), 10),
        ("Use {goal} new topic words correctly in talk during the topic",
         "Uses {base} topic words", "Word-learning tracker with the TA", "{goal} words", (1, 4), (5, 8), 20),
        ("Take turns in a small-group game for {goal} minutes without adult prompts",
         "Manages {base} minutes", "Observation in the group session", "{goal} minutes", (2, 5), (4, 8), 30),
        ("Answer who, what and where questions about a short story: {goal} of 10 correct",
         "{base} of 10", "Story questions with the TA", "{goal} of 10", (2, 5), (3, 5), 10),
        ("Start a conversation with a peer at least {goal} times a week at playtime",
         "About {base} times a week", "Playground observation (tally)", "{goal} times a week",
         (0, 1), (2, 4), 10),
        ("Say the /s/ sound correctly at the start of words in {goal}% of attempts",
         "{base}% of attempts", "Speech and language therapy probe", "{goal}%", (20, 50), (20, 40), 100),
        ("Use a visual timetable to move between activities without distress on {goal} of 5 days",
         "{base} of 5 days", "Daily home-school diary", "{goal} of 5 days", (0, 2), (2, 3), 5),
    ),
    "SEMH": (
        ("Use the calm-down plan and be back in class within {goal} minutes",
         "Takes about {base} minutes to return", "Incident log", "Within {goal} minutes",
         (20, 35), (-15, -8), 5),
        ("Name the feeling and the zone when upset, {goal} times out of 10",
         "{base} times out of 10", "Check-ins with the ELSA", "{goal} out of 10", (1, 4), (3, 5), 10),
        ("Stay in class for the whole lesson in {goal} of 25 lessons a week",
         "{base} of 25 lessons", "Class registers and behaviour log", "{goal} of 25", (8, 16), (5, 9), 25),
        ("Leave the classroom without permission no more than {goal} times a week",
         "{base} times a week", "Behaviour log", "{goal} a week", (5, 9), (-6, -3), 0),
        ("Go to a structured lunchtime club at least {goal} days a week",
         "{base} days a week", "Club register", "{goal} days a week", (0, 1), (2, 3), 5),
        ("Ask an adult for help using the help card {goal} times out of 10 instead of refusing work",
         "{base} times out of 10", "TA observation", "{goal} out of 10", (1, 3), (3, 5), 10),
    ),
    "SP": (
        ("Form {goal} of the 26 lower-case letters correctly on the line",
         "{base} of 26", "Handwriting sample", "{goal} of 26", (8, 16), (5, 8), 26),
        ("Put on coat and shoes independently within {goal} minutes",
         "Needs {base} minutes with help", "TA observation at home time", "{goal} minutes",
         (8, 12), (-6, -3), 2),
        ("Touch-type at {goal} words a minute to record longer answers",
         "{base} words a minute", "Typing programme check", "{goal} words a minute", (5, 12), (5, 10), 40),
        ("Check and put in the hearing aids and radio aid independently on {goal} of 5 days",
         "{base} of 5 days", "Daily checklist", "{goal} of 5 days", (0, 2), (2, 3), 5),
        ("Move between lessons safely on the agreed route on {goal} of 5 days",
         "{base} of 5 days with an adult", "Daily checklist", "{goal} of 5 days", (1, 3), (2, 3), 5),
        ("Cut along a curved line to within 5 mm on {goal} of 5 attempts",
         "{base} of 5 attempts", "Fine motor skills check", "{goal} of 5", (0, 2), (2, 3), 5),
    ),
}  # fmt: skip
# The kind of target the SMART checker is there to catch: a direction, not a destination.
VAGUE: dict[str, tuple[str, ...]] = {
    "CL": ("Improve reading confidence", "Develop phonics skills", "Work on times tables",
           "Make progress in writing"),
    "CI": ("Be more confident speaking in class", "Develop social skills",
           "Improve listening on the carpet"),
    "SEMH": ("Try to manage feelings better", "Improve behaviour at lunchtime",
             "Be more confident with friendships"),
    "SP": ("Improve handwriting", "Develop fine motor skills", "Be more independent getting changed"),
}  # fmt: skip
# Share of the value still to reach that a rating stands for (-2 well below .. +2 well above).
REACHED = {-2: (0.0, 0.35), -1: (0.4, 0.8), 0: (1.0, 1.0), 1: (1.1, 1.3), 2: (1.3, 1.6)}

OUTCOMES: dict[str, tuple[str, ...]] = {
    "CL": ("To read well enough to enjoy books on their own and keep up with reading in lessons.",
           "To be confident with number so they can take part in maths lessons with their class.",
           "To write their ideas down independently and be proud of their work."),
    "CI": ("To understand what is said in class and ask when they do not.",
           "To make and keep a friend and join in games at playtime.",
           "To tell an adult what they need and be understood."),
    "SEMH": ("To feel safe and settled in class and manage big feelings with less help.",
             "To stay in lessons and learn alongside their friends.",
             "To come into school happily and have a trusted adult to go to."),
    "SP": ("To do things for themselves at school, as their friends do.",
           "To record their ideas at the same pace as the class.",
           "To take part fully in lessons and trips with the right equipment."),
}  # fmt: skip
ADJUSTMENTS: dict[str, tuple[str, ...]] = {
    "CL": ("Coloured overlay and a reading ruler; word mats and number lines on the table; extra "
           "time for written tasks.", "Pre-teaching of key vocabulary; tasks broken into small "
           "steps with a checklist; a scribe for longer writing."),
    "CI": ("Instructions given one step at a time and checked back; visual timetable and "
           "now-and-next board; seated near the teacher.", "Warning before changes; a quiet space "
           "at busy times; visual prompts for group work."),
    "SEMH": ("Meet-and-greet each morning; a time-out card and an agreed calm space; praise "
             "given privately.", "A trusted adult check-in after lunch; warning before "
             "transitions; a job in class."),
    "SP": ("Seated at the front facing the teacher; enlarged resources; a laptop for longer "
           "writing.", "Extra time to move between lessons; a pencil grip and sloped board; "
           "equipment checked each morning."),
}  # fmt: skip
PROVISION_TEXT: dict[str, tuple[str, ...]] = {
    "CL": ("Catch-up reading with the TA three times a week (20 minutes).",
           "Small-group maths intervention twice a week and precision teaching daily (10 minutes).",
           "Phonics group every morning (15 minutes) and paired reading twice a week."),
    "CI": ("Speech and language programme with the TA three times a week (20 minutes).",
           "Social communication group once a week (30 minutes); LEGO-based therapy on Fridays.",
           "Language group three times a week (30 minutes)."),
    "SEMH": ("ELSA sessions once a week (30 minutes) and a daily check-in.",
             "Zones of Regulation group weekly; a lunchtime club three days a week.",
             "Morning check-in with the key adult and a weekly mentoring session."),
    "SP": ("Fine motor group three times a week (20 minutes); touch-typing practice.",
           "Daily equipment check with the TA; physiotherapy programme twice a week.",
           "Sensory circuit each morning (15 minutes) and a movement break after lunch."),
}  # fmt: skip
STRATEGIES = (
    "Uses the help card and the word mat before asking an adult.",
    "Asks for instructions to be repeated and uses a checklist.",
    "Goes to the calm corner and uses the breathing strategy.",
    "Checks the visual timetable at each change of lesson.",
    "Uses the number line and counters independently.",
)
CONCERNS_SEEN: dict[str, tuple[str, ...]] = {
    "CL": ("Reading and spelling well behind the class despite daily phonics; still guessing at "
           "simple words.", "Very slow progress in maths; relies on fingers for facts the class "
           "knows by heart.", "Struggles to get ideas down in writing; work often unfinished."),
    "CI": ("Often does not follow class instructions and copies others; talks in short phrases.",
           "Finds it hard to join in with others at play and gets upset when routines change.",
           "Speech hard to understand for adults who do not know them."),
    "SEMH": ("Frequent outbursts when asked to start work; has left the classroom several times.",
             "Very withdrawn this term; reluctant to come in each morning.",
             "Falling out with friends most days; hard to settle after playtime."),
    "SP": ("Finds handwriting and cutting very hard; tires quickly in PE.",
           "Seems not to hear instructions from the back of the class.",
           "Holds books very close and struggles to copy from the board."),
}  # fmt: skip
EVIDENCE = (
    "Termly assessments well below age-related expectations; work samples attached.",
    "Class teacher observations over four weeks; notes from the catch-up group.",
    "Phonics and number checks; comments from the previous teacher.",
    "Behaviour log and observations at different times of day.",
)
CONSIDERED = (
    "Attendance {att}%; no known hearing or vision problems; English is {lang}. Little progress "
    "after a term of quality-first teaching and a catch-up group.",
    "Attendance {att}%; talked with the parents; no change at home that would explain it. The gap "
    "with peers is widening despite adjustments in class.",
    "Attendance {att}%; English is {lang}; checked the previous school's records. Needs are "
    "additional to and different from what the class offers.",
)
MONITOR_CONSIDERED = (
    "Attendance {att}%; progress slower than peers but moving. Monitor with quality-first "
    "teaching and review at the end of term.",
    "Short-term worry after a change at home; class teacher to keep an eye and talk with the "
    "parents again in six weeks.",
)
OTHER_FACTOR_NOTES: dict[str, str] = {
    OtherFactor.EAL: "New to English: progress fits the time learning English; EAL support in class.",
    OtherFactor.ATTENDANCE: "Attendance {att}%: missed teaching explains the gap; attendance plan agreed.",
    OtherFactor.HEALTH: "A medical need affects stamina; individual healthcare plan updated.",
    OtherFactor.LEARNING_GAP: "Missed teaching during a move between schools; catch-up group for a term.",
    OtherFactor.FAMILY: "Family circumstances this term; pastoral support and Early Help offered.",
}

TEACHER_VIEWS: dict[str, tuple[str, ...]] = {
    "CL": ("Works hard but finds reading and spelling very difficult; needs every task modelled.",
           "Can explain ideas orally but cannot yet record them; number facts are not secure."),
    "CI": ("Needs instructions repeated and shown; often looks to others before starting.",
           "Keen to join in but misreads situations with friends; happiest with routine."),
    "SEMH": ("Settles with a trusted adult; flashpoints are transitions and unstructured time.",
             "Anxious about getting things wrong; avoids starting tasks."),
    "SP": ("Tires quickly with writing; copes well when resources are adapted.",
           "Independent with the right equipment; needs time to move around the school."),
}  # fmt: skip
STRENGTHS = ("Kind and helpful to others", "Good at drawing and building", "Loves stories",
             "Strong memory for facts about their interests", "Enjoys PE and music",
             "Works well one-to-one")  # fmt: skip
PARENT_VIEWS = (
    "Worried that they are falling behind; homework causes upset at home.",
    "Happy at home; finds reading at bedtime hard and gives up quickly.",
    "Says school is too noisy at times; sleeps badly before tests.",
    "Pleased with the help so far and keen to help at home.",
)
PUPIL_VIEWS = (
    "I like working with {ta}. Reading is hard but I am getting better.",
    "I like it when I know what is happening next.",
    "Maths is hard. I like using the counters.",
    "I don't like it when it is noisy. The calm corner helps.",
    "Told us with pictures: happy about the group, sad about playtime.",
)
SPECIALISTS: dict[str, tuple[str, str]] = {
    "CL": (ViewSource.EDUCATIONAL_PSYCHOLOGIST, "Working memory and processing speed well below "
           "average; verbal reasoning a relative strength. Recommends overlearning and visual supports."),
    "CI": (ViewSource.SPEECH_LANGUAGE_THERAPIST, "Receptive language delayed by about two years; "
           "programme of vocabulary and two-part instructions set for the TA."),
    "SEMH": (ViewSource.OUTREACH, "Anxiety is driving the behaviour; recommends a key adult, "
             "predictable routines and a calm space."),
    "SP": (ViewSource.OTHER_SPECIALIST, "Occupational therapy: low muscle tone affects posture and "
           "grip; sloped board, pencil grip and a daily fine motor programme."),
}  # fmt: skip
NOTES: dict[str, tuple[str, ...]] = {
    NoteKind.SUPPORT: ("Worked on the target words; read {n} of them without help today.",
                       "Small-group session went well; needed two prompts to start.",
                       "Pre-taught the vocabulary for the science topic.",
                       "Practised the calm-down plan during a quiet moment.",
                       "Used the number line for the warm-up; much more confident."),
    NoteKind.ADJUSTMENT: ("Moved to sit near the front; visual timetable now on the desk.",
                          "Gave a task checklist and extra time for the writing task.",
                          "Warned about the fire drill in advance; coped well."),
    NoteKind.OBSERVATION: ("Joined a game at playtime without an adult for the first time.",
                           "Upset after lunch; back in class within 10 minutes using the plan.",
                           "Read aloud to a partner in guided reading."),
}  # fmt: skip
WORKING = {
    "good": (
        "Yes: most targets met and the pupil is more confident.",
        "Clear progress towards every target; gap with peers narrowing.",
    ),
    "ok": (
        "Partly: some targets met, others need more time.",
        "Steady progress, slower than hoped on one target.",
    ),
    "poor": (
        "Not yet: little change on most targets.",
        "Progress is slow despite the support being in place.",
    ),
}
DIFFERENCE = {
    "good": "Measurable gains on the checks; the pupil uses the strategies without prompts.",
    "ok": "Small gains on the checks; still needs prompts to use the strategies.",
    "poor": "Little change on the checks since the plan was made.",
}
AS_PLANNED = (
    "Yes: sessions happened as planned with the same TA.",
    "Mostly: a few sessions missed when the TA covered a class.",
    "Not always: the group moved to the afternoon and some sessions were lost.",
)
REACTION = (
    "Enjoys the sessions and asks to go.",
    "Engages well one-to-one; less so in the group.",
    "Reluctant at first, now settled into the routine.",
)
CHILD_THINKS = (
    "Says the group helps and likes the stickers.",
    "Says it is easier to read now.",
    "Would like to stay with friends more.",
    "Finds the calm space helpful.",
)
DECISION_NOTES = {
    "continue": "Continue the plan; unmet targets carried forward with the same support.",
    "adjust": "Adjust the support: more frequent sessions and new targets agreed.",
    "change": "Stop the current intervention and try a different approach next term.",
    "specialist": "Refer to the specialist service for advice; continue support meanwhile.",
    "ehc_request": "Needs are not met from the resources normally available: request an EHC "
    "needs assessment, with parents' agreement.",
    "remove": "Targets met and needs now met through ordinary provision: remove from the SEN "
    "register. Class teacher to keep monitoring.",
}
PARENT_SAYS = (
    "Pleased with the progress; sees more confidence at home.",
    "Happy with the plan and will practise the words at home.",
    "Still worried about friendships; glad of the extra support.",
    "Would like more updates between reviews.",
)
PLAN_AGREED = 0.96
ATTENDANCE_WEIGHTS = {
    Attendance.IN_PERSON: 63,
    Attendance.PHONE: 15,
    Attendance.VIDEO: 10,
    Attendance.WRITTEN: 10,
    Attendance.NOT_PRESENT: 2,
}


# --- inputs and outputs ----------------------------------------------------------------------


@dataclass
class PlanSpan:
    """A pupil's plan and the days its cycle ran (closed None: still open), with each target's
    broad area, for linking provision to targets."""

    opened: date
    closed: date | None
    targets: list[tuple[str, Target]]


@dataclass
class SupportHistory:
    counts: dict[str, int]
    plans: dict[int, list[PlanSpan]]  # by pupil id


@dataclass
class _Goal:
    """A target's numbers, kept while building so a carried target is rated against them."""

    target: Target
    area: str
    base: int
    goal: int
    limit: int
    fmt: str  # "" for a vague target
    reached: str = ""  # the value reached at the review that carried it forward, and when
    held: date | None = None


# Rows nothing points at are kept as tuples in these columns (see insert_rows).
VIEW_COLUMNS = ("cycle_id", "source", "given_by", "given_on", "views", "strengths", "barriers",
                "assessments", "progress_vs_peers", "recorded_by_id", "created_at")  # fmt: skip
NOTE_COLUMNS = ("cycle_id", "on", "kind", "text", "author_id", "created_at")
RATING_COLUMNS = ("review_id", "target_id", "rating", "value_reached", "outcome", "comment")


@dataclass
class _Rows:
    concerns: list[Concern] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    views: list[tuple[Any, ...]] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    targets: dict[int, list[Target]] = field(default_factory=dict)  # by cycle number
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    ratings: list[tuple[Any, ...]] = field(default_factory=list)


def at(day: date, hour: int = 15, minute: int = 30) -> datetime:
    """An aware time on `day` (records are entered after school)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def weekday_on_or_before(day: date) -> date:
    return day - DAY * max(0, day.weekday() - 4)


def full_name(user: User) -> str:
    return f"{user.first_name} {user.last_name}"


def seed_support(school: SeedSchool) -> SupportHistory:
    """Write the school's concerns and cycles; return the counts and each pupil's plans."""
    builder = _SupportBuilder(school)
    for pupil in school.pupils:
        builder.pupil(pupil)
    return SupportHistory(builder.save(), builder.spans)


# --- the builder -----------------------------------------------------------------------------


class _SupportBuilder:
    def __init__(self, school: SeedSchool) -> None:
        self.s = school
        # Its own stream: tuning the support history leaves the pupils of later schools, the
        # provision and the budget (provision/seeding.py) as they were.
        self.rng = random.Random(f"support:{school.school.urn}")  # noqa: S311 (synthetic data)
        self.today = school.today
        self.senco = school.senco
        self.rows = _Rows()
        self.spans: dict[int, list[PlanSpan]] = {}

    # -- a pupil's times on the register -------------------------------------------------------
    def pupil(self, p: SeedPupil) -> None:
        runs = _runs(p.entries)
        if not runs:
            if self.rng.random() < 0.035:
                self._passing_concern(p)
            return
        number = 0
        flair = self.rng.gauss(0.25, 0.6)  # how well this pupil responds to support
        for start, end, codes in runs:
            number = self._run(p, start, end, codes, number, flair)

    def _run(
        self,
        p: SeedPupil,
        start: date,
        end: date | None,
        codes: list[tuple[str, date]],
        number: int,
        flair: float,
    ) -> int:
        """Cycles for one unbroken time on the register, numbered on from `number`."""
        rng, today = self.rng, self.today
        area = self._area(p, start)
        concern = None
        if codes[0][0] == "K":
            if rng.random() < 0.2:
                self._passing_concern(p, before=start)
            concern = self._assessing_concern(p, start, area)
        plan_from = next((d for code, d in codes[1:] if code == "E"), None)
        goals: list[_Goal] = []
        opened, previous, asked = start, None, False
        while True:
            number += 1
            cycle = Cycle(
                pupil=p.pupil,
                number=number,
                opened_on=opened,
                concern=concern if opened == start else None,
                opened_by=self.senco,
            )
            self.rows.cycles.append(cycle)
            first = opened == start
            plan_date = min(opened + DAY * rng.randint(7, 20), today) if first else opened
            if end is not None:
                plan_date = min(plan_date, end)
            plan, goals = self._plan(p, cycle, plan_date, area, goals, previous)
            removing = end is not None and end < plan.review_date + DAY * 21
            held = end if removing and end is not None else self._held_on(plan.review_date, end)
            self._views(p, cycle, plan_date if first else min(opened + DAY * 14, held), area, first)
            span = PlanSpan(opened, None, [(g.area, g.target) for g in goals])
            self.spans.setdefault(p.pupil.pk, []).append(span)
            self._notes(p, cycle, plan_date, min(held, today), area)
            if held > today:
                return number  # the current cycle: planned, not yet reviewed
            ask = (
                not asked
                and plan_from is not None
                and plan_from - DAY * 210 <= held <= plan_from - DAY * 42
            )
            wanted = "remove" if removing else "ehc_request" if ask else ""
            goals, decision = self._review(p, cycle, held, goals, wanted, flair)
            asked = asked or decision == "ehc_request"
            span.closed = held
            if decision == "remove":
                return number
            opened, previous = held, plan

    def _area(self, p: SeedPupil, day: date) -> str:
        """The broad area of the primary need on `day` (no broad area: cognition and learning or
        SEMH, the commonest)."""
        code = next(
            (
                n.need_type
                for n in p.needs
                if n.rank == 1 and n.start_date <= day and (n.end_date is None or day <= n.end_date)
            ),
            next((n.need_type for n in p.needs if n.rank == 1), "NSA"),
        )
        area = census.broad_area(code)
        if area == "NA":
            area = "SEMH" if code == "OTH" else "CL"
        return area

    # -- concerns ----------------------------------------------------------------------------
    def _assessing_concern(self, p: SeedPupil, start: date, area: str) -> Concern:
        rng = self.rng
        raised = start - DAY * rng.randint(7, 35)
        if p.pupil.admission_date and raised < p.pupil.admission_date:
            raised = max(p.pupil.admission_date, start - DAY * 3)
        raised = min(raised, start)
        concern = self._concern(p, raised, area)
        concern.outcome = ConcernOutcome.ASSESS
        concern.decided_on = start
        concern.decided_by = self.senco
        concern.considered = rng.choice(CONSIDERED).format(
            att=p.pupil.attendance_percent,
            lang="an additional language" if p.pupil.eal else "their first language",
        )
        return concern

    def _passing_concern(self, p: SeedPupil, before: date | None = None) -> None:
        """A concern about a pupil not (yet) placed on the register: monitored, explained by
        another factor, or still to be decided if recent."""
        rng, today = self.rng, self.today
        lo = max(p.pupil.admission_date or self.s.terms[0].start, self.s.terms[0].start)
        hi = (before - DAY * 60) if before else today
        if hi < lo:
            return
        raised = lo + DAY * rng.randint(0, (hi - lo).days)
        area = census.broad_area(rng.choice(("SPLD", "MLD", "SEMH", "SLCN", "ASD")))
        concern = self._concern(p, raised, area if rng.random() < 0.8 else "unsure")
        decided = raised + DAY * rng.randint(3, 25)
        if decided > today or (
            before is None and (today - raised).days < 21 and rng.random() < 0.5
        ):
            return  # still to be decided: the SENCo's to-do list shows it
        concern.decided_on, concern.decided_by = decided, self.senco
        factors = self._factors(p.pupil)
        if before is None and factors and rng.random() < 0.45:
            concern.outcome = ConcernOutcome.OTHER_FACTOR
            concern.other_factors = factors
            notes = [OTHER_FACTOR_NOTES[f] for f in factors if f in OTHER_FACTOR_NOTES]
            concern.considered = " ".join(notes).format(att=p.pupil.attendance_percent)
            if OtherFactor.FAMILY in factors and rng.random() < 0.5:
                concern.early_help = True
                concern.early_help_note = (
                    "Early Help assessment started with the family's agreement."
                )
        else:
            concern.outcome = ConcernOutcome.MONITOR
            concern.considered = rng.choice(MONITOR_CONSIDERED).format(
                att=p.pupil.attendance_percent
            )

    def _factors(self, pupil: Pupil) -> list[str]:
        rng = self.rng
        factors = []
        if pupil.eal and rng.random() < 0.7:
            factors.append(OtherFactor.EAL)
        if pupil.attendance_percent is not None and pupil.attendance_percent < 90:
            factors.append(OtherFactor.ATTENDANCE)
        if not factors:
            factors.append(
                rng.choice((OtherFactor.LEARNING_GAP, OtherFactor.FAMILY, OtherFactor.HEALTH))
            )
        return [str(f) for f in factors]

    def _concern(self, p: SeedPupil, raised: date, area: str) -> Concern:
        rng = self.rng
        source = rng.choices(
            (ConcernSource.TEACHER, ConcernSource.PARENT, ConcernSource.TEACHING_ASSISTANT,
             ConcernSource.SENCO),
            weights=(65, 20, 10, 5),
        )[0]  # fmt: skip
        by = {
            ConcernSource.TEACHER: p.teacher,
            ConcernSource.TEACHING_ASSISTANT: rng.choice(p.tas or self.s.tas or [p.teacher]),
        }.get(source, self.senco)
        name = p.parent if source == ConcernSource.PARENT else full_name(by)
        seen = CONCERNS_SEEN.get(area, CONCERNS_SEEN["CL"])
        concern = Concern(
            pupil=p.pupil,
            source=source,
            raised_by=by,
            raised_by_name=name,
            raised_on=raised,
            area=area,
            what_was_seen=rng.choice(seen),
            evidence=rng.choice(EVIDENCE) if rng.random() < 0.8 else "",
            created_at=at(raised),
        )
        self.rows.concerns.append(concern)
        return concern

    # -- assess ------------------------------------------------------------------------------
    def _views(self, p: SeedPupil, cycle: Cycle, until: date, area: str, first: bool) -> None:
        """Views given between the cycle's start and `until` (the plan, in a first cycle)."""
        rng = self.rng
        last = max(cycle.opened_on, min(until, self.today))
        span = (last - cycle.opened_on).days

        def on() -> date:
            return cycle.opened_on + DAY * rng.randint(0, span)

        ta = p.tas[0] if p.tas else None
        add = self._view
        if first or rng.random() < 0.6:
            add(cycle, ViewSource.TEACHER, full_name(p.teacher), on(), rng.choice(TEACHER_VIEWS[area]),
                strengths=rng.choice(STRENGTHS),
                barriers="Working memory, attention in a busy room" if area == "CL" else "",
                progress_vs_peers="Well below most of the class; gap widening" if first else "Gap narrowing slowly")  # fmt: skip
        if first or rng.random() < 0.3:
            add(cycle, ViewSource.PARENT, p.parent, on(), rng.choice(PARENT_VIEWS),
                strengths=rng.choice(STRENGTHS))  # fmt: skip
        if first:
            name = p.pupil.preferred_forename or p.pupil.legal_forename
            text = rng.choice(PUPIL_VIEWS).format(ta=ta.first_name if ta else "my teacher")
            add(cycle, ViewSource.PUPIL, name, on(), text)
        if not first and rng.random() < 0.15:
            source, text = SPECIALISTS[area]
            add(cycle, source, f"{ViewSource(source).label} ({self.s.school.la.name} service)", on(), text,
                assessments="Standardised assessment; report on file")  # fmt: skip

    def _view(self, cycle: Cycle, source: str, by: str, on: date, views: str, **more: str) -> None:
        self.rows.views.append(
            (cycle, source, by, on, views, more.get("strengths", ""), more.get("barriers", ""),
             more.get("assessments", ""), more.get("progress_vs_peers", ""), self.senco.pk, at(on))
        )  # fmt: skip

    # -- plan --------------------------------------------------------------------------------
    def _plan(
        self,
        p: SeedPupil,
        cycle: Cycle,
        plan_date: date,
        area: str,
        unmet: list[_Goal],
        previous: Plan | None,
    ) -> tuple[Plan, list[_Goal]]:
        """Cycle 1 of a run: a plan written after assessment. Later cycles: the plan the review
        carried forward (outcomes, adjustments, provision and unmet targets), usually revised."""
        rng, today = self.rng, self.today
        default = rules.default_review_date(plan_date, self.s.terms)
        too_soon = default < plan_date + SHORTEST_CYCLE
        # Most carried plans are revised with the parents; one due for review too soon always is.
        revised = previous is None or too_soon or rng.random() < 0.85
        review_date = default
        if too_soon:
            # Too little time to see a difference: the SENCo sets a later review date.
            review_date = rules.default_review_date(plan_date + SHORTEST_CYCLE, self.s.terms)
        # A revised plan is agreed some days after it is written; one carried forward as it was,
        # at the review that carried it.
        agreed = plan_date + DAY * rng.randint(0, 10) if revised else plan_date
        plan = Plan(
            cycle=cycle,
            plan_date=plan_date,
            review_date=review_date,
            outcomes=previous.outcomes if previous else rng.choice(OUTCOMES[area]),
            adjustments=previous.adjustments if previous else rng.choice(ADJUSTMENTS[area]),
            provision=previous.provision if previous else rng.choice(PROVISION_TEXT[area]),
            pupil_strategies=previous.pupil_strategies if previous else rng.choice(STRATEGIES),
            version=1,
            updated_at=at(plan_date),
        )
        if previous is not None and revised:
            plan.version = 2  # the SENCo revised the plan the review carried forward
            plan.updated_at = at(min(agreed, today))
            if rng.random() < 0.4:
                plan.provision = rng.choice(PROVISION_TEXT[area])
        # Nearly every plan is agreed with the parents: a few wait, so PLAN_MISSING shows a few.
        if agreed <= today and rng.random() < PLAN_AGREED:
            plan.parents_agreed_on = agreed
            plan.pupil_agreed = rng.random() < 0.75
            plan.parent_comments = rng.choice(PARENT_SAYS) if rng.random() < 0.4 else ""
        self.rows.plans.append(plan)
        goals = [self._carry(plan, g, default) for g in unmet]  # dated as the service dates them
        if revised or not goals:
            wanted = rng.choice((2, 3, 3, 3, 4))
            position = max((g.target.position for g in goals), default=0)
            while len(goals) < wanted:
                position += 1
                goals.append(self._new_target(p, plan, area, position, review_date))
        for goal in goals:
            self.rows.targets.setdefault(cycle.number, []).append(goal.target)
        return plan, goals

    def _carry(self, plan: Plan, goal: _Goal, review_date: date) -> _Goal:
        target = goal.target.carry_forward(plan, review_date, goal.reached, goal.held)
        target.created_at = at(plan.plan_date, 16, 0)
        # Its new baseline is the value reached at the review (issue 13).
        reached = rules.amount(goal.reached)
        base = goal.base if reached is None else int(reached)
        return _Goal(target, goal.area, base, goal.goal, goal.limit, goal.fmt)

    def _new_target(
        self, p: SeedPupil, plan: Plan, area: str, position: int, review_date: date
    ) -> _Goal:
        rng = self.rng
        second = [n for n in p.needs if n.rank == 2 and census.broad_area(n.need_type) != "NA"]
        if second and position > 2 and rng.random() < 0.5:
            area = census.broad_area(second[0].need_type)
        target_date = review_date - DAY * rng.choice((0, 0, 0, 7, 14))
        target_date = max(target_date, plan.plan_date + DAY)
        responsible = self._responsible(p)
        if rng.random() < 0.1:
            target = Target(
                plan=plan,
                position=position,
                description=rng.choice(VAGUE[area]),
                baseline="Finds this hard" if rng.random() < 0.3 else "",
                target_date=target_date,
                responsible=responsible,
                created_at=at(plan.plan_date, 16, 0),
            )
            return _Goal(target, area, 0, 0, 0, "")
        text, base_text, measure, value, (lo, hi), (g_lo, g_hi), limit = rng.choice(TEMPLATES[area])
        base = rng.randint(lo, hi)
        goal = base + rng.randint(g_lo, g_hi)
        goal = max(goal, limit) if g_hi < 0 else min(goal, limit)
        target = Target(
            plan=plan,
            position=position,
            description=text.format(goal=goal),
            baseline=base_text.format(base=base),
            measure=measure if rng.random() < 0.95 else "",
            target_value=value.format(goal=goal),
            target_date=target_date,
            responsible=responsible,
            created_at=at(plan.plan_date, 16, 0),
        )
        return _Goal(target, area, base, goal, limit, value)

    def _responsible(self, p: SeedPupil) -> str:
        rng = self.rng
        ta = rng.choice(p.tas or self.s.tas) if (p.tas or self.s.tas) else None
        options = [f"Class teacher ({full_name(p.teacher)})", "SENCo"]
        if ta is not None:
            options += [f"{full_name(ta)} (TA)", f"{full_name(ta)} (TA) and class teacher"]
        options.append("Class teacher, with practice at home")
        return rng.choice(options)

    # -- do ----------------------------------------------------------------------------------
    def _notes(self, p: SeedPupil, cycle: Cycle, start: date, end: date, area: str) -> None:
        rng = self.rng
        days = (end - start).days
        if days < 0:
            return
        authors = p.tas or [p.teacher]
        for _ in range(min(4, 1 + days // 28)):
            on = weekday_on_or_before(start + DAY * rng.randint(0, days))
            on = max(on, start)
            kind = rng.choices(list(NOTES), weights=(60, 20, 20))[0]
            text = rng.choice(NOTES[kind]).format(n=rng.randint(4, 12))
            author = rng.choice(authors) if rng.random() < 0.8 else p.teacher
            self.rows.notes.append((cycle, on, kind, text, author.pk, at(on)))

    # -- review ------------------------------------------------------------------------------
    def _held_on(self, review_date: date, end: date | None) -> date:
        """Reviews happen in the last fortnight before the review date (the end of a term); a
        few slip into the first week of the next term, fewer for weeks into it (not past the
        pupil's last weeks on the register, `end`)."""
        rng = self.rng
        following = next((t.start for t in self.s.terms if t.start > review_date), None)
        draw = rng.random()
        late = draw < 0.08 and following is not None
        if late and following is not None and (end is None or following + DAY * 25 < end):
            return following + DAY * rng.randint(0, 4)  # terms start on a Monday
        # A few are put off for weeks into the next term: overdue meanwhile (REVIEW_OVERDUE).
        put_off = draw < 0.11 and following is not None
        if put_off and following is not None and (end is None or following + DAY * 120 < end):
            return following + DAY * rng.randint(7, 98)
        return weekday_on_or_before(review_date - DAY * rng.randint(0, 12))

    def _decision(self, progress: str) -> str:
        """A decision that follows from the overall progress: carry on when it is as expected or
        better, change course when it is not."""
        rng = self.rng
        if progress in (OverallProgress.ABOVE, OverallProgress.EXPECTED):
            return rng.choice(("continue", "continue", "adjust"))
        if progress == OverallProgress.LESS:
            return rng.choice(("adjust", "adjust", "change", "specialist"))
        return rng.choice(("change", "specialist", "adjust"))

    def _review(
        self,
        p: SeedPupil,
        cycle: Cycle,
        held: date,
        goals: list[_Goal],
        wanted: str,
        flair: float,
    ) -> tuple[list[_Goal], str]:
        """Complete the review: a rating and value reached per target, the five questions and the
        decision. Locks the cycle; returns the unmet targets the next plan carries and the
        decision. `wanted` ("remove", "ehc_request" or "") is a decision the history needs (the
        pupil leaves the register; an EHC plan follows): the ratings are made to fit it, so a
        removal follows expected progress or better and an EHC request less than expected.
        Otherwise the decision follows from the ratings (`_decision`)."""
        rng = self.rng
        review = Review(
            cycle=cycle,
            held_on=held,
            parent_attendance=rng.choices(
                list(ATTENDANCE_WEIGHTS), weights=list(ATTENDANCE_WEIGHTS.values())
            )[0],
            completed_by=self.senco,
            completed_at=at(held, 16, 30),
        )
        lift = {"remove": 0.8, "ehc_request": -1.0}.get(wanted, 0.0)
        ratings = [max(-2, min(2, round(flair + lift + rng.gauss(0, 0.9)))) for _goal in goals]
        while wanted == "remove" and sum(ratings) < 0:
            ratings[ratings.index(min(ratings))] += 1
        while wanted == "ehc_request" and sum(ratings) >= 0:
            ratings[ratings.index(max(ratings))] -= 1
        unmet: list[_Goal] = []
        for goal, rating in zip(goals, ratings, strict=True):
            reached = self._reached(goal, rating)
            # The outcome the numbers say (or, for a target without numbers, the rating).
            outcome = rules.derived_outcome(
                rating=rating,
                reached=reached,
                target_value=goal.target.target_value,
                baseline=goal.target.baseline,
                target_date=goal.target.target_date,
                held_on=held,
            )
            self.rows.ratings.append((review, goal.target, rating, reached, outcome, ""))
            if not rules.is_achieved(outcome):
                unmet.append(dataclasses.replace(goal, reached=reached, held=held))
        average = sum(ratings) / len(ratings)
        mood = "good" if average >= 0.5 else "ok" if average >= -0.4 else "poor"
        review.is_it_working = rng.choice(WORKING[mood])
        review.how_much_difference = DIFFERENCE[mood]
        review.happening_as_planned = rng.choice(AS_PLANNED)
        review.child_reaction = rng.choice(REACTION)
        review.child_thinks = rng.choice(CHILD_THINKS)
        review.overall_progress = (
            OverallProgress.ABOVE
            if average >= 1
            else OverallProgress.EXPECTED
            if average >= 0
            else OverallProgress.LESS
            if average >= -1
            else OverallProgress.LITTLE_OR_NONE
        )
        decision = wanted or self._decision(review.overall_progress)
        review.decision, review.decision_notes = decision, DECISION_NOTES[decision]
        review.attendees = "Class teacher, SENCo" + (", TA" if p.tas and rng.random() < 0.5 else "")
        if review.parent_attendance != Attendance.NOT_PRESENT:
            review.parent_views = rng.choice(PARENT_SAYS)
        review.pupil_views = rng.choice(CHILD_THINKS) if rng.random() < 0.8 else ""
        given = held + DAY * rng.randint(0, 7)
        # Most records reach the parents; a few of this term's are still waiting (the
        # compliance page's RECORD_NOT_SHARED), older ones only rarely. One draw either way.
        shared = 0.95 if (self.today - held).days <= 120 else 0.998
        if given <= self.today and rng.random() < shared:
            review.given_to_parents_on = given
        self.rows.reviews.append(review)
        cycle.closed_on, cycle.version = held, 2  # as review_complete: locked
        return unmet, decision

    def _reached(self, goal: _Goal, rating: int) -> str:
        if not goal.fmt:
            return ""
        lo, hi = REACHED[rating]
        value = goal.base + (goal.goal - goal.base) * self.rng.uniform(lo, hi)
        value = max(value, goal.limit) if goal.goal < goal.base else min(value, goal.limit)
        return goal.fmt.format(goal=round(value))

    # -- writing -----------------------------------------------------------------------------
    def save(self) -> dict[str, int]:
        rows = self.rows
        Concern.objects.bulk_create(rows.concerns, batch_size=BATCH)
        Cycle.objects.bulk_create(rows.cycles, batch_size=BATCH)
        insert_rows(AssessmentView, VIEW_COLUMNS, rows.views)
        Plan.objects.bulk_create(rows.plans, batch_size=BATCH)
        # A carried target points at one in an earlier cycle: write them cycle number by number.
        targets = 0
        for number in sorted(rows.targets):
            Target.objects.bulk_create(rows.targets[number], batch_size=BATCH)
            targets += len(rows.targets[number])
        insert_rows(DoNote, NOTE_COLUMNS, rows.notes)
        Review.objects.bulk_create(rows.reviews, batch_size=BATCH)
        insert_rows(TargetRating, RATING_COLUMNS, rows.ratings)
        return {
            "concerns": len(rows.concerns),
            "cycles": len(rows.cycles),
            "assessment_views": len(rows.views),
            "plans": len(rows.plans),
            "targets": targets,
            "do_notes": len(rows.notes),
            "reviews": len(rows.reviews),
            "target_ratings": len(rows.ratings),
        }


def _runs(
    entries: Sequence[RegisterEntry],
) -> list[tuple[date, date | None, list[tuple[str, date]]]]:
    """Unbroken times on the register: (first day, last day or None if still on it, the
    provision codes and their start dates)."""
    runs: list[tuple[date, date | None, list[tuple[str, date]]]] = []
    current: list[RegisterEntry] = []
    for entry in [*entries, None]:
        if entry is not None and entry.provision in census.ON_REGISTER:
            current.append(entry)
            continue
        if current:
            codes = [(e.provision, e.start_date) for e in current]
            runs.append((current[0].start_date, current[-1].end_date, codes))
            current = []
    return runs
