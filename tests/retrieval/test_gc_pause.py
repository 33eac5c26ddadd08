"""no_gc: the cyclic collector pauses for a bulk build and is left as it was found."""

from __future__ import annotations

import gc

from retrieval.gc_pause import no_gc


def test_gc_paused_inside_and_collected_once_after() -> None:
    assert gc.isenabled()
    collections: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        with no_gc():
            assert not gc.isenabled()
            junk = [[i] for i in range(200_000)]  # would trigger many young collections
            with no_gc():  # nested: still paused, and the inner block does not resume it
                assert not gc.isenabled()
            assert not gc.isenabled()
            assert collections == []
        del junk
    finally:
        gc.callbacks.remove(seen)
    assert gc.isenabled()
    assert collections[:1] == [2] and collections.count(2) == 1  # one full one, at the end


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with no_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
