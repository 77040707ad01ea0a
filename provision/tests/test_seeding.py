"""The seeded provision history (provision/seeding.py) obeys the rules provision/services/
enforces, is deterministic, and fills the provision pages, map and impact report."""

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from access import DELIVERING_ROLES
from accounts import schooldates
from accounts.models import ClosureDay, ClosureKind, Membership, Phase, Role, Term
from provision import costing, reports
from provision.models import (
    Enrolment,
    Measure,
    MeasureKind,
    NotionalBudget,
    Provision,
    Session,
    SessionAttendance,
    SpendingCategory,
    SpendingLine,
    StaffRole,
    TopUpFunding,
)
from pupils.models import RegisterEntry
from pupils.seeding import SchoolSpec
from sendpath.testing import seed_for_tests, seeded_runs
from support.models import Target

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)
SPECS = [SchoolSpec(Phase.PRIMARY, 240), SchoolSpec(Phase.SPECIAL, 40)]


def seed(seed: int = 6, today: date = TODAY):
    return seed_for_tests(SPECS, seed=seed, today=today)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seeding shared by the read-only tests of this module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def test_sessions_fall_on_the_provisions_days_and_never_after_today(seeded):
    result = seeded
    assert result.provisions > 20 and result.sessions > 500
    provisions = {p.pk: p for p in Provision.objects.all()}
    terms = [costing.Term(t.start_date, t.end_date) for t in Term.objects.all()]
    for p in provisions.values():
        assert p.intervention.school_id is None, "from the built-in catalogue"
        assert p.staff_role.school_id == p.school_id
        assert any(t.start <= p.start_date and p.end_date <= t.end for t in terms), "in a term"
        assert p.start_date <= TODAY and set(p.weekdays) <= {0, 1, 2, 3, 4} and p.weekdays
    seen = set()
    delivered: Counter[bool] = Counter()
    for s in Session.objects.all():
        p = provisions[s.provision_id]
        assert (s.provision_id, s.on) not in seen
        seen.add((s.provision_id, s.on))
        assert p.start_date <= s.on <= min(p.end_date, TODAY)
        assert s.on.weekday() in p.weekdays
        assert s.staff_role_id == p.staff_role_id
        if s.delivered:
            assert s.minutes >= 1 and not s.missed_reason
        else:
            assert s.missed_reason and s.minutes == 0 and s.delivered_by_id is None
        delivered[s.delivered] += 1
    share = delivered[True] / delivered.total()
    # Below the fidelity drawn (about 95%): a one-to-one session whose pupil is away is missed.
    assert 0.8 <= share <= 0.95
    reasons = set(Session.objects.filter(delivered=False).values_list("missed_reason", flat=True))
    assert {"TA covering a class", "Pupil absent"} <= reasons


def test_attendance_is_marked_only_for_pupils_in_the_group_that_day(seeded):
    enrolments: dict[int, list[Enrolment]] = defaultdict(list)
    for e in Enrolment.objects.all():
        enrolments[e.provision_id].append(e)
    marks: Counter[bool] = Counter()
    for a in SessionAttendance.objects.select_related("session"):
        s = a.session
        assert s.delivered, "a missed session has no attendance"
        (e,) = [e for e in enrolments[s.provision_id] if e.pupil_id == a.pupil_id]
        assert e.start_date <= s.on and (e.end_date is None or s.on <= e.end_date)
        marks[a.present] += 1
    # Above the pupils' presence (about 92%): a session nobody came to is missed, not marked.
    assert 0.86 <= marks[True] / marks.total() <= 0.98
    for s in Session.objects.filter(delivered=True).prefetch_related("attendance"):
        running = [
            e.pupil_id
            for e in enrolments[s.provision_id]
            if e.start_date <= s.on and (e.end_date is None or s.on <= e.end_date)
        ]
        assert sorted(a.pupil_id for a in s.attendance.all()) == sorted(running)


