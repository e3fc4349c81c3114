"""Peak memory over a whole process tree: the process and every descendant at the same
moment (import workers included), sampled from ``/proc``.

    with TreeMemory() as mem:      # this process and its children
        ...
    mem.peak_mb                    # the largest sum of resident sets seen together

The sampler reads ``/proc/<pid>/task/*/children`` (or, where the kernel lacks it,
every process's parent link) and ``/proc/<pid>/statm`` (resident pages) every
``interval`` seconds in a thread. A child that starts and
ends between two samples can be missed, so :attr:`TreeMemory.bound_mb` also gives
the upper bound ``ru_maxrss`` allows (this process's peak plus the largest waited-for
child's peak, each at its own moment). Where ``/proc`` is missing (not Linux) the
sampler reports that bound alone and says so in :attr:`TreeMemory.method`.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path
from types import TracebackType

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
PROC = Path("/proc")


def _direct_children(pid: int) -> list[int] | None:
    """``pid``'s children from ``/proc/PID/task/*/children`` (None when the kernel
    does not offer that file)."""
    out: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return []
    for task in tasks:
        try:
            out += [int(x) for x in (task / "children").read_text().split()]
        except FileNotFoundError:
            if not (task / "stat").exists():
                continue  # the thread ended
            return None
        except OSError:
            continue
    return out


def children_of(root: int) -> list[int]:
    """Every live descendant of ``root``."""
    out: list[int] = []
    todo = [root]
    while todo:
        kids = _direct_children(todo.pop())
        if kids is None:
            return _children_by_scan(root)
        out += kids
        todo += kids
    return out


def _children_by_scan(root: int) -> list[int]:
    """Every live descendant of ``root`` by the parent links of every process."""
    parents: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces
        fields = stat[stat.rfind(")") + 2 :].split()
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    out: list[int] = []
    todo = [root]
    while todo:
        kids = parents.get(todo.pop(), [])
        out += kids
        todo += kids
    return out


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (0 when it is gone)."""
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and every descendant, now."""
    return sum(rss_bytes(p) for p in (root, *children_of(root)))


def rusage_bound_mb() -> float:
    """This process's peak plus its largest waited-for child's peak (an upper bound
    of the tree's peak when one child ran at a time; MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024


class TreeMemory:
    """Samples the resident memory of a process tree until the block ends."""

    def __init__(self, root: int | None = None, interval: float = 0.05) -> None:
        self.root = root if root is not None else os.getpid()
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self.method = "sampled /proc" if (PROC / "self" / "statm").exists() else "ru_maxrss"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> None:
        """One sample (also taken at the start and at the end of the block)."""
        if self.method != "sampled /proc":
            return
        self.peak = max(self.peak, tree_rss_bytes(self.root))
        self.samples += 1

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeMemory:
        self.sample()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()

    @property
    def peak_mb(self) -> float:
        """The largest tree-wide resident memory seen (MiB); the rusage bound where
        ``/proc`` cannot be read."""
        if self.method != "sampled /proc":
            return round(rusage_bound_mb(), 1)
        return round(self.peak / 2**20, 1)

    @property
    def bound_mb(self) -> float:
        """:func:`rusage_bound_mb` (MiB): no sampled peak can exceed it unless two
        children ran at once."""
        return round(rusage_bound_mb(), 1)
