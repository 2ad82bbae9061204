"""Airflow's production shape run natively for a test: api-server, scheduler, dag-processor and a
Celery worker on PostgreSQL metadata and a Redis broker, all on 127.0.0.1.

Every process is started in a session of its own and stopped by its PID (its process group),
also when the test fails. The Celery queue is unique to the stack, so stacks of suites running
side by side never take each other's tasks from a shared Redis.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from pipeline.nightly import CRAWL_POOL
from tests import databases
from tests.airflow_env import VENV_BIN, airflow_cli, airflow_environment

REDIS_URL_VARIABLE = "MINISTRY_WATCH_TEST_REDIS_URL"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"
COMPONENTS = {
    "api-server": ["api-server", "--port", "{port}", "--host", "127.0.0.1"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "worker": ["celery", "worker", "--queues", "{queue}", "--concurrency", "2"],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AirflowStack:
    home: Path
    env: dict[str, str]
    api_url: str
    queue: str
    password: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self) -> None:
        port = self.api_url.rsplit(":", 1)[1]
        for name, args in COMPONENTS.items():
            argv = [a.format(port=port, queue=self.queue) for a in args]
            log = (self.home / f"{name}.log").open("wb")
            self.processes[name] = subprocess.Popen(
                [str(VENV_BIN / "airflow"), *argv],
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        """Stop every process group this stack started: SIGTERM, then SIGKILL after 20 s."""
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(process, signal.SIGKILL)
            process.wait(10)

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"airflow {name} exited {process.returncode}:\n{self.log(name)}")

    def log(self, name: str, tail: int = 40) -> str:
        lines = (self.home / f"{name}.log").read_text(errors="replace").splitlines()
        return "\n".join(lines[-tail:])

    def client(self, timeout: float = 90) -> httpx.Client:
        """A REST client with a bearer token, once the api-server answers."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                answer = httpx.post(
                    f"{self.api_url}/auth/token",
                    json={"username": "admin", "password": self.password},
                    timeout=5,
                )
                if answer.status_code in (200, 201):
                    token = answer.json()["access_token"]
                    return httpx.Client(
                        base_url=f"{self.api_url}/api/v2",
                        headers={"Authorization": f"Bearer {token}"},
                        timeout=30,
                    )
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"api-server not ready:\n{self.log('api-server')}")
            time.sleep(0.5)

    def wait_for(self, client: httpx.Client, path: str, ready: Any, timeout: float) -> Any:
        """Poll GET `path` until `ready(json)` is true; returns that JSON."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            answer = client.get(path)
            if answer.status_code == 200 and ready(answer.json()):
                return answer.json()
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {n}\n{self.log(n)}" for n in self.processes)
                raise TimeoutError(f"GET {path}: {answer.status_code} {answer.text}\n{logs}")
            time.sleep(1)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def stack_environment(
    home: Path, metadata_url: str, data_url: str, port: int, queue: str
) -> tuple[dict[str, str], str]:
    """The variables every process of the stack shares, and the admin password."""
    password = secrets.token_urlsafe(16)
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps({"admin": password}))
    api_url = f"http://127.0.0.1:{port}"
    broker = os.environ.get(REDIS_URL_VARIABLE) or DEFAULT_REDIS_URL
    result_backend = make_url(metadata_url).set(drivername="db+postgresql")
    env = {
        **airflow_environment(home, metadata_url),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__API__BASE_URL": api_url,
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api_url}/execution/",
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
        "AIRFLOW__CELERY__BROKER_URL": broker,
        "AIRFLOW__CELERY__RESULT_BACKEND": result_backend.render_as_string(hide_password=False),
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
        "MINISTRY_WATCH_DATABASE_URL": data_url,
    }
    return env, password


@contextmanager
def airflow_stack(home: Path, data_url: str) -> Iterator[AirflowStack]:
    """A migrated, running stack on a fresh PostgreSQL metadata database; torn down after."""
    metadata = make_url(databases.create_pg_database()).set(drivername="postgresql+psycopg2")
    metadata_url = metadata.render_as_string(hide_password=False)
    port = free_port()
    queue = f"mw-test-{uuid.uuid4().hex[:10]}"
    env, password = stack_environment(home, metadata_url, data_url, port, queue)
    stack = AirflowStack(home, env, f"http://127.0.0.1:{port}", queue, password)
    try:
        airflow_cli(env, "db", "migrate")
        airflow_cli(env, "pools", "set", CRAWL_POOL, "2", "crawl tasks of ministry-watch")
        stack.start()
        yield stack
    finally:
        stack.stop()
        databases.drop_pg_database(metadata_url)
