"""How the family area tells someone something: email today, with a seam for an SMS gateway.

Every notice goes through `send(notice)`. Email goes through Django's mail (the file backend in
the demo, SMTP in production), rendered in the recipient's language. Nothing is sent by SMS yet:
`SENDPATH_SMS_GATEWAY` names a dotted path to a callable `gateway(phone: str, text: str) -> None`
and, when it is set and the notice has a phone number, `send` calls it after the email. The
message never names the pupil's needs: only that there is something to read in sendpath.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Notice:
    """One notice: a template pair (`family/mail/<template>.txt` and `_subject.txt`), who gets
    it, in which language, and what the templates need."""

    template: str
    email: str
    language: str = "en-gb"
    phone: str = ""
    context: dict[str, Any] = field(default_factory=dict)


def _gateway() -> Callable[[str, str], None] | None:
    path = getattr(settings, "SENDPATH_SMS_GATEWAY", "")
    return import_string(path) if path else None


def send(notice: Notice) -> None:
    """Email the notice (when there is an address), then text it through the SMS gateway when
    one is configured and there is a phone number."""
    with translation.override(notice.language):
        subject = render_to_string(
            f"family/mail/{notice.template}_subject.txt", notice.context
        ).strip()
        body = render_to_string(f"family/mail/{notice.template}.txt", notice.context)
    if notice.email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.email])
    gateway = _gateway()
    if gateway is not None and notice.phone:
        gateway(notice.phone, subject)
