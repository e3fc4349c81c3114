"""Time and identifiers, in one place so tests can fix them.

``QUALCODE_FAKE_NOW`` (an ISO-8601 time) freezes the clock for snapshots and golden
files; nothing else reads it.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime


def now() -> str:
    """The current UTC time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    fake = os.environ.get("QUALCODE_FAKE_NOW")
    if fake:
        return fake
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_guid() -> str:
    """A new lowercase GUID (REFI-QDA accepts either case)."""
    return str(uuid.uuid4())
