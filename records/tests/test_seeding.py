"""The seed generator and the demo: deterministic, valid, realistic, and built once."""

from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from accounts import schooldates
from accounts.models import LocalAuthority, Membership, Phase, Role, School, User
from provision.models import Measure, Session
from pupils.models import Contact, FamilyLink, Need, Pupil, PupilAssignment, RegisterEntry
from pupils.seeding import SchoolSpec
from pupils.upn import is_valid_upn
from records.demo import DEMO_PASSWORD, build_demo
from records.seeding import seed_schools, seed_specs
from support.models import Cycle, Review

TODAY = date(2026, 3, 10)
START_YEAR = schooldates.school_year_start(TODAY)


def _snapshot() -> list[tuple]:
    return list(
        Pupil.objects.order_by("upn").values_list(
            "upn", "legal_forename", "legal_surname", "date_of_birth", "sex", "nc_year"
        )
    )


def _open_provision() -> dict[int, str]:
    return dict(
        RegisterEntry.objects.filter(end_date__isnull=True).values_list("pupil_id", "provision")
    )


# The generator's provision comes from the built-in catalogue (conftest.builtin_catalogue).
pytestmark = pytest.mark.usefixtures("builtin_catalogue")


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    runs = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            seed_schools(schools=2, pupils_per_school=120, seed=seed, today=TODAY)
            runs.append(_snapshot())
            transaction.set_rollback(True)  # each run starts from the same empty database
    assert runs[0] == runs[1]
    assert len(runs[0]) == 240
    names = lambda run: [row[1:3] for row in run]  # noqa: E731
    assert names(runs[0]) != names(runs[2])


@pytest.mark.django_db
def test_upns_are_valid_and_unique_across_schools_and_repeated_runs():
    for _ in range(2):  # the same seed twice into the same database
        seed_schools(schools=3, pupils_per_school=150, seed=1, today=TODAY)
    upns = list(Pupil.objects.values_list("upn", flat=True))
    assert len(upns) == 900
    assert all(is_valid_upn(u) for u in upns)
    assert len(set(upns)) == len(upns)
    # UPNs are derived from LA code + establishment number of the school that allocated them.
    for school in School.objects.all():
        heads = {u[1:8] for u in school.pupils.values_list("upn", flat=True)}
        assert heads == {school.dfe_number}
    assert School.objects.values("urn").distinct().count() == 6


@pytest.mark.django_db
def test_schools_years_classes_and_ages_fit_english_rules():
    seed_schools(schools=5, pupils_per_school=100, seed=3, today=TODAY, years_of_history=3)
    phases = Counter(School.objects.values_list("phase", flat=True))
    assert phases == {Phase.PRIMARY: 3, Phase.SECONDARY: 1, Phase.SPECIAL: 1}
    prefixes: dict[str, str] = {Phase.PRIMARY: "2", Phase.SECONDARY: "4", Phase.SPECIAL: "7"}
    for school in School.objects.all():
        assert school.establishment_number.startswith(prefixes[school.phase])
        assert sorted(school.school_years.values_list("start_year", flat=True)) == [
            START_YEAR - 2,
            START_YEAR - 1,
            START_YEAR,
        ]
        assert all(year.terms.count() == 3 for year in school.school_years.all())
        groups = school.teaching_groups.filter(school_year__start_year=START_YEAR)
        assert groups.exists()
        assert all(g.teachers.count() == 1 for g in groups)
    pupils = Pupil.objects.annotate(
        groups=Count("teaching_groups", distinct=True), links=Count("family_links", distinct=True)
    )
    for pupil in pupils:
        assert schooldates.expected_nc_year(pupil.date_of_birth, START_YEAR) == pupil.nc_year
        assert pupil.groups == 1
        assert pupil.links in (1, 2)
        assert pupil.admission_date and pupil.admission_date <= TODAY
    secondary = Pupil.objects.filter(school__phase=Phase.SECONDARY)
    assert set(secondary.values_list("nc_year", flat=True)) == {"7", "8", "9", "10", "11"}
    assert School.objects.get(phase=Phase.SECONDARY).teaching_groups.filter(name="9T1").exists()


