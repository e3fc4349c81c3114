"""The clock and GUIDs: random GUIDs are RFC 4122 version 4 and never repeat, also
across a fork; the time is the second's UTC text; the test variables still fix both."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime

import pytest

from qualcode import clock


def test_new_guids_are_version_4_and_distinct(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALCODE_FAKE_GUIDS", raising=False)
    guids = [clock.new_guid() for _ in range(2000)]  # several 4 KiB pools
    assert len(set(guids)) == len(guids)
    for g in guids:
        parsed = uuid.UUID(g)
        assert str(parsed) == g
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_a_forked_child_draws_its_own_guids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALCODE_FAKE_GUIDS", raising=False)
    clock.new_guid()  # the parent's pool is filled
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, clock.new_guid().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 100).decode()
    os.close(read)
    assert child != clock.new_guid()
    assert uuid.UUID(child).version == 4


def test_now_is_the_current_second_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALCODE_FAKE_NOW", raising=False)
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = clock.now()
    after = datetime.now(UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    assert before <= datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) <= after


def test_the_test_variables_still_fix_time_and_guids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALCODE_FAKE_NOW", "2020-02-02T02:02:02Z")
    assert clock.now() == "2020-02-02T02:02:02Z"
    monkeypatch.setenv("QUALCODE_FAKE_GUIDS", "seed")
    clock.reset_fake_guids()
    first = [clock.new_guid() for _ in range(3)]
    clock.reset_fake_guids()
    assert [clock.new_guid() for _ in range(3)] == first
    monkeypatch.delenv("QUALCODE_FAKE_GUIDS")
    assert clock.new_guid() not in first


def test_threads_never_share_a_guid(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.delenv("QUALCODE_FAKE_GUIDS", raising=False)
    out: list[list[str]] = [[] for _ in range(8)]

    def draw(bucket: list[str]) -> None:
        bucket.extend(clock.new_guid() for _ in range(3000))

    threads = [threading.Thread(target=draw, args=(b,)) for b in out]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [g for bucket in out for g in bucket]
    assert len(set(every)) == len(every) == 24000
