"""Build hook: the wheel carries the bundled demo content (flows/ and knowledge/).

The content stays at the top of the repository, where authors edit it and `frontdesk check`
finds it; building a wheel copies it to ``bot/bundled/`` so that `pip install frontdesk` (or a
container built from the wheel) runs `frontdesk chat` from any folder. Everything else about the
package is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CONTENT = ("flows", "knowledge")


class BuildWithContent(build_py):
    def run(self) -> None:
        super().run()
        here = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "bot" / "bundled"
        for folder in CONTENT:
            if (here / folder).is_dir():  # an sdist carries them too (MANIFEST.in)
                shutil.copytree(here / folder, target / folder, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithContent})
