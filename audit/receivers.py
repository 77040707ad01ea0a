from typing import Any

from django.contrib.auth import get_user_model

from audit import log as audit
from audit.models import AuditAction


def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.log(AuditAction.LOGIN, user, None, request=request, object_type="session")


def logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.log(AuditAction.LOGOUT, user, None, request=request, object_type="session")


def login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Only a username some account has is kept: people type their password in the wrong box.
    typed = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=typed).exists()
    audit.log(
        AuditAction.LOGIN_FAILED,
        None,
        None,
        {"username": typed if known else audit.MASK},
        request=request,
        object_type="session",
    )
