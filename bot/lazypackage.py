"""A package whose public names are imported on first use: ``lazy_exports(__name__, {...})``.

``bot.engine`` and ``bot.router`` re-export their API from submodules that pull in the
redactor, the router's readers and their word lists. Importing any submodule runs the
package's ``__init__`` first, so a command that needs only a light part (`frontdesk check`
walks flows with ``bot.engine.relevance`` and ``bot.engine.walk``, and reads choice phrases
with ``bot.router.text``) paid for everything the package re-exports. With ``lazy_exports``
the package stays a plain namespace until one of its exported names is read (PEP 562).

One subtlety: an exported name can also be a submodule's name (``bot.engine.step`` the module,
``bot.engine.step`` the function; likewise ``bot.router.prefill``). When a submodule is first
imported, Python sets it as an attribute of its package, which would hide the function. An
eager ``__init__`` rebinds the function right after; here the package simply does not take
the submodule under an exported name, so the attribute is always the export, as before.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any


class LazyPackage(ModuleType):
    """A package module that imports each exported name from its submodule when first read."""

    _lazy_exports: dict[str, str]  # name -> module that defines it

    def __getattr__(self, name: str) -> Any:
        module = self.__dict__.get("_lazy_exports", {}).get(name)
        if module is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        ModuleType.__setattr__(self, name, value)  # read once; from now on a plain attribute
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if (name in self.__dict__.get("_lazy_exports", {}) and isinstance(value, ModuleType)
                and value.__name__ == f"{self.__name__}.{name}"):
            return  # the import system naming a submodule that shares an exported name
        ModuleType.__setattr__(self, name, value)


def lazy_exports(package: str, exports: dict[str, str]) -> None:
    """Make ``exports`` (name -> module defining it) of ``package`` load on first use."""
    module = sys.modules[package]
    module.__dict__["_lazy_exports"] = dict(exports)
    module.__class__ = LazyPackage
