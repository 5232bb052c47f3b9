"""``bot.percall.PerCall``: a memo that exists only inside its outermost block."""

from __future__ import annotations

import threading

import pytest

from bot.percall import PerCall


def test_the_memo_lives_exactly_as_long_as_the_outermost_block() -> None:
    memo: PerCall[str, int] = PerCall("test_memo")
    assert memo.get() is None and not memo.active()
    with memo.block():
        outer = memo.get()
        assert outer == {}
        outer["typed"] = 1
        with memo.block():  # a nested call shares it: the words are worked out once
            assert memo.get() is outer
        assert memo.get() is outer, "the inner block does not drop the outer one's memo"
    assert memo.get() is None and not memo.active()
    with memo.block():
        assert memo.get() == {}, "nothing carried over from the last call"


def test_the_memo_is_dropped_when_the_call_fails() -> None:
    memo: PerCall[str, int] = PerCall("test_memo")
    with pytest.raises(ValueError), memo.block():
        memo.get()["typed"] = 1  # type: ignore[index]
        raise ValueError
    assert not memo.active()


def test_another_thread_never_sees_this_calls_memo() -> None:
    memo: PerCall[str, int] = PerCall("test_memo")
    seen: list[object] = []
    with memo.block():
        memo.get()["typed"] = 1  # type: ignore[index]
        thread = threading.Thread(target=lambda: seen.append(memo.get()))
        thread.start()
        thread.join()
    assert seen == [None]
