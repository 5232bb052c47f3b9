"""Addresses as they are written where a patron comes from, or tersely: a Russian or Ukrainian
street with its house and flat as words (ул. Садовая, д. 12, кв. 45), a Chinese one from road to
room (中山路88号3单元502室), and a US street with no type but a bare "#unit" ("200 N Clark #5").
Look-alikes that number a room, a PC or a shelf stay."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(("text", "gone"), [
    ("новый адрес: ул. Садовая, д. 12, кв. 45", ["Садовая", "12", "45"]),
    ("живёт на ул. Лесной д. 3 кв. 7, просит доставку", ["Лесной", "кв. 7"]),
    ("адреса: вул. Франка, буд. 9, кв. 21", ["Франка", "буд. 9"]),
    ("проспект Мира, дом 101, квартира 8", ["Мира", "101"]),
    ("地址是中山路88号3单元502室", ["中山路", "502室"]),
    ("她住在南京西路1266号12楼", ["南京西路", "1266号"]),
    ("新地址：解放大道200弄5号301室，请更新", ["解放大道", "301室"]),
    ("lives at 200 N Clark #5 now", ["Clark", "#5"]),
    ("mail goes to 1418 W Belmont #2R, Chicago", ["Belmont", "#2R"]),
    ("new address 77 Sheridan #1204", ["Sheridan", "#1204"]),
])
def test_an_address_written_another_way_is_masked(text: str, gone: list[str]) -> None:
    out = redact(text)
    assert "[address]" in out, out
    for part in gone:
        assert part not in out, out


@pytest.mark.parametrize("text", [
    "pc 12 Lab #3 is frozen again",
    "room 200 Main Hall #5 has the projector",
    "ordered 12 copies #2 of the new series",
    "shelf 4 Holds #12 are for pickup today",
    "в зале 3 новая выставка, стенд 12",
    "二楼3号电脑坏了",
    "第5号书架需要整理",
])
def test_a_numbered_room_shelf_or_computer_stays(text: str) -> None:
    assert redact(text) == text
