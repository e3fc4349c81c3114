"""Time and identifiers, in one place so tests can fix them.

``QUALCODE_FAKE_NOW`` (an ISO-8601 time) freezes the clock for snapshots and golden
files; ``QUALCODE_FAKE_GUIDS`` (any seed text) makes :func:`new_guid` return
``uuid5(seed, counter)`` so that a project built twice has the same GUIDs (call
:func:`reset_fake_guids` first). Nothing else reads them; they are for tests only.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

_FAKE_NAMESPACE = uuid.UUID("5b6d7f0e-3c1a-4e52-9a57-0c0dea1c0de5")
_fake_counter = itertools.count(1)


_last_second: list[Any] = [-1, ""]
"""The last whole second :func:`now` formatted, and its text (a code application
asks the time twice within microseconds: formatting it again cost more than the
rest of the call's Python work)."""


def now() -> str:
    """The current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    fake = os.environ.get("QUALCODE_FAKE_NOW")
    if fake:
        return fake
    second = int(time.time())
    last = _last_second
    if last[0] != second:
        last[1] = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        last[0] = second
    return str(last[1])


_POOL: list[Any] = [0, b"", 0]
"""The process that read it, random bytes, how many are used (:func:`new_guid`)."""
_POOL_LOCK = threading.Lock()


def _after_fork() -> None:
    """A forked child starts with a fresh lock and no pool (its parent's bytes and a
    lock another thread may have held at the fork are not its own)."""
    global _POOL_LOCK
    _POOL_LOCK = threading.Lock()
    _POOL[0], _POOL[1], _POOL[2] = 0, b"", 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def new_guid() -> str:
    """A new lowercase GUID (REFI-QDA accepts either case).

    Random (``uuid4``), unless ``QUALCODE_FAKE_GUIDS`` is set: then the n-th call
    returns ``uuid5(namespace, f"{seed}:{n}")``, the same sequence in every run.
    """
    seed = os.environ.get("QUALCODE_FAKE_GUIDS")
    if seed:
        return str(uuid.uuid5(_FAKE_NAMESPACE, f"{seed}:{next(_fake_counter)}"))
    # uuid4's text without a UUID object or a system call each time: 16 bytes of
    # the operating system's randomness (read 4 KiB at a time, again after a fork)
    # with the version (4) and variant (10) bits set, as uuid.uuid4 does
    pool = _POOL
    pid = os.getpid()
    with _POOL_LOCK:  # threads (the workbench's workers) never share a slice
        if pool[0] != pid or pool[2] >= len(pool[1]):
            pool[0], pool[1], pool[2] = pid, os.urandom(4096), 0
        at = pool[2]
        pool[2] = at + 16
        chunk = pool[1][at : at + 16]
    raw = bytearray(chunk)
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def reset_fake_guids() -> None:
    """Start the fake GUID sequence again from 1 (tests only)."""
    global _fake_counter
    _fake_counter = itertools.count(1)
