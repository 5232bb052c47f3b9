"""Content that travels: the wheel (a normal, non-editable install) carries the demo content,
so `frontdesk chat`, `route` and `check` work from any folder; a library's own folder holding
only its pack uses the bundled flows.

The wheel test builds the package and installs it, without dependencies, into a fresh virtual
environment whose dependencies come from this one through a plain path (.pth) entry: the
checkout's editable finder is not on that path, so what runs is the wheel alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from bot.content.catalogue import Catalogue

ROOT = Path(__file__).resolve().parents[1]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FRONTDESK_", "SLACK_")) and k != "PYTHONPATH"}
    env.update(NO_COLOR="1", **extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the built wheel installed; returns its `frontdesk` script."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
         str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp / "dist").glob("frontdesk-*.whl"))
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    fresh_python = env_dir / "bin" / "python"
    site = subprocess.run([str(fresh_python), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # Dependencies from this environment, as a plain path: its .pth files (the editable
    # install's finder among them) are not processed from there.
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(fresh_python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return env_dir / "bin" / "frontdesk"


def _run(script: Path, *args: str, cwd: Path, stdin: str = "",
         **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(script), *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=120, env=_clean_env(**env))


def test_the_wheel_runs_the_demo_from_any_folder(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed.parent / "python"), "-c",
                            "import bot; print(bot.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, env=_clean_env())
    assert str(ROOT) not in where.stdout and "site-packages" in where.stdout, where.stdout
    checked = _run(installed, "check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 errors" in checked.stdout
    routed = _run(installed, "route", "cop at the desk wants what a patron borrowed", "--json",
                  cwd=tmp_path)
    assert routed.returncode == 0 and "law-enforcement-request" in routed.stdout, routed.stderr
    chatted = _run(installed, "chat", cwd=tmp_path,
                   stdin="cop at the desk wants what a patron borrowed, no warrant\n",
                   FRONTDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'chat.db'}")
    assert "Mount Prospect Public Library" in chatted.stdout, chatted.stdout + chatted.stderr
    assert "Traceback" not in chatted.stderr


def test_a_library_folder_with_only_its_pack_uses_the_bundled_flows(
        installed: Path, tmp_path: Path) -> None:
    own = tmp_path / "our-library"
    pack = own / "knowledge" / "our-library"
    shutil.copytree(ROOT / "knowledge" / "westmont", pack)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text.replace("id: westmont", "id: our-library", 1),
                                    encoding="utf-8")
    for how in (["--content", str(own)], []):
        env = {} if how else {"FRONTDESK_CONTENT": str(own)}
        checked = _run(installed, "check", *([str(own)] if how else []), cwd=tmp_path, **env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "1 packs, 14 flows" in checked.stdout or "1 pack, 14 flows" in checked.stdout
    catalogue = Catalogue.load(own)  # in-process too: the checkout's flows lie under it
    assert set(catalogue.packs) == {"our-library"} and len(catalogue.flows) == 14


def test_the_config_names_the_library_and_its_content_folder(tmp_path: Path) -> None:
    """`content = "…"` in the settings (relative to the settings file) and `library` are used by
    `frontdesk chat` without flags."""
    from tests.escalation_support import frontdesk_cmd, subprocess_env

    own = tmp_path / "site" / "content"
    pack = own / "knowledge" / "our-library"
    shutil.copytree(ROOT / "knowledge" / "westmont", pack)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace("id: westmont", "id: our-library", 1)
    text = text.replace("library: Westmont Public Library", "library: Our Town Library", 1)
    (pack / "pack.yaml").write_text(text, encoding="utf-8")
    settings = tmp_path / "site" / "frontdesk.toml"
    settings.write_text('library = "our-library"\ncontent = "content"\n')
    result = subprocess.run(
        frontdesk_cmd("chat", "--config", str(settings)), cwd=tmp_path, input="",
        capture_output=True, text=True, timeout=60,
        env=subprocess_env(FRONTDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}"))
    assert "Our Town Library" in result.stdout, result.stdout + result.stderr
    settings.write_text('library = "our-library"\ncontent = "nowhere"\n')
    bad = subprocess.run(frontdesk_cmd("chat", "--config", str(settings)), cwd=tmp_path,
                         input="", capture_output=True, text=True, timeout=60,
                         env=subprocess_env())
    assert bad.returncode == 2 and "content" in bad.stderr and "Traceback" not in bad.stderr


def test_a_library_onboarded_from_the_wheel_with_only_content(installed: Path,
                                                              tmp_path: Path) -> None:
    """README, "Adding a library", from an installed frontdesk (no checkout): `pack new` into a
    content folder, then `check`, `compare` and `chat` with --content only."""
    from bot.authoring.wizard import PackWizard
    from bot.content.packs import load_pack
    from tests.test_pack_wizard import Librarian

    source = ROOT / "knowledge" / "calumet" / "source.txt"
    person = Librarian(load_pack(ROOT / "knowledge" / "calumet"), "the published policy")
    PackWizard("oak-park", source.read_text(encoding="utf-8"), tmp_path / "rehearsal",
               read=person.read, say=person.say).run()
    site = tmp_path / "oak-park-content"
    made = _run(installed, "pack", "new", "oak-park", "--policy", str(source), "--content",
                str(site), cwd=tmp_path, stdin="\n".join(person.typed) + "\n")
    assert made.returncode == 0, made.stdout[-1500:] + made.stderr
    assert "0 errors" in made.stdout and "--content" in made.stdout.split("Next:")[-1]
    checked = _run(installed, "check", "--quiet", "--content", str(site), cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    compared = _run(installed, "compare", "law-enforcement-request", "--content", str(site),
                    cwd=tmp_path)
    assert compared.returncode == 0, compared.stderr
    assert "oak-park" in compared.stdout and "mount-prospect" in compared.stdout
    chatted = _run(installed, "chat", "--library", "oak-park", "--content", str(site),
                   cwd=tmp_path, stdin="cop at the desk wants what a patron borrowed\n",
                   FRONTDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'chat.db'}")
    assert "Calumet Public Library" in chatted.stdout, chatted.stdout[-800:] + chatted.stderr
