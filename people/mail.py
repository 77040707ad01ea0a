"""Invitation mail, through Django's mail (the file backend in the demo, SMTP in production).
It names the school and the role, never a pupil. A parent's is in the preferred language on
their family link (a shipped one, else English), like the page the link opens."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from family import languages
from people.models import Invitation


def _send(template: str, invitation: Invitation, url: str, language: str = "en-gb") -> None:
    context = {"invitation": invitation, "school": invitation.school, "url": url}
    with translation.override(language):
        subject = render_to_string(f"people/mail/{template}_subject.txt", context).strip()
        body = render_to_string(f"people/mail/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def staff_invitation(invitation: Invitation, url: str) -> None:
    _send("staff_invitation", invitation, url)


def parent_invitation(invitation: Invitation, url: str) -> None:
    contact = invitation.contact
    spoken = [contact.preferred_language] if contact is not None else []
    _send("parent_invitation", invitation, url, languages.choose(None, spoken))
