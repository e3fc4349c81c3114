"""Time and identifiers, in one place so tests can fix them.

``QUALCODE_FAKE_NOW`` (an ISO-8601 time) freezes the clock for snapshots and golden
files; ``QUALCODE_FAKE_GUIDS`` (any seed text) makes :func:`new_guid` return
``uuid5(seed, counter)`` so that a project built twice has the same GUIDs (call
:func:`reset_fake_guids` first). Nothing else reads them; they are for tests only.
"""

from __future__ import annotations

import itertools
import os
import uuid
from datetime import UTC, datetime

_FAKE_NAMESPACE = uuid.UUID("5b6d7f0e-3c1a-4e52-9a57-0c0dea1c0de5")
_fake_counter = itertools.count(1)


def now() -> str:
    """The current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    fake = os.environ.get("QUALCODE_FAKE_NOW")
    if fake:
        return fake
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_guid() -> str:
    """A new lowercase GUID (REFI-QDA accepts either case).

    Random (``uuid4``), unless ``QUALCODE_FAKE_GUIDS`` is set: then the n-th call
    returns ``uuid5(namespace, f"{seed}:{n}")``, the same sequence in every run.
    """
    seed = os.environ.get("QUALCODE_FAKE_GUIDS")
    if seed:
        return str(uuid.uuid5(_FAKE_NAMESPACE, f"{seed}:{next(_fake_counter)}"))
    return str(uuid.uuid4())


def reset_fake_guids() -> None:
    """Start the fake GUID sequence again from 1 (tests only)."""
    global _fake_counter
    _fake_counter = itertools.count(1)
