"""Logging for the long-running commands: plain text, or one JSON object a line
(``--log-format json``) for a log collector.

The JSON lines carry no patron data in any field. Their fields are fixed: ``time``, ``level``,
``logger``, ``message``, and for an exception only its type and where it was raised (file and
line) — never its text, which can quote a database row or a Slack reply. The message is the
code's own wording with its arguments, passed through the redactor as a second line of defence
(the design is that nothing logged holds what staff typed).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

from bot.privacy.redact import redact

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            # The bot's own start-up lines (addresses, ids) are not redacted: nothing typed.
            "message": (record.getMessage() if getattr(record, "verbatim", False)
                        else redact(record.getMessage())),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            entry["error"] = kind.__name__
            frames = traceback.extract_tb(tb)
            if frames:
                entry["at"] = f"{frames[-1].filename}:{frames[-1].lineno}"
        return json.dumps(entry, ensure_ascii=False)


_json = False


def configure(log_format: str = "text", level: int = logging.INFO) -> None:
    """Route every logger to stderr in ``log_format`` (replacing earlier handlers)."""
    global _json
    _json = log_format == "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else
                         logging.Formatter(TEXT_FORMAT))
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
