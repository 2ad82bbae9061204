"""A temporary Airflow home for the DAG tests: metadata in SQLite, dags_folder on the repo's dags/.

Airflow reads its configuration once, when `airflow` is first imported, so the environment is
set up here before that import; test modules import Airflow only inside their tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.nightly import CRAWL_POOL

REPO = Path(__file__).resolve().parent.parent
DAGS_FOLDER = REPO / "dags"
VENV_BIN = Path(sys.executable).parent
DAG_ID = "statements_nightly"

# Tiny retry delays so a failing crawl exhausts its retries within seconds.
TASK_SETTINGS = {
    "MINISTRY_WATCH_CRAWL_RETRIES": "2",
    "MINISTRY_WATCH_CRAWL_RETRY_DELAY_S": "1",
    "MINISTRY_WATCH_OPS_EMAIL": "ops@ministry-watch.test",
}


def airflow_environment(home: Path, metadata_url: str) -> dict[str, str]:
    """Variables that point Airflow at `home`, the repo's DAGs and `metadata_url`."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        **TASK_SETTINGS,
    }


def airflow_cli(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """Run `airflow ARGS` with `env`; a failure raises with the command's output."""
    done = subprocess.run(
        [str(VENV_BIN / "airflow"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"airflow {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def _check_configuration(home: Path) -> None:
    from airflow.configuration import conf

    folder = Path(conf.get("core", "dags_folder")).resolve()
    if folder != DAGS_FOLDER:
        raise RuntimeError(
            f"Airflow was configured before the test harness (dags_folder {folder}, "
            f"expected {DAGS_FOLDER}; AIRFLOW_HOME {home}): something imported airflow early"
        )


def _create_pool() -> None:
    from airflow.models.pool import Pool

    Pool.create_or_update_pool(
        name=CRAWL_POOL,
        slots=2,
        description="crawl tasks of ministry-watch running at once",
        include_deferred=False,
    )


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated Airflow home for this session, configured in this process too."""
    home = tmp_path_factory.mktemp("airflow-home")
    env = airflow_environment(home, f"sqlite:///{home / 'airflow.db'}")
    airflow_cli(env, "db", "migrate")
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    _check_configuration(home)
    _create_pool()
    try:
        yield home
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def nightly_dag(airflow_home: Path):  # type: ignore[no-untyped-def]
    """The statements_nightly DAG as the dag processor loads it from dags_folder."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if bag.import_errors:
        raise RuntimeError(f"DAG import errors: {bag.import_errors}")
    return bag.get_dag(DAG_ID)
