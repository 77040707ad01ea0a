"""What the figures were measured on: CPU, cores, memory, Python and the database."""

import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper


def _cpuinfo_model(text: str) -> str:
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in {"model name", "Model", "cpu model"} and value.strip():
            return value.strip()
    return platform.processor() or platform.machine()


def _mem_total_gib(text: str) -> float | None:
    for line in text.splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)  # the figure is in KiB
    return None


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    """The CPU model (from /proc/cpuinfo), the cores this process may use, memory, Python."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": _cpuinfo_model(_read("/proc/cpuinfo")),
        "cores": cores,
        "memory_gib": _mem_total_gib(_read("/proc/meminfo")),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        # Other work on the machine skews timings: the 1, 5 and 15 minute load averages.
        "load_avg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def _yardstick_work() -> int:
    """A fixed piece of pure Python: dict and string work like a page's, no I/O."""
    seen: dict[str, int] = {}
    for i in range(60_000):
        key = f"k{i % 997}"
        seen[key] = seen.get(key, 0) + i
    return len(seen)


def yardstick_ms(rounds: int = 7) -> float:
    """The median CPU ms of a fixed piece of Python work. The bench machine is a virtual machine
    whose speed moved by up to 2x between days (the raw-SQL floors and the unchanged pages moved
    with it): the figure lets runs on different days be compared (page ms / yardstick ms)."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        _yardstick_work()
        times.append(time.process_time() - start)
    return round(statistics.median(times) * 1000, 2)


def database(connection: BaseDatabaseWrapper) -> str:
    """ "SQLite 3.40.1" or "PostgreSQL 15.18": the engine and the server's own version."""
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
        return f"PostgreSQL {version.split()[0]}"
    return connection.display_name