def test_groups_fit_the_intervention_and_the_pupils_on_the_register(seeded):
    on_register: dict[int, list[RegisterEntry]] = defaultdict(list)
    for entry in RegisterEntry.objects.exclude(provision="N"):
        on_register[entry.pupil_id].append(entry)
    staff = defaultdict(set)
    for m in Membership.objects.filter(role__in=DELIVERING_ROLES):
        staff[m.school_id].add(m.user_id)
    sizes = []
    for p in Provision.objects.prefetch_related("enrolments"):
        pupils = list(p.enrolments.all())
        sizes.append(len(pupils))
        assert 1 <= len(pupils) <= p.intervention.group_size
        assert p.staff_id is None or p.staff_id in staff[p.school_id]
        for e in pupils:
            assert p.start_date <= e.start_date <= (e.end_date or p.end_date) <= p.end_date
            assert any(
                r.start_date <= p.start_date and (r.end_date is None or p.start_date <= r.end_date)
                for r in on_register[e.pupil_id]
            ), "pupils in provision are on the SEN register"
    assert max(sizes) >= 3, "some real groups"
    one_to_one = Provision.objects.filter(intervention__group_size=1)
    assert one_to_one.filter(enrolments__pupil__register_entries__provision="E").exists()


def test_exit_data_follows_entry_data_of_the_same_kind(seeded):
    measures: dict[int, dict[str, Measure]] = defaultdict(dict)
    for m in Measure.objects.select_related("enrolment__provision__intervention"):
        measures[m.enrolment_id][m.kind] = m
        assert m.measure_type == m.enrolment.provision.intervention.measure_type
        assert m.on <= TODAY
    gains = defaultdict(list)
    for pair in measures.values():
        entry, exit_ = pair.get(MeasureKind.ENTRY), pair.get(MeasureKind.EXIT)
        assert entry is not None, "no exit without entry"
        assert entry.on == entry.enrolment.start_date
        if exit_ is not None:
            assert exit_.on >= entry.on and exit_.measure_type == entry.measure_type
            assert exit_.on == exit_.enrolment.end_date
            gains[entry.measure_type].append(float(exit_.value - entry.value))
    enough = {kind: values for kind, values in gains.items() if len(values) >= 10}
    assert len(enough) >= 2, "finished enrolments have exit data"
    for kind, values in enough.items():
        assert sum(values) / len(values) > 0, f"{kind}: pupils gain on average"
        assert any(v <= 0 for v in values), f"{kind}: some gain nothing"


def test_provision_is_linked_to_targets_of_its_pupils_current_plans(seeded):
    links = Provision.targets.through.objects.select_related(
        "provision", "target__plan__cycle"
    ).all()
    assert links.exists()
    for link in links:
        p, cycle = link.provision, link.target.plan.cycle
        assert p.enrolments.filter(pupil_id=cycle.pupil_id).exists()
        assert cycle.opened_on <= p.start_date <= (cycle.closed_on or TODAY)


def test_roles_budgets_and_top_ups(seeded):
    result = seeded
    assert result.staff_roles == 2 * StaffRole.objects.filter(school__phase=Phase.SPECIAL).count()
    kinds = set(StaffRole.objects.values_list("kind", flat=True))
    assert {"ta2", "ta3", "hlta", "teacher", "specialist"} <= kinds
    for role in StaffRole.objects.all():
        assert 15 <= role.hourly_cost <= 120
    years = {schooldates.school_year_start(TODAY) - i for i in range(3)}
    primary_budgets = NotionalBudget.objects.filter(school__phase=Phase.PRIMARY)
    assert set(primary_budgets.values_list("start_year", flat=True)) == years
    with_plans = set(RegisterEntry.objects.filter(provision="E").values_list("pupil_id", flat=True))
    top_ups = TopUpFunding.objects.all()
    assert top_ups.exists() and set(top_ups.values_list("pupil_id", flat=True)) <= with_plans
    assert Provision.objects.exclude(resource_cost=0).exists()
    assert Provision.objects.exclude(licence_cost=0).exists()


def _first_rows(school_ids: list[int]) -> list[tuple]:
    sessions = Session.objects.filter(provision__school_id__in=school_ids).order_by(
        "provision__start_date", "provision__name", "on", "pk"
    )
    measures = Measure.objects.filter(enrolment__pupil__school_id__in=school_ids)
    return list(
        sessions.values_list("provision__name", "on", "delivered", "missed_reason")[:60]
    ) + list(measures.order_by("on", "value", "pk").values_list("name", "value")[:30])


