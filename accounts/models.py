"""Who is who: users, local authorities, trusts, schools, school years and terms, memberships,
API tokens. Which pupils a membership reaches is decided in the access package (access/) alone."""

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts import schooldates


class User(AbstractUser):
    """A person who signs in. Staff, parents and officers alike; what they reach comes from
    their memberships."""

    # The daily reminder (statutory/reminders.py): what falls due in the next N days, one digest
    # a day; 0 turns it off. A personal setting (/accounts/settings/).
    reminder_days = models.PositiveSmallIntegerField(
        "Remind me of duties falling due in the next",
        default=14,
        validators=[MaxValueValidator(90)],
        help_text="Days, up to 90. 0 sends no reminders.",
    )

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class LocalAuthority(models.Model):
    code = models.CharField(
        "LA code",
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", "An LA code is 3 digits.")],
    )
    name = models.CharField(max_length=120)

    class Meta:
        verbose_name_plural = "local authorities"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Trust(models.Model):
    name = models.CharField(max_length=160)
    companies_house_number = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    ALTERNATIVE_PROVISION = "ap", "Alternative provision"


class School(models.Model):
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "A URN is 6 digits.")],
    )
    la = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="schools")
    establishment_number = models.CharField(
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", "An establishment number is 4 digits.")],
    )
    name = models.CharField(max_length=160)
    phase = models.CharField(max_length=12, choices=Phase.choices)
    # GIAS's statutory high age (11 for a primary, 16 or 18 for a secondary): which year group
    # leaves at the new school year (people/years.py); unknown, the phase decides.
    high_age = models.PositiveSmallIntegerField(
        "Statutory high age",
        null=True,
        blank=True,
        validators=[MaxValueValidator(19)],
        help_text="The age of the oldest pupils, as on Get Information about Schools",
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools"
    )
    # The CTF version the school's MIS speaks (17 to 25): the last imported CTF's, and the one
    # a leaver's CTF is written in (interop).
    ctf_version = models.PositiveSmallIntegerField(
        "CTF version", default=25, validators=[MinValueValidator(17), MaxValueValidator(25)]
    )
    # How long after a provision ends its deliverer may still fill in its register and its entry
    # and exit data (late entries); see access.reach.delivers.
    provision_grace_days = models.PositiveSmallIntegerField(
        "Days after a provision ends that its deliverer may still record it",
        default=14,
        validators=[MaxValueValidator(365)],
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["la", "establishment_number"], name="school_unique_dfe_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def dfe_number(self) -> str:
        """LAESTAB, as on CTFs and census returns (e.g. 8202001)."""
        return f"{self.la.code}{self.establishment_number}"


class SchoolYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="school_years")
    start_year = models.PositiveSmallIntegerField(help_text="2025 for the year 2025/26")

    class Meta:
        ordering = ["school", "-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_year"], name="school_year_unique"),
        ]

    def __str__(self) -> str:
        return schooldates.school_year_label(self.start_year)

    @property
    def start_date(self) -> date:
        return schooldates.school_year_bounds(self.start_year)[0]

    @property
    def end_date(self) -> date:
        return schooldates.school_year_bounds(self.start_year)[1]


class TermName(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


class Term(models.Model):
    """A term's dates, editable per school (they vary by LA and between academies)."""

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=6, choices=TermName.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    # The half-term break inside the term (first and last day off), when the school has set it.
    half_term_start = models.DateField(null=True, blank=True)
    half_term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "name"], name="term_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="term_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(half_term_start__isnull=True, half_term_end__isnull=True)
                | Q(
                    half_term_start__gt=F("start_date"),
                    half_term_end__gte=F("half_term_start"),
                    half_term_end__lt=F("end_date"),
                ),
                name="term_half_term_inside_the_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.school_year}"


class ClosureKind(models.TextChoices):
    INSET = "inset", "Training (INSET) day"
    BANK_HOLIDAY = "bank_holiday", "Bank holiday"
    OTHER = "other", "Other closure"


