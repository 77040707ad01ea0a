"""What the figures were measured on: CPU, cores, memory, Python and the database."""

import os
import platform
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
