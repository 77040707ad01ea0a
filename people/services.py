"""Writes about a school's people: staff invitations and memberships, family contacts and parent
invitations, and the installation's local authorities, trusts and schools.

An invitation's secret is random; the link carries it signed (django.core.signing, salted, with
the lifetime checked again on use) and the database keeps only its hash, so a link works once,
until it expires, and a leaked database holds no usable link. A parent's code on paper is a
shorter secret of the same kind. Mail goes through Django's mail (people/mail.py) and names no
pupil. Every change is audited with ids and codes only."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from access import STAFF_ROLES
from accounts import tokens, two_factor
from accounts.models import LocalAuthority, Membership, Role, School, Trust, User
from audit import log as audit
from audit.models import AuditAction
from people import mail
from people.models import Invitation, InvitationKind, token_hash
from pupils.models import Contact, FamilyLink, Pupil

SALT = "people.invitation"
LIFETIMES = {
    InvitationKind.STAFF: timedelta(days=7),
    InvitationKind.PARENT_EMAIL: timedelta(days=14),
    InvitationKind.PARENT_CODE: timedelta(days=30),
}
# A code read off paper: no 0/O, 1/I/L to misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


# ---- secrets ---------------------------------------------------------------------------------


def _link_token(secret: str) -> str:
    return signing.dumps(secret, salt=SALT, compress=False)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def invitation_for_link(token: str) -> Invitation | None:
    """The usable invitation a link's token names, or None (forged, expired, used, cancelled)."""
    try:
        secret = signing.loads(token, salt=SALT, max_age=max(LIFETIMES.values()))
    except signing.BadSignature:
        return None
    if not isinstance(secret, str):
        return None
    found = Invitation.objects.select_related("school", "contact").filter(
        secret_hash=token_hash(secret)
    )
    invitation = found.exclude(kind=InvitationKind.PARENT_CODE).first()
    return invitation if invitation is not None and invitation.is_usable else None


def invitation_for_code(code: str) -> Invitation | None:
    """The usable parent invitation of a code given on paper, or None."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    invitation = (
        Invitation.objects.select_related("school", "contact")
        .filter(secret_hash=token_hash(code), kind=InvitationKind.PARENT_CODE)
        .first()
    )
    return invitation if invitation is not None and invitation.is_usable else None


def existing_account(email: str) -> User | None:
    """The account this address already has (by email or username), so it is linked, not
    duplicated."""
    email = email.strip()
    if not email:
        return None
    users = get_user_model().objects
    return users.filter(email__iexact=email).first() or users.filter(username__iexact=email).first()  # type: ignore[return-value]


# ---- staff -------------------------------------------------------------------------------------


@dataclass
class Sent:
    invitation: Invitation
    link: str  # the path of the acceptance page, with its signed token ("" for a paper code)
    code: str = ""  # a paper code, formatted, shown once


@transaction.atomic
def staff_invite(
    *,
    school: School,
    email: str,
    role: str,
    by: User,
    base_url: str,
    request: HttpRequest | None = None,
) -> Sent:
    """Invite a member of staff by email with a role: a link to set a password (or, for someone
    with an account already, to add the role to it), then 2FA where the role needs it."""
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    if role not in STAFF_ROLES:
        errors["role"] = ["Choose a staff role."]
    if not email:
        errors["email"] = ["Enter their email address."]
    user = existing_account(email)
    if user is not None and Membership.objects.filter(user=user, school=school, role=role).exists():
        errors["email"] = ["They already have that role at this school."]
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        kind=InvitationKind.STAFF,
        school=school,
        role=role,
        email=email,
        secret_hash=token_hash(secret),
        expires_at=timezone.now() + LIFETIMES[InvitationKind.STAFF],
        invited_by=by if by.is_authenticated else None,
    )
    link = f"/invitations/{_link_token(secret)}/"
    mail.staff_invitation(invitation, base_url + link)
    audit.log(
        AuditAction.CREATE,
        by,
        invitation,
        {"kind": invitation.kind, "role": role},
        request=request,
        school_id=school.pk,
    )
    return Sent(invitation, link)


@transaction.atomic
def invitation_cancel(
    *, invitation: Invitation, by: User, request: HttpRequest | None = None
) -> None:
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        audit.log(
            AuditAction.UPDATE,
            by,
            invitation,
            {"cancelled": True},
            request=request,
            school_id=invitation.school_id,
        )


@dataclass
class NewAccount:
    first_name: str
    last_name: str
    password: str


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    by: User | None,
    account: NewAccount | None = None,
    email: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Accept an invitation: as the signed-in user `by` (an existing account is linked, never
    duplicated), or with a new account (`account`; a parent's code gives no address, so theirs is
    `email`). Makes the membership (a parent's links their contact, so their own children only)
    and uses the invitation up. Refuses one already used or expired."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_usable:
        raise ValidationError(
            {"__all__": [_("This invitation has been used, cancelled or has expired.")]}
        )
    user = by if by is not None and by.is_authenticated else None
    if (
        user is not None
        and locked.kind == InvitationKind.STAFF
        and user.email.lower() != locked.email
        and user.get_username().lower() != locked.email
    ):
        # A staff role reaches many records: only the account of the invited address takes it.
        raise ValidationError(
            {
                "__all__": [
                    f"This invitation is for {locked.email}: sign out, then open the link again."
                ]
            }
        )
    if user is None:
        if account is None:
            raise ValidationError({"__all__": [_("Sign in or make an account first.")]})
        # A parent may make their account with another address than the school's record.
        address = locked.email if locked.kind == InvitationKind.STAFF else (email or locked.email)
        user = _new_account(account, address.strip().lower())
    contact = locked.contact
    if contact is not None:
        if contact.user_id not in (None, user.pk):
            raise ValidationError(
                {"__all__": [_("This family contact is already linked to another account.")]}
            )
        contact.user = user
        contact.save(update_fields=["user"])
    Membership.objects.get_or_create(user=user, school=locked.school, role=locked.role)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    audit.log(
        AuditAction.UPDATE,
        user,
        locked,
        {"accepted": True, "role": locked.role, "kind": locked.kind},
        request=request,
        school_id=locked.school_id,
    )
    return user


def _new_account(account: NewAccount, email: str) -> User:
    errors: dict[str, list[str]] = {}
    if not email:
        errors["email"] = [_("Enter your email address.")]
    elif existing_account(email) is not None:
        errors["email"] = [
            _("There is already an account with this email address: sign in to it, then accept.")
        ]
    if not account.first_name.strip():
        errors["first_name"] = [_("Enter your first name.")]
    if not account.last_name.strip():
        errors["last_name"] = [_("Enter your last name.")]
    candidate = get_user_model()(
        username=email, email=email, first_name=account.first_name, last_name=account.last_name
    )
    try:
        validate_password(account.password, candidate)
    except ValidationError as exc:
        errors["password1"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    candidate.set_password(account.password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"email": ["There is already an account with this email address."]}
        ) from exc
    return candidate  # type: ignore[return-value]


def end_sessions(user: User) -> int:
    """Sign the user out everywhere (their sessions are deleted), so what they had ends now and
    a new role's sign-in steps (2FA) apply at their next sign-in."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _refuse_own(membership: Membership, by: User) -> None:
    if membership.user_id == by.pk:
        raise ValidationError({"__all__": ["Ask a colleague to change or end your own role."]})


