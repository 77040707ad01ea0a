"""EHC casework for a seeded school, written through statutory.services (as a school or LA
entering its records with their real past dates): a plan for every pupil on the register as E,
with the request that led to it, its annual reviews (invitations and advice for the latest, the
LA's decisions, amended versions), phase transfers, and requests still in progress for pupils on
SEN support. records/seeding.py runs it after each school's provision.

The proportions are the national figures for 2024 in the DfE's "Education, health and care
plans" release, 2025 (shared/data/education-health-and-care-plans_2025/data/, England rows):
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pupils.seeding import SeedPupil, SeedSchool
from statutory import clocks, services
from statutory.models import AnnualReview, EHCPlan, EHCRequest
from support.models import Review, Specialist, SpecialistInvolvement

# requests.csv: 154,489 requests; 65.4% assessed, 25.2% refused, 1.6% withdrawn (7.8% not yet
# decided); 84.8% of decisions within 6 weeks.
ASSESS, REFUSE, WITHDRAW = 0.654, 0.252, 0.016
DECIDED_IN_6_WEEKS = 0.848
# assessments.csv: 93.6% of assessments led to a plan.
PLAN_AFTER_ASSESSMENT = 0.936
# timeliness_20_week.csv: 46.4% of plans issued within 20 weeks (excluding exceptions); 5,526 of
# 90,392 plans (6.1%) had a reg 10(4) exception.
PLAN_IN_20_WEEKS = 0.464
WITH_EXCEPTION = 0.061
# annual_reviews.csv: 70,893 of 524,654 reviews due were not held (13.5%); decisions 44.4% within
# 4 weeks; outcomes amend 219,538, maintain 135,264, cease 4,087 (61.2% / 37.7% / 1.1% decided).
REVIEW_MISSED = 0.135
DECISION_IN_4_WEEKS = 0.444
AMEND = 0.612
# requests.csv against "Special educational needs in England" 2025: 154,489 requests in a year
# against 1,284,284 pupils on SEN support (12%).
REQUESTS_A_YEAR_PER_SUPPORT_PUPIL = 0.12

DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)
TRANSFERS = {"6": clocks.Transfer.PRIMARY_TO_SECONDARY, "11": clocks.Transfer.SECONDARY_TO_POST16}
JUST_MOVED = {"7": clocks.Transfer.PRIMARY_TO_SECONDARY, "12": clocks.Transfer.SECONDARY_TO_POST16}
OUTCOMES = (
    "{name} communicates needs and ideas to adults and peers, in class and at break.",
    "{name} reads and understands texts at the level of the year group, with the support named.",
    "{name} manages changes in routine with the strategies agreed, and stays in class.",
    "{name} takes part in a club or activity of their choosing each week.",
)
PROVISION = (
    "Small-group literacy intervention, 3 sessions of 30 minutes a week, by a trained TA.",
    "Speech and language therapy programme, reviewed by the therapist each term.",
    "A visual timetable and a named adult at transitions, daily.",
    "Access to a quiet space and a movement break plan, daily.",
)


@dataclass
class _Counts:
    ehc_requests: int = 0
    ehc_plans: int = 0
    annual_reviews: int = 0
    review_invitations: int = 0
    plan_versions: int = 0
    phase_transfers: int = 0
    reg_exceptions: int = 0
    late_plans: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}


def seed_ehc(school: SeedSchool) -> dict[str, int]:
    """Write the school's EHC casework; return the counts. Its own random stream (from the
    school's URN), so the other seeders' draws are unchanged."""
    return _EHCBuilder(school).build().as_dict()


class _EHCBuilder:
    def __init__(self, school: SeedSchool) -> None:
        self.s = school
        self.by = school.senco
        self.today = school.today
        self.rng = random.Random(f"ehc:{school.school.urn}")  # noqa: S311 (synthetic data)
        self.first_day = school.terms[0].start if school.terms else school.today
        self.counts = _Counts()

    def build(self) -> _Counts:
        planned = [
            p for p in self.s.pupils
            if p.entries and p.entries[-1].provision == "E" and p.entries[-1].end_date is None
        ]  # fmt: skip
        for pupil in planned:
            self._plan(pupil)
        support = [
            p for p in self.s.pupils
            if p.entries and p.entries[-1].provision == "K" and p.entries[-1].end_date is None
        ]  # fmt: skip
        # Requests received in the last 40 weeks, at least two a school with pupils on support.
        wanted = max(2, round(len(support) * REQUESTS_A_YEAR_PER_SUPPORT_PUPIL * 40 / 52))
        for i, pupil in enumerate(self.rng.sample(support, min(wanted, len(support)))):
            self._open_request(pupil, exception=i == 0, late=i == 1)
        return self.counts

    # ---- a plan and its history ---------------------------------------------------------------

    def _plan(self, sp: SeedPupil) -> None:
        rng, pupil = self.rng, sp.pupil
        entry = sp.entries[-1]
        issued = entry.start_date
        name = pupil.forename
        request = None
        if issued - 20 * WEEK >= self.first_day and rng.random() < 0.8:
            request = self._request_for_plan(sp, issued)
        needs = "; ".join(n.label for n in sorted(sp.needs, key=lambda n: n.rank)) or "As assessed"
        plan = services.ehc_plan_issue(
            pupil=pupil,
            issue_date=issued,
            ehc_request=request,
            by=self.by,
            a_views=f"{name} enjoys art and football, and wants to have more friends.",
            b_needs=needs,
            outcomes=[t.format(name=name) for t in rng.sample(OUTCOMES, 2)],
            provision_items=rng.sample(PROVISION, 2),
            i_placement=self.s.school.name,
            i_urn=self.s.school.urn,
            k_advice="Educational psychologist; speech and language therapist; the school.",
        )
        self.counts.ehc_plans += 1
        self._reviews(plan, issued)
        self._transfer(plan, sp)

    def _request_for_plan(self, sp: SeedPupil, issued: date) -> EHCRequest:
        """The request a plan answered, received so that 46.4% are issued within 20 weeks."""
        rng = self.rng
        weeks = rng.randint(15, 19) if rng.random() < PLAN_IN_20_WEEKS else rng.randint(21, 34)
        received = issued - weeks * WEEK - rng.randint(0, 6) * DAY
        ehc = services.ehc_request_create(
            pupil=sp.pupil, by=self.by, source=rng.choice("1122223"), received_date=received
        )
        self.counts.ehc_requests += 1
        if rng.random() < WITH_EXCEPTION:
            self._exception(ehc, received)
        decided = received + (rng.randint(3, 6) if rng.random() < DECIDED_IN_6_WEEKS else 8) * WEEK
        outcome = max(decided, issued - rng.randint(3, 6) * WEEK)
        draft = max(outcome, issued - rng.randint(15, 25) * DAY)
        return services.ehc_request_update(
            ehc_request=ehc, by=self.by, decision="Y", decision_date=decided,
            assessment_outcome="Y", assessment_outcome_date=outcome, draft_plan_date=draft,
        )  # fmt: skip

    def _exception(self, ehc: EHCRequest, received: date) -> None:
        start = received + self.rng.randint(1, 5) * WEEK
        services.reg_exception_add(
            ehc_request=ehc,
            kind=clocks.ExceptionKind.PERSONAL_CIRCUMSTANCES.value,
            start_date=start,
            end_date=min(start + self.rng.randint(2, 5) * WEEK, self.today),
            by=self.by,
        )
        self.counts.reg_exceptions += 1

    def _reviews(self, plan: EHCPlan, issued: date) -> None:
        rng, today = self.rng, self.today
        meeting = issued + rng.randint(320, 362) * DAY
        while meeting <= today:
            if rng.random() < REVIEW_MISSED:
                # Not held on time: held some weeks late, or, while that is still to come,
                # overdue now (ANNUAL_REVIEW_OVERDUE).
                meeting += rng.randint(6, 16) * WEEK
                if meeting > today:
                    return
            following = clocks.add_months(meeting, 12) - rng.randint(5, 45) * DAY
            latest = following > today
            review = services.annual_review_record(plan=plan, meeting_date=meeting, by=self.by)
            self.counts.annual_reviews += 1
            if latest:
                self._invitations(review, meeting)
            report = meeting + rng.randint(4, 16) * DAY
            if report <= today:
                services.annual_review_update(review=review, report_sent_date=report, by=self.by)
            self._decision(plan, review, meeting)
            meeting = following

    def _invitations(self, review: AnnualReview, meeting: date) -> None:
        rng = self.rng
        invitees = ["parent", "school", "la", "educational_psychologist", "health"]
        if rng.random() < 0.4:
            invitees.append("young_person")
        if rng.random() < 0.3:
            invitees.append("social_care")
        for invitee in invitees:
            notice = rng.randint(8, 13) if rng.random() < 0.1 else rng.randint(15, 30)
            invited = min(meeting - notice * DAY, self.today)
            asked = invitee not in ("la", "young_person") or rng.random() < 0.5
            received = invited + rng.randint(5, notice + 3) * DAY if asked else None
            services.review_invitation_add(
                review=review,
                invitee=invitee,
                invited_date=invited,
                advice_requested=asked,
                advice_received_date=received if received and received <= self.today else None,
                by=self.by,
            )
            self.counts.review_invitations += 1

    def _decision(self, plan: EHCPlan, review: AnnualReview, meeting: date) -> None:
        rng, today = self.rng, self.today
        days = rng.randint(10, 28) if rng.random() < DECISION_IN_4_WEEKS else rng.randint(29, 70)
        decided = meeting + days * DAY
        if decided > today:
            return  # the LA has not decided yet
        if rng.random() >= AMEND:
            services.annual_review_update(
                review=review, outcome="M", decision_date=decided, by=self.by
            )
            return
        services.annual_review_update(
            review=review, outcome="A", decision_date=decided, draft_date=decided, by=self.by
        )
        self.counts.plan_versions += 1
        final = decided + rng.randint(3, 10) * WEEK  # reg 22: 8 weeks after the proposals
        services.ehc_plan_update(
            plan=plan,
            by=self.by,
            outcomes=[
                *(o.description for o in plan.outcomes.all()),
                rng.choice(OUTCOMES).format(name=plan.pupil.forename),
            ],
        )
        if final <= today:
            services.annual_review_update(review=review, amended_plan_date=final, by=self.by)

    def _transfer(self, plan: EHCPlan, sp: SeedPupil) -> None:
        """A plan of a pupil in year 6 or 11 transfers next September (its amended plan due by
        15 February or 31 March); one in year 7 or 12 transferred this September."""
        year = self._school_year_start()
        kind = TRANSFERS.get(sp.pupil.nc_year)
        if kind is not None:
            services.phase_transfer_record(
                plan=plan, kind=kind.value, transfer_date=date(year + 1, 9, 1), by=self.by
            )
            self.counts.phase_transfers += 1
            return
        kind = JUST_MOVED.get(sp.pupil.nc_year)
        moved = date(year, 9, 1)
        if kind is None or plan.issue_date >= moved - 30 * WEEK:
            return
        due = clocks.phase_transfer_due(kind, moved)
        final = due - self.rng.randint(1, 20) * DAY if self.rng.random() < 0.8 else due + 3 * WEEK
        services.phase_transfer_record(
            plan=plan, kind=kind.value, transfer_date=moved, named_setting=self.s.school.name,
            final_date=min(final, self.today), by=self.by,
        )  # fmt: skip
        self.counts.phase_transfers += 1

    def _school_year_start(self) -> int:
        return self.today.year if self.today.month >= 9 else self.today.year - 1

    # ---- requests in progress -----------------------------------------------------------------

    def _open_request(self, sp: SeedPupil, *, exception: bool, late: bool = False) -> None:
        """A request for a pupil on SEN support, received in the last 40 weeks: some still
        awaiting the decision, some refused, some assessed and late for their plan. `late`: one
        a school assessed and has not yet decided on past 16 weeks (more than half of plans
        nationally come after 20 weeks), so each school shows that clock too."""
        rng, today = self.rng, self.today
        received = max(today - rng.randint(1, 40) * WEEK, sp.entries[-1].start_date)
        if late:
            received = max(today - rng.randint(17, 19) * WEEK, sp.entries[-1].start_date)
        ehc = services.ehc_request_create(
            pupil=sp.pupil, by=self.by, source=rng.choice("1112223"), received_date=received
        )
        self.counts.ehc_requests += 1
        if exception and received + 2 * WEEK < today:
            start = received + WEEK
            end = min(start + rng.randint(4, 6) * WEEK, today)
            if (end - start).days >= clocks.LONG_ABSENCE_DAYS:
                services.reg_exception_add(
                    ehc_request=ehc, kind=clocks.ExceptionKind.ABSENCE_FROM_AREA.value,
                    start_date=start, end_date=end, by=self.by,
                )  # fmt: skip
                self.counts.reg_exceptions += 1
        weeks = rng.randint(3, 6) if rng.random() < DECIDED_IN_6_WEEKS else rng.randint(7, 10)
        decided = received + weeks * WEEK
        if decided > today:
            return  # waiting for the decision (on time, or overdue)
        draw = 0.0 if late else rng.random()
        if draw >= ASSESS + REFUSE + WITHDRAW:
            return  # not decided yet, past 6 weeks
        decision = "Y" if draw < ASSESS else "N" if draw < ASSESS + REFUSE else "W"
        fields: dict[str, Any] = {"decision": decision, "decision_date": decided}
        outcome_day = today + WEEK if late else received + rng.randint(12, 18) * WEEK
        if decision == "Y" and outcome_day <= today:
            issue = rng.random() < PLAN_AFTER_ASSESSMENT
            fields |= {"assessment_outcome": "Y" if issue else "N",
                       "assessment_outcome_date": outcome_day}  # fmt: skip
            draft = outcome_day + rng.randint(1, 3) * WEEK
            if issue and draft <= today:
                fields["draft_plan_date"] = draft
        services.ehc_request_update(ehc_request=ehc, by=self.by, **fields)


# ---- specialists --------------------------------------------------------------------------------

# After two reviews of little or no progress most schools bring in a specialist (CoP 6.58); the
# rest are the compliance page's SPECIALIST_NOT_INVOLVED. A review deciding to involve a
# specialist is nearly always followed by a request. Who, in rough proportion to the needs
# schools ask about most: the EP, then speech and language, outreach, CAMHS, OT.
INVOLVED_AFTER_LITTLE_PROGRESS = 0.75
INVOLVED_AFTER_DECISION = 0.9
SPECIALIST_WEIGHTS = {
    Specialist.EDUCATIONAL_PSYCHOLOGIST: 40,
    Specialist.SPEECH_LANGUAGE_THERAPIST: 25,
    Specialist.OUTREACH: 15,
    Specialist.CAMHS: 10,
    Specialist.OCCUPATIONAL_THERAPIST: 7,
    Specialist.OTHER: 3,
}
RECOMMENDATIONS = (
    "Precision teaching of high-frequency words, 10 minutes daily.",
    "Visual supports and a now-and-next board; pre-teach new vocabulary.",
    "A movement break every 40 minutes and a sensory circuit before school.",
    "Small-group work on working memory; instructions chunked and written down.",
    "A key adult for check-ins at the start and end of each day.",
)


def seed_specialists(school: SeedSchool) -> dict[str, int]:
    """Specialist involvements for the school's pupils after their reviews: one written with
    bulk_create (a school's history, not a page's write). Its own random stream."""
    rng = random.Random(f"specialists:{school.school.urn}")  # noqa: S311 (synthetic data)
    today = school.today
    reviews: dict[int, list[tuple[date, str, str]]] = {}
    rows = (
        Review.objects.filter(cycle__pupil__school=school.school)
        .order_by("cycle__pupil_id", "held_on")
        .values_list("cycle__pupil_id", "held_on", "overall_progress", "decision")
    )
    for pupil_id, held, progress, decision in rows:
        reviews.setdefault(pupil_id, []).append((held, progress, decision))
    made: list[SpecialistInvolvement] = []
    who, weights = list(SPECIALIST_WEIGHTS), list(SPECIALIST_WEIGHTS.values())
    left_one = False
    for pupil_id, history in reviews.items():
        asked_after: date | None = None
        for (first, progress, _d), (_day, following, _) in zip(history, history[1:], strict=False):
            if progress == following == "none":
                asked_after = first
        chance = INVOLVED_AFTER_LITTLE_PROGRESS
        if not left_one and [p for _, p, _ in history[-2:]] == ["none", "none"]:
            # The first pupil whose latest two reviews found little progress is among "the
            # rest" in every school that has one, so the demo shows SPECIALIST_NOT_INVOLVED.
            left_one, chance = True, 0
        if asked_after is None:
            decided = [day for day, _, decision in history if decision == "specialist"]
            asked_after, chance = (decided[-1], INVOLVED_AFTER_DECISION) if decided else (None, 0)
        if asked_after is None or rng.random() >= chance:
            continue
        asked = min(asked_after + DAY * rng.randint(1, 20), today)
        seen = asked + WEEK * rng.randint(2, 10)
        advice = seen + DAY * rng.randint(5, 30)
        made.append(
            SpecialistInvolvement(
                pupil_id=pupil_id,
                specialist=rng.choices(who, weights)[0],
                asked_on=asked,
                seen_on=seen if seen <= today else None,
                advice_received_on=advice if advice <= today else None,
                recommendations=rng.choice(RECOMMENDATIONS) if advice <= today else "",
                recorded_by=school.senco,
            )
        )
    SpecialistInvolvement.objects.bulk_create(made, batch_size=500)
    return {"specialist_involvements": len(made)}