def test_the_same_seed_gives_the_same_provision():
    runs = seeded_runs(lambda n: seed(seed=n), _first_rows)
    assert runs[0] == runs[1]
    assert runs[0][1] != runs[2][1]


def test_the_provision_pages_map_and_impact_render_for_a_seeded_school(seeded):
    primary = seeded.school_ids[0]
    senco = Membership.objects.get(role=Role.SENCO, school_id=primary).user
    client = Client()
    client.force_login(senco)
    year = schooldates.school_year_start(TODAY) - 1  # a whole school year of provision
    first, last = schooldates.school_year_bounds(year)
    in_year = Provision.objects.filter(school_id=primary, start_date__range=(first, last))
    pages = {
        "list": reverse("provision_list"),
        "detail": reverse("provision_detail", args=[in_year.order_by("pk")[0].pk]),
        "map": reverse("provision_map") + f"?year={year}",
        "impact": reverse("provision_impact") + f"?year={year}",
        "budget": reverse("provision_budget") + f"?year={year}",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert "£" in response.content.decode() or name == "list", name
    impact = client.get(pages["impact"]).content.decode()
    names = set(in_year.values_list("intervention__name", flat=True))
    assert names and sum(escape(n) in impact for n in names) >= len(names) / 2
    assert Target.objects.filter(provisions__school_id=primary).exists()


def test_seeded_sessions_fall_only_on_open_days(seeded):
    """The demo's terms have their half-terms, training days and bank holidays, and no session
    is recorded on them (none is planned there)."""
    closed: set[date] = set()
    for t in Term.objects.all():
        assert t.half_term_start is not None and t.half_term_end is not None
        closed |= {
            t.half_term_start + timedelta(days=i)
            for i in range((t.half_term_end - t.half_term_start).days + 1)
        }
    closures = ClosureDay.objects.values_list("school_id", "date", "kind")
    assert {k for _s, _d, k in closures} == {ClosureKind.INSET, ClosureKind.BANK_HOLIDAY}
    shut = {(s, d) for s, d, _k in closures}
    for school_id, on in Session.objects.values_list("provision__school_id", "on"):
        assert on not in closed, f"a session in half-term on {on}"
        assert (school_id, on) not in shut, f"a session on a closure day, {on}"


def test_the_demo_budget_reads_like_a_real_schools(seeded):
    """Issue 13, item 6: every mainstream school year that has begun has staffing (a TA's
    in-class hours, the SENCo's release time), EP days, a SALT contract, outreach, resources and
    training, dated inside the year and never after today; special schools have no budget."""
    primary = seeded.school_ids[0]
    lines = SpendingLine.objects.filter(school_id=primary)
    assert seeded.spending_lines == lines.count() > 0
    assert not SpendingLine.objects.filter(school__phase=Phase.SPECIAL).exists()
    years = {schooldates.school_year_start(TODAY) - i for i in range(3)}
    for year in years:
        mine = lines.filter(start_year=year)
        assert set(mine.values_list("category", flat=True)) == set(SpendingCategory.values), year
        staffing = mine.filter(category="staffing")
        assert staffing.filter(
            description__startswith="In-class support", staff_role__kind__in=["ta2", "ta3"]
        ).exists()
        assert staffing.filter(staff_role__name="SENCo").exists()
        assert mine.filter(description__startswith="Educational psychologist").exists()
        assert mine.filter(description__startswith="Speech and language therapy").exists()
        for line in mine:
            assert schooldates.school_year_start(line.spent_on) == year and line.spent_on <= TODAY
            assert line.staff_role is None or line.staff_role.school_id == primary
            assert line.pupil is None or line.pupil.school_id == primary
    # A whole past year: most of the notional budget is spent, most of it on staff, and the
    # interventions are a small part of it (as in a real school).
    last = schooldates.school_year_start(TODAY) - 1
    school = NotionalBudget.objects.get(school_id=primary, start_year=last).school
    budget = reports.budget(school, reports.period_for(school, last), today=TODAY)
    assert budget.amount and 0.4 <= budget.spent / budget.amount <= 1.1
    assert budget.totals.by_category["staffing"] > budget.spent / 2
    assert all(budget.totals.by_category[c] > 0 for c in costing.CATEGORIES)