@transaction.atomic
def membership_role_change(
    *, membership: Membership, role: str, by: User, request: HttpRequest | None = None
) -> Membership:
    """Give a member of staff another role at the school. A role that needs 2FA signs them out,
    so they set it up at their next sign-in."""
    _refuse_own(membership, by)
    if role not in STAFF_ROLES or membership.role not in STAFF_ROLES:
        raise ValidationError({"role": ["Choose a staff role."]})
    if role == membership.role:
        return membership
    if Membership.objects.filter(
        user_id=membership.user_id, school=membership.school, role=role
    ).exists():
        raise ValidationError({"role": ["They already have that role at this school."]})
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    user = membership.user
    if role in two_factor.REQUIRED_ROLES and not two_factor.has_device(user):
        end_sessions(user)
    audit.log(
        AuditAction.UPDATE,
        by,
        membership,
        {"role": {"from": before, "to": role}},
        request=request,
        school_id=membership.school_id,
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, by: User, request: HttpRequest | None = None) -> None:
    """End a membership: its reach ends at once (reach is read on every request), the person is
    signed out everywhere, and their API tokens are revoked when it was their last membership.
    The audit trail keeps who held which role."""
    _refuse_own(membership, by)
    user = membership.user
    audit.log(
        AuditAction.DELETE,
        by,
        membership,
        {"role": membership.role, "user_id": user.pk},
        request=request,
        school_id=membership.school_id,
    )
    membership.delete()
    end_sessions(user)
    tokens.revoke_tokens_if_no_membership(user, by=by)


# ---- families ----------------------------------------------------------------------------------


@transaction.atomic
def contact_add(
    *,
    pupil: Pupil,
    data: dict[str, Any],
    by: User,
    request: HttpRequest | None = None,
) -> Contact:
    """Add a parent, carer or other contact for a pupil (the same person for a brother or sister
    is linked with family_link_add)."""
    contact = Contact(
        school=pupil.school,
        forename=data["forename"].strip(),
        surname=data["surname"].strip(),
        email=data.get("email", "").strip(),
        phone=data.get("phone", "").strip(),
    )
    contact.full_clean()
    contact.save()
    link = FamilyLink.objects.create(
        pupil=pupil,
        contact=contact,
        relationship=data["relationship"],
        parental_responsibility=bool(data.get("parental_responsibility")),
        contact_priority=(pupil.family_links.count() + 1),
    )
    audit.log(
        AuditAction.CREATE,
        by,
        link,
        {"contact_id": contact.pk, "relationship": link.relationship},
        request=request,
    )
    return contact


CONTACT_FIELDS = ("forename", "surname", "email", "phone")


