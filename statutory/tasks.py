"""The daily reminders as a django.tasks task (the backend is settings.TASKS): enqueue
`send_reminders` once a day from a scheduler, or run `sendpath send-reminders` from cron
(docs/deployment.md)."""

from datetime import date

from django.tasks import task
from django.utils import timezone

from statutory import reminders


@task
def send_reminders(on: str | None = None) -> int:
    """Send the day's reminder digests; `on` as YYYY-MM-DD, today by default. Returns how many
    were sent."""
    day = date.fromisoformat(on) if on else timezone.localdate()
    return len(reminders.send(day))
