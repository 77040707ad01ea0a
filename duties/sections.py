"""The SEN information report's sections: one for each item of Schedule 1 to the SEND
Regulations 2014 and for what s.69 of the Children and Families Act 2014 adds (standards.md §7.5).

Each section has the school's own text (kept year to year, `InformationReport.texts`) and, where
the records can say it, figures for the last school year (`figures` names them; duties/figures.py
builds them). Titles and prompts are marked for translation: the report is shown in the school's
chosen languages where a translation exists.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The languages besides English whose translations of the report's fixed wording ship
# (sendpath/locale); the school chooses which of them its published report is offered in.
LANGUAGES = {"pl": "Polski", "ur": "اردو"}


@dataclass(frozen=True)
class Section:
    key: str
    item: str  # "Schedule 1, 3(a)" or "s.69(3)"
    title: str | Promise
    prompt: str | Promise  # what the school should say, for the SENCo writing it
    figures: tuple[str, ...] = ()


SECTIONS: tuple[Section, ...] = (
    Section("kinds", "Schedule 1, 1", _("The kinds of special educational needs we provide for"),
            _("The four broad areas of need and how many pupils we supported in each last year."),
            ("register",)),
    Section("identifying", "Schedule 1, 2", _("How we identify and assess special educational needs"),
            _("How a concern is raised, who assesses, and how parents are told.")),
    Section("evaluating", "Schedule 1, 3(a)", _("How we check that our provision works"),
            _("How we measure the impact of interventions, and what we found last year."),
            ("interventions",)),
    Section("reviewing", "Schedule 1, 3(b)", _("How we assess and review progress"),
            _("The assess, plan, do, review cycle, and how parents take part in reviews."),
            ("reviews",)),
    Section("teaching", "Schedule 1, 3(c)", _("Our approach to teaching pupils with SEN"),
            _("High-quality teaching and the adaptations every class makes.")),
    Section("adapting", "Schedule 1, 3(d)", _("How we adapt the curriculum and learning environment"),
            _("Examples of adaptations to lessons, rooms and routines.")),
    Section("additional", "Schedule 1, 3(e)", _("Additional support for learning"),
            _("Interventions and in-class support, and who delivers them.")),
    Section("activities", "Schedule 1, 3(f)", _("Taking part in all of school life"),
            _("Clubs, trips and physical activities with other pupils.")),
    Section("wellbeing", "Schedule 1, 3(g)", _("Emotional, mental and social development"),
            _("Pastoral support, and how we listen to pupils and prevent bullying.")),
    Section("senco", "Schedule 1, 4", _("Our SENCo"),
            _("The SENCo's name and how to contact them.")),
    Section("expertise", "Schedule 1, 5", _("Staff expertise and training"),
            _("Training our staff completed last year, and how we bring in specialist expertise."),
            ("training",)),
    Section("equipment", "Schedule 1, 6", _("Equipment and facilities"),
            _("How we secure equipment and facilities, and what we spent."), ("budget",)),
    Section("parents", "Schedule 1, 7", _("Working with parents and carers"),
            _("How we consult parents and involve them in their child's education.")),
    Section("pupils", "Schedule 1, 8", _("Involving children and young people"),
            _("How pupils take part in planning and reviewing their support.")),
    Section("complaints", "Schedule 1, 9", _("Complaints"),
            _("The governing body's arrangements for complaints about SEN provision.")),
    Section("other_bodies", "Schedule 1, 10", _("Working with other services"),
            _("Health, social care, the LA's support services and voluntary organisations.")),
    Section("sendiass", "Schedule 1, 11", _("Support services for parents"),
            _("Contact details of the local SEND information, advice and support service.")),
    Section("transitions", "Schedule 1, 12", _("Moving between phases and preparing for adulthood"),
            _("Joining us, moving year group, and moving on to the next school or college.")),
    Section("local_offer", "Schedule 1, 13", _("The local offer"),
            _("Where the local authority publishes its local offer.")),
    Section("accessibility", "s.69(3)", _("Disabled pupils: admissions and access"),
            _("How disabled pupils are admitted and treated no less favourably, the facilities "
              "for access, and our accessibility plan.")),
)  # fmt: skip

SECTION_KEYS = frozenset(s.key for s in SECTIONS)
