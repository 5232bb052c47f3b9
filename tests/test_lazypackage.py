"""``bot.engine`` and ``bot.router`` load their API on first use (``bot.lazypackage``) and still
read exactly as their eager ``__init__`` did, whatever was imported first."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys, types
{first}
import bot.engine, bot.router
from bot.engine import step, start, View, Conversation
from bot.router import prefill, Router, router_for, matcher
from bot.engine.step import step as step_function
from bot.router.prefill import prefill as prefill_function
assert step is step_function and bot.engine.step is step_function, bot.engine.step
assert prefill is prefill_function and bot.router.prefill is prefill_function
assert isinstance(sys.modules["bot.engine.step"], types.ModuleType)
assert View.__module__ == "bot.engine.step" and Router.__module__ == "bot.router.router"
assert sorted(bot.engine.__all__) == sorted(n for n in bot.engine.__all__ if hasattr(bot.engine, n))
try:
    bot.router.no_such_name
except AttributeError as error:
    assert "no_such_name" in str(error)
else:
    raise AssertionError("an unknown name must raise AttributeError")
print("ok")
"""


@pytest.mark.parametrize("first", [
    "",  # the package names first
    "import bot.engine.step, bot.router.prefill",  # the submodules first (the faces do)
    "from bot.engine.step import View\nfrom bot.router.prefill import PrefilledAnswer",
    "import bot.engine.relevance, bot.router.text",  # what `frontdesk check` imports
])
def test_exported_names_are_the_functions_whatever_was_imported_first(first: str) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(first=first)],
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr


def test_the_light_submodules_do_not_import_the_rest_of_their_package() -> None:
    done = subprocess.run([sys.executable, "-c", (
        "import sys, bot.engine.relevance, bot.engine.walk, bot.router.text\n"
        "print(sorted(m for m in sys.modules if m.startswith(('bot.engine.', 'bot.router.',"
        " 'bot.privacy'))))")], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == str(["bot.engine.relevance", "bot.engine.walk",
                                       "bot.router.text"])