class ClosureDay(models.Model):
    """A day in term time when the school is shut: a training day, a bank holiday, a snow day.
    (Half-terms are on the Term; holidays between terms are outside every term.)"""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=ClosureKind.choices)
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "date"], name="closure_day_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class Role(models.TextChoices):
    SENCO = "senco", "SENCo"
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    SENIOR_LEADER = "slt", "Senior leader"
    SEN_GOVERNOR = "governor", "SEN governor"
    DATA_PROTECTION_OFFICER = "dpo", "Data protection officer"
    ADMIN = "admin", "School administrator"
    PARENT = "parent", "Parent or carer"
    LA_OFFICER = "la_officer", "LA officer"
    TRUST_OFFICER = "trust_officer", "Trust officer"


SCHOOL_ROLES = frozenset(
    {
        Role.SENCO,
        Role.TEACHER,
        Role.TEACHING_ASSISTANT,
        Role.SENIOR_LEADER,
        Role.SEN_GOVERNOR,
        Role.DATA_PROTECTION_OFFICER,
        Role.ADMIN,
        Role.PARENT,
    }
)


class Membership(models.Model):
    """A user's role at one school, one trust or one local authority."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    la = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="membership_one_scope_for_role",
                condition=(
                    Q(
                        role__in=sorted(r.value for r in SCHOOL_ROLES),
                        school__isnull=False,
                        trust__isnull=True,
                        la__isnull=True,
                    )
                    | Q(
                        role=Role.TRUST_OFFICER,
                        trust__isnull=False,
                        school__isnull=True,
                        la__isnull=True,
                    )
                    | Q(
                        role=Role.LA_OFFICER,
                        la__isnull=False,
                        school__isnull=True,
                        trust__isnull=True,
                    )
                ),
                violation_error_message="A school role needs a school, a trust officer a trust, an LA officer an LA.",
            ),
            models.UniqueConstraint(
                fields=["user", "school", "role"], name="membership_unique_school_role"
            ),
            models.UniqueConstraint(
                fields=["user", "trust", "role"], name="membership_unique_trust_role"
            ),
            models.UniqueConstraint(
                fields=["user", "la", "role"], name="membership_unique_la_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.scope}"

    @property
    def scope(self) -> School | Trust | LocalAuthority:
        scope = self.school or self.trust or self.la
        assert scope is not None
        return scope


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def default_token_expiry() -> datetime:
    """When a token made now stops working unless its maker chose otherwise."""
    return timezone.now() + timedelta(days=settings.SENDPATH_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A personal API token: it reaches exactly what its user reaches until it expires or is
    revoked (by hand, on a password change or reset, or when the user's last membership ends).
    Only a hash is stored; the key is shown once, when it is made."""

    PREFIX = "sp_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    key_start = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=default_token_expiry)
    # Written at most once a SENDPATH_API_TOKEN_TOUCH_SECONDS, not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_start}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @classmethod
    def issue(
        cls, *, user: User, name: str, expires_at: datetime | None = None
    ) -> tuple["ApiToken", str]:
        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=_hash_key(key),
            key_start=key[:10],
            expires_at=expires_at or default_token_expiry(),
        )
        return token, key

    @classmethod
    def authenticate(cls, key: str) -> User | None:
        now = timezone.now()
        token = (
            cls.objects.select_related("user")
            .filter(
                key_hash=_hash_key(key),
                revoked_at__isnull=True,
                expires_at__gt=now,
                user__is_active=True,
            )
            .first()
        )
        if token is None:
            return None
        # A script calling many times a second would otherwise write a row per request.
        touch_after = timedelta(seconds=settings.SENDPATH_API_TOKEN_TOUCH_SECONDS)
        if token.last_used_at is None or now - token.last_used_at >= touch_after:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class PasswordResetRequest(models.Model):
    """One request for a password reset link, kept for an hour to rate-limit them per address
    and per email address (accounts/throttle.py). The email is stored as a hash only."""

    address = models.GenericIPAddressField(null=True, blank=True)
    email_hash = models.CharField(max_length=64)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["address", "requested_at"], name="reset_request_address"),
            models.Index(fields=["email_hash", "requested_at"], name="reset_request_email"),
        ]

    def __str__(self) -> str:
        return f"Reset request at {self.requested_at:%Y-%m-%d %H:%M}"
