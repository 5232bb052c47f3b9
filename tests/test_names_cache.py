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


def test_the_word_lists_from_faker_and_nicknames_are_cached_and_equal_the_built_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Faker's common words and the nicknames table come from the disk cache too (importing
    Faker or reading the nicknames table was most of a short `frontdesk route`)."""
    monkeypatch.setenv("FRONTDESK_CACHE", str(tmp_path))
    loaders = (names._ordinary_words, names._nicknames, names._related_names)
    for loader in loaders:
        loader.cache_clear()
    try:
        first = [loader() for loader in loaders]
        kept = sorted(p.name.rsplit("-", 1)[0] for p in tmp_path.glob("*.pickle"))
        assert {"ordinary-words", "nicknames", "nickname-pairs"} <= set(kept)
        for loader in loaders:
            loader.cache_clear()
        assert [loader() for loader in loaders] == first
        assert first[0] == names._build_ordinary_words() and "about" in first[0]
        assert first[1] == names._build_nicknames() and "kev" in first[1]
        assert names._disk_cached("nickname-pairs", names._nickname_pairs) == (
            names._nickname_pairs())
        assert "robert" in first[2]["bob"] or "bob" in first[2].get("robert", ())
    finally:
        for loader in loaders:
            loader.cache_clear()


def test_the_nickname_table_asked_for_while_a_list_loads_is_not_kept_built_from_no_lists(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A line logged while this thread loads a list (Faker's debug lines) is redacted, and asks
    for the nickname table: it gets none for that line, and the table built afterwards leaves out
    the everyday words as always ("bill" is no mention of a William)."""
    monkeypatch.setattr(names, "_READY", {})  # as in a fresh process: no list loaded yet
    names._related_names.cache_clear()
    try:
        monkeypatch.setattr(names._THIS_THREAD, "loading", True, raising=False)
        assert names.related_names("william") == frozenset()
        monkeypatch.setattr(names._THIS_THREAD, "loading", False)
        related = names.related_names("william")
        assert "billy" in related and "bill" not in related
    finally:
        names._related_names.cache_clear()
