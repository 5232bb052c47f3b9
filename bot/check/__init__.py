"""`frontdesk check`: load, connect and prove the content safe before staff rely on it."""

from bot.check.runner import Report, run_checks

__all__ = ["Report", "run_checks"]
