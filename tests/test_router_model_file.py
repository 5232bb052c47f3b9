"""A damaged or missing ``model.bin`` is one clear error, never routing on wrong weights."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.router.model import MODEL_FILE, WEIGHTS_FILE, read_packed
from bot.router.text import DATA


@pytest.fixture()
def model_copy(tmp_path: Path) -> tuple[Path, Path]:
    header, blob = tmp_path / MODEL_FILE, tmp_path / WEIGHTS_FILE
    shutil.copy(DATA / MODEL_FILE, header)
    shutil.copy(DATA / WEIGHTS_FILE, blob)
    return header, blob


def test_the_shipped_files_read_back(model_copy: tuple[Path, Path]) -> None:
    packed = read_packed(*model_copy)
    assert packed is not None and packed.blob == (DATA / WEIGHTS_FILE).read_bytes()


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage"])
def test_a_damaged_blob_is_one_line_naming_the_file(model_copy: tuple[Path, Path],
                                                    damage: str) -> None:
    header, blob = model_copy
    data = bytearray(blob.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "flipped":  # same length: only the digest can tell
        middle = len(data) // 2
        data[middle:middle + 2000] = bytes(b ^ 0xFF for b in data[middle:middle + 2000])
    else:
        data = bytearray(b"garbage")
    blob.write_bytes(bytes(data))
    with pytest.raises(ContentError) as raised:
        read_packed(header, blob)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(str(blob)) and "damaged" in message


def test_a_missing_blob_beside_its_header_is_an_error_not_a_silent_fallback(
        model_copy: tuple[Path, Path]) -> None:
    header, blob = model_copy
    blob.unlink()
    with pytest.raises(ContentError, match="missing beside model.json"):
        read_packed(header, blob)


def test_no_model_at_all_leaves_routing_to_the_lexical_router(tmp_path: Path) -> None:
    assert read_packed(tmp_path / MODEL_FILE, tmp_path / WEIGHTS_FILE) is None
