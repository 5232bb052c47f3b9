"""YAML loading that remembers where each mapping and key came from.

Content authors are librarians as often as engineers: an error must point at the line to fix.
PyYAML's composer already knows every node's position; we keep it on the mappings we build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:  # the C parser is several times faster; the constructor (where we hook) is Python either way
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

from bot.errors import ContentError, Problem


class LineMap(dict):
    """A dict that knows its own line and the line of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_str(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates stay strings: policy dates are quoted as the text states them, and the schema says str.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)


def load_yaml(path: Path) -> Any:
    """Parse ``path``; a syntax error becomes a ContentError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(Problem(path, 0, f"cannot read file: {exc.strerror}")) from exc
    except UnicodeDecodeError as exc:
        raise ContentError(Problem(path, 0, f"not UTF-8 (byte {exc.start})")) from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct starts (e.g. an unclosed '['),
        # which is the line an author must fix; the problem mark is where parsing gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 0
        raise ContentError(Problem(path, line, f"invalid YAML: {exc.problem or exc}")) from exc
    except yaml.YAMLError as exc:
        raise ContentError(Problem(path, 0, f"invalid YAML: {exc}")) from exc
