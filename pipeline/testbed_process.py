"""The testbed as a child process: started for the demo and benchmarks, always stopped."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from types import TracebackType

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class TestbedProcess:
    """`ministry-watch testbed` on a free port; a context manager that kills it on exit."""

    def __init__(self, statements: int = 60, night: int = 0, faults: str = "") -> None:
        self._args = [
            sys.executable,
            "-m",
            "pipeline.cli",
            "testbed",
            "--port",
            "0",
            "--statements",
            str(statements),
            "--night",
            str(night),
        ]
        if faults:
            self._args += ["--faults", faults]
        self._process: subprocess.Popen[str] | None = None
        self.base_url = ""

    def __enter__(self) -> TestbedProcess:
        self._process = subprocess.Popen(
            self._args,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self._process.stdout.readline().strip() if self._process.stdout else ""
        if not line.startswith("http"):
            self.stop()
            raise RuntimeError(f"the testbed did not start (said {line!r})")
        self.base_url = line
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def control(self, path: str, payload: object | None = None) -> dict:
        """GET (or POST `payload` as JSON to) a /_testbed/ control endpoint."""
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.base_url}/_testbed/{path}",
            data=data,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def advance(self, nights: int = 1) -> dict:
        return self.control("night", {"advance": nights})
