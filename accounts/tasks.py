"""Work done after the answer (django.tasks; the backend is set in settings.TASKS)."""

from django.contrib.auth.forms import PasswordResetForm
from django.tasks import task


@task
def send_password_reset(*, email: str, domain: str, use_https: bool) -> None:
    """Send the reset link to every active account with this address (none if unknown). Run
    as a task so a known address does not answer slower than an unknown one."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)
