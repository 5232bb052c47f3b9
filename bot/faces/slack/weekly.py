"""The director's weekly digest DM, as a recurring job of the serving process's scheduler.

Its next due time is a row in ``scheduled_jobs`` (``bot.store.jobs``), so a restart neither
skips nor repeats it, and of several instances sharing the database exactly one sends it. The
digest itself (text, blocks, chart file) is the review module's
(``practice.send_weekly_digest``).
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.escalation.scheduler import RecurringJob, weekly
from bot.faces.slack.listeners import practice
from bot.faces.slack.services import Services

JOB_NAME = "weekly-digest"


def weekly_digest_job(services: Services, client: WebClient) -> RecurringJob | None:
    """The job, or None when it is turned off or there is no director to send it to."""
    schedule = services.config.schedule
    if not schedule.weekly_digest or not services.config.members("director"):
        return None

    def send() -> None:
        practice.send_weekly_digest(client, services)

    return RecurringJob(services.database, JOB_NAME, send,
                        next_slot=weekly(schedule.digest_weekday, schedule.digest_hour))
