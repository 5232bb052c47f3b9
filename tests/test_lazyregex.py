"""``bot.lazyregex``: a pattern compiled on first use answers as ``re.compile`` would, and the
redactor's and the router's readers compile none of theirs at import (start-up)."""

from __future__ import annotations

import re
import subprocess
import sys

from bot.lazyregex import LazyPattern, lazy


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    source, flags = r"(?P<word>[a-z]+)(\d*)", re.IGNORECASE
    eager, pattern = re.compile(source, flags), lazy(source, flags)
    text = "Card 123, desk 7 and lobby"
    assert pattern.search(text, 3).span() == eager.search(text, 3).span()  # type: ignore[union-attr]
    assert pattern.match(text).group() == eager.match(text).group()  # type: ignore[union-attr]
    assert pattern.fullmatch("abc12") is not None and pattern.fullmatch("12") is None
    assert pattern.sub(lambda m: m.group("word").upper(), text) == eager.sub(
        lambda m: m.group("word").upper(), text)
    assert pattern.subn("x", text, 2) == eager.subn("x", text, 2)
    assert pattern.findall(text) == eager.findall(text)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert pattern.split(text) == eager.split(text)
    assert pattern.groupindex == dict(eager.groupindex)
    assert (pattern.pattern, pattern.flags) == (source, flags)


def test_a_lazy_pattern_is_compiled_once_on_first_use() -> None:
    pattern = LazyPattern(r"\d+")
    assert pattern._compiled is None  # not at definition
    assert pattern.sub("#", "a1b22") == "a#b#"
    compiled = pattern.compiled
    assert pattern.search("x9") is not None and pattern.compiled is compiled
    assert pattern.sub == compiled.sub  # the compiled pattern's own method from now on


def test_importing_the_redactor_and_the_router_compiles_none_of_their_lazy_patterns() -> None:
    script = (
        "import sys\n"
        "import bot.router.router, bot.engine.matching\n"
        "from bot.lazyregex import LazyPattern\n"
        "lazy = {f'{m.__name__}.{n}': v for m in list(sys.modules.values())\n"
        "        if (m.__name__ or '').startswith('bot.')\n"
        "        for n, v in vars(m).items() if isinstance(v, LazyPattern)}\n"
        "print(len(lazy), sorted(n for n, v in lazy.items() if v._compiled is not None))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    count, eager = done.stdout.split(" ", 1)
    assert int(count) >= 100 and eager.strip() == "[]", done.stdout
