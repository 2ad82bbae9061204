"""Progress of a crawl that runs in another process, read from the captures it writes."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine, func, select

from storage.db import transaction
from storage.models import Capture, Run


def captures_so_far(engine: Engine, run_key: str) -> int:
    with transaction(engine) as session:
        return (
            session.scalar(
                select(func.count()).select_from(Capture).join(Run).where(Run.key == run_key)
            )
            or 0
        )


class CaptureWatcher:
    """Calls `report(n)` every `interval` seconds with the captures of the run so far."""

    def __init__(
        self, engine: Engine, run_key: str, report: Callable[[int], None], interval: float = 1.0
    ) -> None:
        self._engine, self._run_key, self._report = engine, run_key, report
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> CaptureWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._report(captures_so_far(self._engine, self._run_key))
