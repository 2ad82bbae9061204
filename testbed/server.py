"""Running the replica: in a background thread (tests, benchmarks) or in the foreground (CLI).

    handle = serve_in_thread(statements=60)
    requests.get(handle.base_url + "/en/foreign_policy/news/1950123/")
    handle.set_night(1); handle.set_faults([{"name": "error503", "times": 1}])
    handle.stop()
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from testbed import httpd
from testbed.faults import FaultSpec, parse_spec
from testbed.site import Testbed
from testbed.truth import truth

FaultInput = Iterable[Mapping[str, Any] | str | FaultSpec]


def _specs(faults: FaultInput) -> list[FaultSpec]:
    return [f if isinstance(f, FaultSpec) else parse_spec(f) for f in faults]


class TestbedHandle:
    """A replica serving from a daemon thread; every method is safe to call from any thread."""

    __test__ = False

    def __init__(self, testbed: Testbed, host: str, port: int,
                 loop: asyncio.AbstractEventLoop, thread: threading.Thread,
                 stopped: asyncio.Event) -> None:
        self.testbed = testbed
        self.host, self.port = host, port
        self.base_url = f"http://{host}:{port}"
        self._loop, self._thread, self._stopped = loop, thread, stopped

    @property
    def night(self) -> int:
        return self.testbed.night

    def set_night(self, night: int) -> None:
        self.testbed.set_night(night)

    def advance(self, nights: int = 1) -> None:
        self.testbed.set_night(self.testbed.night + nights)

    def set_faults(self, faults: FaultInput) -> None:
        """Replace the active faults (names or `{"name", "paths", "times", "seconds"}`)."""
        self.testbed.faults.replace(_specs(faults))

    def truth(self, night: int | None = None) -> dict[str, Any]:
        return truth(self.testbed.timeline, self.testbed.night if night is None else night)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(timeout=10)

    def __enter__(self) -> TestbedHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def _serve(testbed: Testbed, host: str, port: int,
                 ready: Callable[[int], None], stopped: asyncio.Event) -> None:
    server = await httpd.start(testbed.handle, host, port)
    testbed.port = server.sockets[0].getsockname()[1]
    ready(testbed.port)
    try:
        await stopped.wait()
    finally:
        server.close()
        await server.wait_closed()


def serve_in_thread(port: int = 0, host: str = "127.0.0.1", statements: int = 60,
                    night: int = 0, faults: FaultInput = (), seed: int = 1) -> TestbedHandle:
    """Start a replica on `port` (0: any free port) and return once it accepts connections."""
    testbed = Testbed(statements, night, seed, _specs(faults))
    loop = asyncio.new_event_loop()
    stopped = asyncio.Event()
    started = threading.Event()
    bound: list[int] = []
    failure: list[BaseException] = []

    def ready(actual: int) -> None:
        bound.append(actual)
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(_serve(testbed, host, port, ready, stopped))
        except OSError as exc:
            failure.append(exc)
            started.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="testbed", daemon=True)
    thread.start()
    started.wait()
    if failure:
        raise failure[0]
    return TestbedHandle(testbed, host, bound[0], loop, thread, stopped)


def serve_forever(testbed: Testbed, host: str, port: int,
                  ready: Callable[[str], None]) -> None:
    """Serve in the foreground until SIGINT or SIGTERM; `ready` gets the base URL."""

    async def main() -> None:
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopped.set)
        await _serve(testbed, host, port, lambda p: ready(f"http://{host}:{p}"), stopped)

    asyncio.run(main())