@pytest.mark.django_db
def test_prevalence_and_need_mix_follow_the_national_statistics():
    seed_schools(schools=4, pupils_per_school=650, seed=11, today=TODAY)  # 3 primary, 1 secondary
    provision = _open_provision()
    pupils = list(Pupil.objects.values_list("pk", "sex", "school__phase"))
    assert len(pupils) == 2600
    by = Counter(provision.get(pk, "N") for pk, _, _ in pupils)
    assert 0.11 <= by["K"] / 2600 <= 0.17
    assert 0.02 <= by["E"] / 2600 <= 0.06
    boys = Counter((provision.get(pk, "N"), sex) for pk, sex, _ in pupils)
    assert boys[("E", "M")] / by["E"] >= 0.6
    assert 0.52 <= boys[("K", "M")] / by["K"] <= 0.7
    assert 0.46 <= sum(1 for _, sex, _ in pupils if sex == "M") / 2600 <= 0.56

    open_needs = Need.objects.filter(end_date__isnull=True)
    primary = Counter(
        open_needs.filter(rank=1, pupil__school__phase=Phase.PRIMARY)
        .filter(pupil_id__in=[pk for pk, code in provision.items() if code == "K"])
        .values_list("need_type", flat=True)
    )
    assert primary.most_common(1)[0][0] == "SLCN"
    secondary = Counter(
        open_needs.filter(rank=1, pupil__school__phase=Phase.SECONDARY)
        .filter(pupil_id__in=[pk for pk, code in provision.items() if code == "K"])
        .values_list("need_type", flat=True)
    )
    assert secondary["SEMH"] + secondary["SPLD"] + secondary["MLD"] > secondary.total() / 2
    on_register = [pk for pk, code in provision.items() if code in "KE"]
    with_second = open_needs.filter(rank=2, pupil_id__in=on_register).count()
    assert 0.2 <= with_second / len(on_register) <= 0.4
    assert not open_needs.filter(
        need_type="NSA", pupil_id__in=[pk for pk, code in provision.items() if code == "E"]
    ).exists()


@pytest.mark.django_db
def test_special_schools_are_almost_all_ehc_plans():
    la = LocalAuthority.objects.create(code="873", name="Fenshire")
    seed_specs([SchoolSpec(Phase.SPECIAL, 150)], seed=5, today=TODAY, la=la)
    provision = _open_provision()
    assert sum(1 for code in provision.values() if code == "E") / 150 >= 0.93
    assert len(provision) == 150


@pytest.mark.django_db
def test_register_histories_are_contiguous_and_match_the_needs():
    seed_schools(schools=4, pupils_per_school=200, seed=2, today=TODAY)
    entries: dict[int, list[RegisterEntry]] = {}
    for entry in RegisterEntry.objects.order_by("start_date"):
        entries.setdefault(entry.pupil_id, []).append(entry)
    needs: dict[int, list[Need]] = {}
    for need in Need.objects.all():
        needs.setdefault(need.pupil_id, []).append(need)
    shapes: Counter[str] = Counter()
    for pupil_id, chain in entries.items():
        shapes["".join(e.provision for e in chain)] += 1
        assert [e.end_date is None for e in chain].count(True) <= 1
        assert chain[-1].end_date is None
        for before, after in zip(chain, chain[1:], strict=False):
            assert before.end_date == after.start_date - timedelta(days=1)
            assert before.provision != after.provision
        for e in chain:
            assert e.start_date <= TODAY and (e.end_date is None or e.end_date >= e.start_date)
            assert e.reason and e.decided_by_name
            if e.parents_informed_on:
                assert e.start_date <= e.parents_informed_on <= TODAY
                assert e.parents_informed_how
        open_ranks = [n.rank for n in needs.get(pupil_id, []) if n.end_date is None]
        assert sorted(open_ranks) == sorted(set(open_ranks))
        if chain[-1].provision in "KE":
            assert (
                1 in open_ranks
            )  # a pupil on the register has a primary need (and rank 2 only with it)
        else:
            assert open_ranks == []
    assert shapes["K"] and shapes["E"] and shapes["KE"] and shapes["KN"] and shapes["KNK"]
    assert set(needs) <= set(entries)
    for pupil_id, pupil_needs in needs.items():
        periods = [e for e in entries[pupil_id] if e.provision in "KE"]
        for need in pupil_needs:
            assert need.end_date is None or need.end_date >= need.start_date
            assert any(e.start_date <= need.start_date <= (e.end_date or TODAY) for e in periods), (
                "a need starts while the pupil is on the register"
            )
        open_types = [n.need_type for n in pupil_needs if n.end_date is None]
        assert len(open_types) == len(set(open_types)), (
            "the secondary need differs from the primary"
        )
    awaiting = RegisterEntry.objects.filter(parents_informed_on__isnull=True)
    assert 0 < awaiting.count() < RegisterEntry.objects.count() / 10
    assert Need.objects.filter(end_date__isnull=False).exists()


@pytest.mark.django_db
def test_every_row_passes_model_validation_and_constraints():
    seed_schools(schools=1, pupils_per_school=50, seed=4, today=TODAY)
    for model in (Pupil, Contact, FamilyLink, RegisterEntry, Need, PupilAssignment, Membership):
        for obj in model.objects.all():
            obj.full_clean()
    assert Membership.objects.filter(role=Role.SENCO).count() == 1
    assert PupilAssignment.objects.exists()
    languages = set(Contact.objects.values_list("preferred_language", flat=True))
    assert "English" in languages
    eal_contacts = Contact.objects.filter(family_links__pupil__eal=True)
    assert not eal_contacts.filter(preferred_language="English").exists()
    teachers = User.objects.filter(memberships__role=Role.TEACHER)
    assert teachers.exists() and not any(u.has_usable_password() for u in teachers)


