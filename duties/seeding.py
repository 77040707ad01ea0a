"""The demo school's duties: SEND training for its staff (some of it required by the
interventions they deliver) and a published SEN information report, written through the
services (records/demo.py calls it after the school is seeded)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Membership, Role, School
from duties import figures, services
from duties.models import TrainingCourse
from provision.models import Intervention, Provision

# Plain-English words a school might start from (the SENCo edits them each year).
DEMO_TEXTS = {
    "kinds": "We are a mainstream school. We support pupils in all four broad areas of need: "
    "communication and interaction, cognition and learning, social, emotional and mental health, "
    "and sensory and physical needs.",
    "identifying": "If you or a teacher are worried about a child, the class teacher talks to "
    "our SENCo. We look at the child's work and progress, listen to the child and to you, and "
    "may ask a specialist for advice. We tell you when your child is placed on SEN support.",
    "evaluating": "Every intervention has a starting score and an end score. We check that "
    "sessions happened as planned and whether pupils reached their targets.",
    "reviewing": "Each pupil on SEN support has a plan with targets. We review it with you and "
    "your child at least three times a year.",
    "teaching": "Every teacher adapts lessons for the pupils in their class. Pupils with SEN are "
    "taught by their class teacher every day.",
    "adapting": "We use visual timetables, quiet spaces, coloured overlays, pre-teaching of "
    "words, and extra time where it helps.",
    "additional": "Some pupils take part in small-group or one-to-one interventions, led by "
    "trained teaching assistants.",
    "activities": "All pupils go on trips and take part in clubs, sport and performances. We "
    "plan ahead with you so that your child can join in.",
    "wellbeing": "Our pastoral team and trained staff run nurture and emotional literacy "
    "groups. We do not tolerate bullying.",
    "senco": "Our SENCo can be reached through the school office.",
    "expertise": "Our staff are trained each year. We buy in advice from an educational "
    "psychologist and a speech and language therapist.",
    "equipment": "We buy equipment a pupil needs from our SEN budget, and ask specialist "
    "services for anything more.",
    "parents": "We meet you at every review. You can ask to see the SENCo at any time.",
    "pupils": "Pupils give their views before each review and take part in the meeting.",
    "complaints": "Talk to the class teacher or the SENCo first. If you are still unhappy, our "
    "complaints policy on the website explains what to do next.",
    "other_bodies": "We work with health visitors, school nurses, speech and language therapy, "
    "CAMHS, social care and the local authority's support services.",
    "sendiass": "The local SEND information, advice and support service (SENDIASS) gives free, "
    "impartial advice to parents.",
    "transitions": "We visit nurseries, share records with the next school, and plan extra "
    "visits for pupils who need them.",
    "local_offer": "The local authority publishes its local offer on its website.",
    "accessibility": "We admit disabled pupils on the same terms as others. The building has "
    "ramps and an accessible toilet. Our accessibility plan is on the website.",
}

COURSES = (
    ("Precision teaching", "CL"),
    ("Autism awareness", "CI"),
    ("Emotional literacy support", "SEMH"),
    ("Speech and language: Talk Boost", "CI"),
    ("Dyslexia-friendly teaching", "CL"),
)


def seed_duties(school: School, today: date, seed: int = 19) -> None:
    """Training for the school's staff and a published SEN information report."""
    rng = random.Random(seed)  # noqa: S311 (synthetic demo data)
    senco = Membership.objects.filter(school=school, role=Role.SENCO).first()
    if senco is None:
        return
    by = senco.user
    staff = list(
        Membership.objects.filter(
            school=school, role__in=[Role.TEACHING_ASSISTANT, Role.TEACHER]
        ).values_list("user", flat=True)
    )
    year = figures.last_school_year(today)
    first = date(year, 9, 1)
    users = {
        m.user_id: m.user
        for m in Membership.objects.filter(user_id__in=staff).select_related("user")
    }
    for name, area in COURSES:
        for user_id in rng.sample(staff, min(len(staff), rng.randint(2, 5))):
            services.training_record(
                school=school,
                staff=users[user_id],
                course_name=name,
                area=area,
                completed_on=first + timedelta(days=rng.randint(0, 300)),
                hours=Decimal(rng.choice(["1.5", "3", "6"])),
                provider=rng.choice(["Local authority", "nasen", "Educational psychology service"]),
                certificate=None,
                by=by,
            )
    used = Intervention.objects.filter(
        pk__in=Provision.objects.filter(school=school).values("intervention_id")
    )
    for course in TrainingCourse.objects.filter(school=school):
        needed = [i.pk for i in used if i.area == course.area][:2]
        if needed:
            services.course_requirements(course=course, intervention_ids=needed, by=by)
    report = services.report_start(school=school, start_year=year, by=by)
    services.report_edit(
        report=report, texts=DEMO_TEXTS, languages=["pl", "ur"], version=report.version, by=by
    )
    published_on = min(today, date(year + 1, 9, 20))
    services.report_publish(report=report, on=published_on, by=by)
    services.report_sent_to_la(report=report, on=published_on, how="By email", by=by)
