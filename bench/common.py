"""What every benchmark of this package shares: the machine description, figure lines, fresh
databases, Scrapy's own page count, and the peak memory of processes."""

from __future__ import annotations

import os
import platform
import re
import shlex
import sqlite3
import statistics
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil
from sqlalchemy import Engine, func, select, text

from storage.db import create_db_engine
from storage.models import Blob
from tests import databases

ROOT = Path(__file__).resolve().parents[1]
FIGURE_PREFIX = "FIGURE"


@dataclass(frozen=True)
class Figure:
    """One measured figure: what, the value as text, the target and whether it was met."""

    key: str
    what: str
    value: str
    command: str
    target: str = ""
    met: bool | None = None

    def verdict(self) -> str:
        if self.met is None:
            return "-"
        return f"{self.target}: met" if self.met else f"{self.target}: MISSED"

    def line(self) -> str:
        return (f"{FIGURE_PREFIX} {self.key} | {self.what} | {self.value} | {self.verdict()} | "
                f"{self.command}")


def parse_figure(line: str) -> Figure | None:
    """The Figure a line printed by `Figure.line` describes, or None for any other line."""
    if not line.startswith(FIGURE_PREFIX + " "):
        return None
    key, what, value, verdict, command = (
        part.strip() for part in line[len(FIGURE_PREFIX) + 1:].split(" | ", 4))
    met = None if verdict == "-" else not verdict.endswith("MISSED")
    target = "" if verdict == "-" else verdict.rsplit(": ", 1)[0]
    return Figure(key, what, value, command, target, met)


def emit(figure: Figure) -> Figure:
    print(figure.line(), flush=True)
    return figure


def command_line(module: str, args: list[str]) -> str:
    return shlex.join([".venv/bin/python", "-m", module, *args])


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], digits: int = 1) -> str:
    return ", ".join(f"{v:,.{digits}f}" for v in values)


def machine() -> dict[str, str]:
    """CPU model, cores, memory, Python, SQLite and PostgreSQL versions, and the date."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = names[0] if names else cpu
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
    }


def postgres_version() -> str:
    problem = databases.postgres_reachable()
    if problem:
        return f"unreachable ({problem})"
    engine = create_db_engine(databases.pg_admin_url())
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("show server_version")).scalar())
    finally:
        engine.dispose()


class Databases:
    """Fresh migrated databases, copied from one template per backend; all dropped on close."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="mw-bench-"))
        self._sqlite_template: Path | None = None
        self._pg_template: str | None = None
        self._pg_made: list[str] = []

    def fresh(self, backend: str) -> str:
        if backend == "sqlite":
            if self._sqlite_template is None:
                self._sqlite_template = databases.create_sqlite_template(self._dir)
            return databases.create_sqlite_database(self._sqlite_template, self._dir)
        if backend != "postgres":
            raise ValueError(f"unknown backend {backend!r} (sqlite or postgres)")
        if self._pg_template is None:
            self._pg_template = databases.create_pg_template()
        url = databases.create_pg_database(self._pg_template)
        self._pg_made.append(url)
        return url

    def close(self) -> None:
        for url in self._pg_made:
            databases.drop_pg_database(url)
        if self._pg_template:
            databases.drop_pg_database(self._pg_template)
        for path in self._dir.glob("*"):
            path.unlink()
        self._dir.rmdir()

    def __enter__(self) -> Databases:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def engine_of(url: str) -> Iterator[Engine]:
    engine = create_db_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@dataclass(frozen=True)
class BlobTotals:
    count: int
    raw_bytes: int
    stored_bytes: int


def blob_totals(engine: Engine) -> BlobTotals:
    """How many blobs the database holds, their bytes before and after compression."""
    query = select(func.count(), func.coalesce(func.sum(Blob.size), 0),
                   func.coalesce(func.sum(func.length(Blob.data)), 0))
    with engine.connect() as connection:
        count, raw, stored = connection.execute(query).one()
    return BlobTotals(int(count), int(raw), int(stored))


def scrapy_pages(log_file: Path) -> int:
    """Responses Scrapy's downloader received, from the stats it dumps at the end of its log."""
    found = re.findall(r"'downloader/response_count': (\d+)", log_file.read_text("utf-8"))
    if not found:
        raise RuntimeError(f"{log_file}: Scrapy dumped no downloader/response_count")
    return int(found[-1])


def scrapy_elapsed(log_file: Path) -> float:
    """Seconds the Scrapy process crawled, from the stats it dumps at the end of its log."""
    found = re.findall(r"'elapsed_time_seconds': ([0-9.]+)", log_file.read_text("utf-8"))
    if not found:
        raise RuntimeError(f"{log_file}: Scrapy dumped no elapsed_time_seconds")
    return float(found[-1])


def vm_hwm(pid: int) -> int:
    """Peak resident memory (VmHWM) of a live process, in bytes; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found[1]) * 1024 if found else 0


class PeakMemory:
    """Polls the peak RSS of every descendant process while it runs, by a role `classify`
    gives from the command line (None: not watched)."""

    def __init__(self, classify: Callable[[list[str]], str | None], interval: float = 0.1):
        self._classify = classify
        self._interval = interval
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="peak-memory", daemon=True)

    def _poll(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self._interval):
            for child in me.children(recursive=True):
                try:
                    role = self._classify(child.cmdline())
                except psutil.Error:
                    continue
                if role is not None:
                    self.peaks[role] = max(self.peaks.get(role, 0), vm_hwm(child.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def own_peak() -> int:
    return vm_hwm(os.getpid())


