"""The redactor's name lists come from frontdesk's disk cache after the first process built them
(they cost most of a second to fold), and the cached lists are exactly the built ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.privacy import names


def test_the_name_lists_are_cached_on_disk_and_equal_the_built_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTDESK_CACHE", str(tmp_path))
    names._name_lists.cache_clear()
    names._english_names.cache_clear()
    try:
        built = names._name_lists()
        english = names._english_names()
        kept = sorted(p.name.split("-")[0] for p in tmp_path.glob("*.pickle"))
        assert kept == ["english", "names"]
        names._name_lists.cache_clear()
        names._english_names.cache_clear()
        assert names._name_lists() == built == names._build_name_lists()
        assert names._english_names() == english
        assert "kowalczyk" in built[1]
    finally:
        names._name_lists.cache_clear()
        names._english_names.cache_clear()
