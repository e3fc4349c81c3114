"""Peak resident memory of a process and all its descendants at the same moment.

A thread reads ``/proc`` every few milliseconds: the resident set (``statm``) of the
root process and of every process below it (children found through
``/proc/<pid>/task/<tid>/children``, or by each process's parent in ``/proc/*/stat``
where the kernel lacks that file), summed per sample. The peak is the largest sum
seen: the memory the whole tree held at once, not a sum of per-process maxima (those
are reached at different times). A sample can miss a peak shorter than the interval;
:func:`upper_bound_mb` gives the other side from ``getrusage``.

Linux only (elsewhere the sampler reports nothing and ``available`` is false).
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    """The direct children of ``pid``."""
    out: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return out
    found_file = False
    for task in tasks:
        try:
            raw = (task / "children").read_text()
        except OSError:
            continue
        found_file = True
        out.extend(int(c) for c in raw.split())
    if found_file:
        return out
    for entry in PROC.iterdir():  # no children files: scan every process's parent
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the parent is the second field after the command, which may hold spaces
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def rss_bytes(pid: int) -> int:
    """The resident set of ``pid`` in bytes (0 when it is gone)."""
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler:
    """Samples the resident memory of ``pid``'s process tree until stopped.

    Use as a context manager; :attr:`peak_mb` is the largest sum of one sample, and
    :attr:`most_processes` the most processes seen in one sample.
    """

    def __init__(self, pid: int | None = None, interval: float = 0.01) -> None:
        self.pid = os.getpid() if pid is None else pid
        self.interval = interval
        self.available = (PROC / str(self.pid) / "statm").exists()
        self.peak_bytes = 0
        self.most_processes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> int:
        """One sample now (also taken by the thread); the tree's resident bytes."""
        pids = tree(self.pid)
        total = sum(rss_bytes(p) for p in pids)
        self.peak_bytes = max(self.peak_bytes, total)
        self.most_processes = max(self.most_processes, len(pids))
        self.samples += 1
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeSampler:
        if self.available:
            self.sample()
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()
            self.sample()

    @property
    def peak_mb(self) -> float:
        """The peak in MiB."""
        return self.peak_bytes / 2**20


def upper_bound_mb(children: int) -> float:
    """An upper bound of the tree's peak from ``getrusage`` (KiB on Linux): this
    process's peak plus ``children`` times the largest peak of a finished child (the
    workers, and multiprocessing's resource tracker)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + max(children, 0) * child) / 1024
