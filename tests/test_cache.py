"""The disk cache (bot.cache) never answers with stale content, and never breaks a command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue
from bot.router import Router, router_for

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FRONTDESK_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "flows", folder / "flows")
    shutil.copytree(ROOT / "knowledge", folder / "knowledge")
    return folder


def test_a_cached_catalogue_equals_a_fresh_one_and_follows_every_edit(content: Path) -> None:
    first = Catalogue.load(content)
    again = Catalogue.load(content)  # from the cache
    assert len(list((content.parent / "cache").glob("catalogue-*.pickle"))) == 1
    assert again is not first and set(again.flows) == set(first.flows)
    assert again.pack("westmont").facts == first.pack("westmont").facts
    assert again.pack("westmont").template_context() == first.pack("westmont").template_context()
    flow = content / "flows" / "media-inquiry.yaml"
    flow.write_text(flow.read_text().replace("title: ", "title: Edited — ", 1))
    edited = Catalogue.load(content)
    assert edited.flows["media-inquiry"].title.startswith("Edited — ")
    policy = content / "knowledge" / "calumet" / "policy.txt"
    policy.write_text(policy.read_text().replace("The policy of", "XX policy of", 1))
    with pytest.raises(Exception, match="not found verbatim"):  # a stale anchor still fails
        Catalogue.load(content)


def test_a_broken_or_unwritable_cache_is_ignored(content: Path) -> None:
    Catalogue.load(content)
    for cached in (content.parent / "cache").glob("*.pickle"):
        cached.write_bytes(b"not a pickle")
    assert "westmont" in Catalogue.load(content).packs
    shutil.rmtree(content.parent / "cache")
    (content.parent / "cache").write_text("a file where the folder should be")
    assert "westmont" in Catalogue.load(content).packs


def test_a_cached_router_routes_as_a_fresh_one(content: Path) -> None:
    """The lexical scorer's index (a catalogue the trained model does not cover: here one with
    a situation added) is kept in the cache; the trained router has no index and is not."""
    trained = router_for(Catalogue.load(content), "mount-prospect")
    assert trained.model is not None
    assert not list((content.parent / "cache").glob("router-*.pickle"))
    flow = content / "flows" / "media-inquiry.yaml"
    (content / "flows" / "media-inquiry-2.yaml").write_text(
        flow.read_text().replace("id: media-inquiry", "id: media-inquiry-2", 1))
    catalogue = Catalogue.load(content)
    fresh = Router.from_catalogue(catalogue, "mount-prospect")
    assert fresh.model is None
    router_for(catalogue, "mount-prospect")  # builds and stores it
    cached = router_for(Catalogue.load(content), "mount-prospect")  # another catalogue: the cache
    assert len(list((content.parent / "cache").glob("router-*.pickle"))) == 1
    for text in ("cop at the desk wants what a patron borrowed, no warrant",
                 "mom wants to see what her 14 yo checked out", "printer is jammed again"):
        a, b = fresh.route(text), cached.route(text)
        assert (a.situation, a.band, a.candidates, a.prefill) == (
            b.situation, b.band, b.candidates, b.prefill), text


def test_the_code_digest_names_the_code_this_process_runs(tmp_path: Path) -> None:
    """A process keeps the digest of the code it loaded: its package edited (upgraded) under it,
    it does not file what its old code builds under the new code's key, which every later
    process would then load; a new process sees the edit."""
    package = tmp_path / "bot"
    shutil.copytree(ROOT / "bot", package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    edited = package / "content" / "flows.py"
    script = (
        "import sys; from pathlib import Path; from bot.cache import code_digest\n"
        "before = code_digest('content')\n"
        "path = Path(sys.argv[1]); path.write_text(path.read_text() + '\\n# upgraded\\n')\n"
        "print(before.hex(), code_digest('content').hex())\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", script, str(edited)], capture_output=True,
                         text=True, env=env, cwd=tmp_path, check=True)
    before, during = run.stdout.split()
    assert before == during
    after = subprocess.run([sys.executable, "-c", "from bot.cache import code_digest; "
                            "print(code_digest('content').hex())"], capture_output=True,
                           text=True, env=env, cwd=tmp_path, check=True).stdout.strip()
    assert after != before