@pytest.mark.django_db
def test_generated_staff_can_be_given_a_password():
    seed_schools(schools=1, pupils_per_school=30, seed=4, today=TODAY, staff_password="pw-12345")
    user = User.objects.filter(memberships__role=Role.TEACHER).first()
    assert user is not None
    assert authenticate(username=user.username, password="pw-12345") == user


@pytest.mark.django_db
def test_seed_command_runs():
    out = StringIO()
    call_command(
        "seed", "--schools=2", "--pupils-per-school=40", "--seed=9", "--la-code=821", stdout=out
    )
    assert Pupil.objects.count() == 80
    assert School.objects.filter(la__code="821").count() == 2
    assert "pupils" in out.getvalue() and "Seeded in" in out.getvalue()
    for history in ("cycles", "targets", "provisions", "sessions", "attendance marks"):
        assert history in out.getvalue()
    assert Cycle.objects.filter(pupil__school__la__code="821").exists()
    assert Session.objects.filter(provision__school__la__code="821").exists()


@pytest.mark.django_db
def test_demo_is_built_once_with_a_login_for_every_role():
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)  # migrates, builds, lists; does not serve
    counts = [m.objects.count() for m in (School, User, Pupil, RegisterEntry, Membership)]
    logins = build_demo(TODAY)
    assert [m.objects.count() for m in (School, User, Pupil, RegisterEntry, Membership)] == counts
    assert {login.role for login in logins} == set(Role.values)
    for login in logins:
        assert login.role_label in out.getvalue() and login.username in out.getvalue()
        user = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert user is not None and user.email == login.username
        assert user.first_name and user.last_name
        assert user.memberships.filter(role=login.role).exists()
    assert DEMO_PASSWORD in out.getvalue()
    assert not User.objects.filter(is_superuser=True).exists()
    phases = Counter(School.objects.values_list("phase", flat=True))
    assert phases == {Phase.PRIMARY: 1, Phase.SECONDARY: 1, Phase.SPECIAL: 1}
    assert Pupil.objects.count() == 300 + 900 + 120
    trust = School.objects.get(phase=Phase.PRIMARY).trust
    assert trust and set(trust.schools.values_list("phase", flat=True)) == {"primary", "secondary"}


@pytest.mark.django_db
def test_demo_logins_tell_one_story():
    build_demo(TODAY)
    primary = School.objects.get(phase=Phase.PRIMARY)
    provision = _open_provision()
    senco = User.objects.get(username="senco@demo.sendpath")
    assert senco.memberships.filter(role=Role.SENCO).count() == 2
    (group,) = User.objects.get(username="teacher@demo.sendpath").teaching_groups.all()
    codes = [provision.get(p.pk, "N") for p in group.pupils.all()]
    assert group.school == primary and codes.count("K") >= 2 and "N" in codes
    ta = User.objects.get(username="ta@demo.sendpath")
    assisted = ta.pupil_assignments.filter(end_date__isnull=True, pupil__school=primary)
    assert sum(provision.get(a.pupil_id) in ("K", "E") for a in assisted) >= 3
    parent = User.objects.get(username="parent@demo.sendpath")
    children = Pupil.objects.filter(family_links__contact__user=parent).distinct()
    assert children.count() == 1
    child = children.get()
    assert provision[child.pk] == "K" and child.school == primary
    assert child.needs.filter(rank=1, end_date__isnull=True).exists()
    assert child.register_entries.count() >= 1
    # The parent's child has a support history: the current cycle with a plan, earlier reviews.
    current = child.cycles.get(closed_on__isnull=True)
    assert current.plan.targets.exists()
    assert child.cycles.count() >= 2 and Review.objects.filter(cycle__pupil=child).exists()
    # The SENCo's school has a costed provision map: provision, sessions, roles and a budget.
    assert Session.objects.filter(provision__school=primary, delivered=True).exists()
    assert primary.staff_roles.filter(hourly_cost__gt=0).exists()
    assert primary.notional_budgets.count() == 3
    assert Measure.objects.filter(enrolment__provision__school=primary, kind="exit").exists()
    la_officer = Membership.objects.select_related("la").get(user__username="la@demo.sendpath")
    assert la_officer.la and la_officer.la.code == "820"
    # The school's duties: a published SEN information report at its public address, training.
    from duties.models import InformationReport, TrainingRecord

    published = InformationReport.objects.get(school=primary, status="published")
    assert published.sent_to_la_on and published.figures["register"]["K"] > 0
    assert TrainingRecord.objects.filter(course__school=primary).exists()
