"""Logging for the long-running commands: plain text, or one JSON object a line
(``--log-format json``) for a log collector.

The JSON lines carry no patron data in any field. Their fields are fixed: ``time``, ``level``,
``logger``, ``message``, and for an exception only its type and where it was raised (file and
line) — never its text, which can quote a database row or a Slack reply. The message is the
code's own wording with its arguments, passed through the redactor as a second line of defence
(the design is that nothing logged holds what staff typed).

The text format holds to the same: the message redacted, and an exception's traceback (its
frames: files, lines, the code's own source) with its text redacted, since an exception can
echo what was typed (a parse error quoting its input). Slack's libraries log whole request and
event bodies (what staff typed) at DEBUG; below INFO nothing of theirs is written, whatever
level the rest is at.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

from bot.privacy.redact import redact

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


# Loggers whose DEBUG lines are request or event bodies: staff's words, and Slack's.
BODY_LOGGERS = ("slack_sdk", "slack_bolt", "urllib3", "websocket")


def _no_bodies(record: logging.LogRecord) -> bool:
    """Below INFO, nothing from ``BODY_LOGGERS`` (a filter on the handler: Bolt sets its app
    logger's own level, so the loggers' levels cannot be relied on)."""
    return record.levelno >= logging.INFO or not record.name.startswith(BODY_LOGGERS)


def _message(record: logging.LogRecord) -> str:
    """The record's message, redacted; the bot's own start-up lines (addresses, ids) are
    ``verbatim``: nothing typed is in them."""
    message = record.getMessage()
    return message if getattr(record, "verbatim", False) else redact(message)


class TextFormatter(logging.Formatter):
    """``TEXT_FORMAT`` lines with the message redacted, and an exception's traceback with its
    text redacted (the frames are the code's own)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = self._style.format(_Redacted(record, self.formatTime(record)))
        if record.exc_info and record.exc_info[0] is not None:
            line += "\n" + self.formatException(record.exc_info)
        return line  # (never record.exc_text: another handler may have cached it unredacted)

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        kind, error, tb = ei
        frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
        return f"Traceback (most recent call last):\n{frames}{kind.__name__}: {redact(str(error))}"


class _Redacted:
    """A record's attributes for the format string, its message redacted."""

    def __init__(self, record: logging.LogRecord, asctime: str) -> None:
        self.__dict__.update(record.__dict__, message=_message(record), asctime=asctime)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": _message(record),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            entry["error"] = kind.__name__
            frames = traceback.extract_tb(tb)
            if frames:
                entry["at"] = f"{frames[-1].filename}:{frames[-1].lineno}"
        return json.dumps(entry, ensure_ascii=False)


_json = False


def configure(log_format: str = "text", level: int | str = logging.INFO) -> None:
    """Route every logger to stderr in ``log_format`` (replacing earlier handlers), at
    ``level`` (a number or a name: ``"debug"``)."""
    if isinstance(level, str):
        level = logging.getLevelNamesMapping()[level.upper()]
    global _json
    _json = log_format == "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(_no_bodies)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def announce(message: str, *, level: int = logging.INFO) -> None:
    """A start-up line ("serving http://…"): ``frontdesk: …`` on stderr, or in JSON mode a
    log record, so every line stays JSON."""
    if _json:
        logging.getLogger("frontdesk").log(level, message, extra={"verbatim": True})
    else:
        print(f"frontdesk: {message}", file=sys.stderr, flush=True)
