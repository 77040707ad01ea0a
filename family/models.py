"""Families as partners (issue 17): who the family's key person is, what the school and the LA
signpost, the parents' acknowledgements of plans and review records, the communication log
(staff notes and the family's messages), drafts of the views before a review and their
reminders, the pupil's own words, and each parent's language.

These rows sit beside support's (a cycle's plan and review) and are read by statutory's
compliance inputs (an acknowledged review record has been given to the parents).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import LocalAuthority, School
from pupils.models import Pupil
from support.models import Cycle, Target

USER = settings.AUTH_USER_MODEL


class Signposting(models.Model):
    """Where a family can turn, configured once for an LA and overridden field by field by a
    school (family.signposts.merged): the Local Offer, SENDIASS, how to raise a concern and how
    to complain, the SEN information report. Exactly one of `la` and `school` is set."""

    la = models.OneToOneField(
        LocalAuthority, null=True, blank=True, on_delete=models.CASCADE, related_name="signposting"
    )
    school = models.OneToOneField(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="signposting"
    )
    local_offer_url = models.URLField("Local Offer web address", blank=True)
    sendiass_name = models.CharField("SENDIASS service name", max_length=160, blank=True)
    sendiass_phone = models.CharField("SENDIASS phone", max_length=40, blank=True)
    sendiass_email = models.EmailField("SENDIASS email", blank=True)
    sendiass_url = models.URLField("SENDIASS web address", blank=True)
    concerns_how = models.TextField("How to raise a concern", blank=True)
    complaints_how = models.TextField("How to complain", blank=True)
    complaints_url = models.URLField("Complaints policy web address", blank=True)
    information_report_url = models.URLField("SEN information report web address", blank=True)
    school_phone = models.CharField("The school's phone", max_length=40, blank=True)
    views_open_days = models.PositiveSmallIntegerField(
        "Days before a review that parents' views open",
        null=True,
        blank=True,
        help_text="Empty: the LA's setting, else 21 days.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(la__isnull=False) & Q(school__isnull=True))
                | (Q(la__isnull=True) & Q(school__isnull=False)),
                name="signposting_for_an_la_or_a_school",
            ),
        ]

    def __str__(self) -> str:
        return f"Signposting for {self.school or self.la}"


class KeyPerson(models.Model):
    """The family's named contact for a pupil (when not the SENCo): who leads the family area."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="key_person")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    role_title = models.CharField("Their role", max_length=80, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True, help_text="Empty: their sign-in email.")

    def __str__(self) -> str:
        return f"Key person for {self.pupil}"


class Document(models.TextChoices):
    PLAN = "plan", _("The plan")
    REVIEW = "review", _("The review record")


class Acknowledgement(models.Model):
    """A parent confirms they received and read a cycle's plan or its review record."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="acknowledgements")
    document = models.CharField(max_length=8, choices=Document.choices)
    parent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    acknowledged_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["acknowledged_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "document", "parent"], name="acknowledgement_once_per_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} of {self.cycle} read {self.acknowledged_on}"


class LogKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Phone call")
    EMAIL = "email", _("Email")
    DIARY = "diary", _("Home-school diary")
    MESSAGE = "message", _("Message from the family")
    REPLY = "reply", _("Reply from the school")


class LogEntry(models.Model):
    """One entry of a pupil's communication log: staff record meetings, calls, emails and diary
    notes, shared with the family or staff-only; a parent's message is always shared, and a
    reply answers it in the log."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="log_entries")
    kind = models.CharField(max_length=8, choices=LogKind.choices)
    occurred_on = models.DateField()
    text = models.TextField()
    shared = models.BooleanField("Shared with the family", default=False)
    author = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=120)
    in_reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["message", "reply"]) | Q(shared=True),
                name="log_messages_are_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} about {self.pupil} on {self.occurred_on}"

    @property
    def from_family(self) -> bool:
        return self.kind == LogKind.MESSAGE


class ViewsDraft(models.Model):
    """A parent's unfinished views before a review, saved to come back to."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="views_drafts")
    parent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    views = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "parent"], name="views_draft_one_per_parent")
        ]

    def __str__(self) -> str:
        return f"Draft views for {self.cycle}"


class ViewsReminder(models.Model):
    """The reminder email sent to a parent that their views are open: one per parent and cycle."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="views_reminders")
    parent = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "parent"], name="views_reminder_once")
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.cycle} on {self.sent_on}"


class Feeling(models.IntegerChoices):
    """The pupil voice scale: a symbol and a text label each, never the symbol alone."""

    VERY_HAPPY = 5, _("Very happy")
    HAPPY = 4, _("Happy")
    OK = 3, _("OK")
    SAD = 2, _("Sad")
    VERY_SAD = 1, _("Very sad")


FEELING_SYMBOLS = {5: "😄", 4: "🙂", 3: "😐", 2: "🙁", 1: "😢"}


class PupilVoice(models.Model):
    """The child's own views before a review, in their words exactly as they said them."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="pupil_voices")
    feeling = models.PositiveSmallIntegerField(choices=Feeling.choices)
    going_well = models.TextField(blank=True)
    hard = models.TextField(blank=True)
    helps = models.TextField(blank=True)
    wish = models.TextField(blank=True)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-pk"]

    def __str__(self) -> str:
        return f"Pupil voice for {self.cycle} on {self.given_on}"

    @property
    def symbol(self) -> str:
        return FEELING_SYMBOLS.get(self.feeling, "")


class TargetWords(models.Model):
    """A target as the child says it, for "my targets", kept exactly as written down."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="pupil_words")
    words = models.TextField()
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.words[:80]


class FamilyLanguage(models.Model):
    """The language a parent chose for the family area (else their family link's preferred
    language, else English)."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="family_language")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