@transaction.atomic
def contact_update(
    *, contact: Contact, data: dict[str, Any], by: User, request: HttpRequest | None = None
) -> Contact:
    """Correct a contact's names, email or phone (an email is what an invitation is sent to)."""
    before = {f: getattr(contact, f) for f in CONTACT_FIELDS}
    for f in CONTACT_FIELDS:
        setattr(contact, f, str(data.get(f, "")).strip())
    contact.full_clean()
    contact.save(update_fields=list(CONTACT_FIELDS))
    changed = [f for f in CONTACT_FIELDS if before[f] != getattr(contact, f)]
    if changed:
        audit.log(
            AuditAction.UPDATE,
            by,
            contact,
            {"fields": changed},
            request=request,
            school_id=contact.school_id,
        )
    return contact


@transaction.atomic
def family_link_add(
    *,
    contact: Contact,
    pupil: Pupil,
    relationship: str,
    parental_responsibility: bool,
    by: User,
    request: HttpRequest | None = None,
) -> FamilyLink:
    """The same contact for another child of the school (a brother or sister): their sign-in,
    if they have one, then reaches that child too."""
    if pupil.school_id != contact.school_id:
        raise ValidationError({"pupil": ["Choose a pupil of this school."]})
    if FamilyLink.objects.filter(pupil=pupil, contact=contact).exists():
        raise ValidationError({"pupil": ["They are already a contact of this pupil."]})
    link = FamilyLink.objects.create(
        pupil=pupil,
        contact=contact,
        relationship=relationship,
        parental_responsibility=parental_responsibility,
        contact_priority=pupil.family_links.count() + 1,
    )
    audit.log(
        AuditAction.CREATE,
        by,
        link,
        {"contact_id": contact.pk, "relationship": relationship},
        request=request,
    )
    return link


@transaction.atomic
def parent_invite(
    *,
    contact: Contact,
    method: str,
    by: User,
    base_url: str,
    request: HttpRequest | None = None,
) -> Sent:
    """Invite a family contact to sign in: by an email link to their address, or with a code the
    school gives them on paper (returned once, to print). Either links their account to this
    contact, so to this contact's children only."""
    if contact.user_id is not None:
        raise ValidationError({"__all__": ["This contact already has a sign-in."]})
    if method == "email" and not contact.email:
        raise ValidationError(
            {"method": ["This contact has no email address: give them a code on paper."]}
        )
    if method not in ("email", "code"):
        raise ValidationError({"method": ["Choose how to invite them."]})
    kind = InvitationKind.PARENT_EMAIL if method == "email" else InvitationKind.PARENT_CODE
    if method == "code":
        secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    else:
        secret = secrets.token_urlsafe(32)
    # Earlier invitations of this contact stop working: only the newest one does.
    Invitation.objects.filter(
        contact=contact, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now())
    invitation = Invitation.objects.create(
        kind=kind,
        school=contact.school,
        role=Role.PARENT,
        email=contact.email if method == "email" else "",
        contact=contact,
        secret_hash=token_hash(secret),
        expires_at=timezone.now() + LIFETIMES[kind],
        invited_by=by,
    )
    audit.log(
        AuditAction.CREATE,
        by,
        invitation,
        {"kind": kind, "contact_id": contact.pk},
        request=request,
        school_id=contact.school_id,
    )
    if method == "code":
        return Sent(invitation, "", format_code(secret))
    link = f"/family/join/{_link_token(secret)}/"
    mail.parent_invitation(invitation, base_url + link)
    return Sent(invitation, link)


# ---- the installation --------------------------------------------------------------------------


def _saved[M: LocalAuthority | Trust | School](obj: M, by: User, request: HttpRequest | None) -> M:
    obj.full_clean()
    obj.save()
    audit.log(AuditAction.CREATE, by, obj, {"id": obj.pk}, request=request)
    return obj


@transaction.atomic
def local_authority_add(
    *, code: str, name: str, by: User, request: HttpRequest | None = None
) -> LocalAuthority:
    return _saved(LocalAuthority(code=code.strip(), name=name.strip()), by, request)


@transaction.atomic
def trust_add(
    *, name: str, companies_house_number: str = "", by: User, request: HttpRequest | None = None
) -> Trust:
    return _saved(
        Trust(name=name.strip(), companies_house_number=companies_house_number.strip()), by, request
    )


@transaction.atomic
def school_add(
    *,
    data: dict[str, Any],
    first_email: str,
    first_role: str,
    by: User,
    base_url: str,
    request: HttpRequest | None = None,
) -> tuple[School, Sent]:
    """Add a school and invite its first SENCo or administrator, who then invites the rest."""
    if first_role not in (Role.SENCO, Role.ADMIN):
        raise ValidationError({"first_role": ["Choose the SENCo or the school administrator."]})
    school = _saved(
        School(
            urn=data["urn"],
            la=data["la"],
            establishment_number=data["establishment_number"],
            name=data["name"].strip(),
            phase=data["phase"],
            trust=data.get("trust"),
            high_age=data.get("high_age"),
        ),
        by,
        request,
    )
    sent = staff_invite(
        school=school, email=first_email, role=first_role, by=by, base_url=base_url, request=request
    )
    return school, sent
