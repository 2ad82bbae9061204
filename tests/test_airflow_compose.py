"""The deployment files: docker-compose.yml passes `docker-compose config` and is wired right."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}


def _compose_config(directory: Path, with_env: bool) -> subprocess.CompletedProcess[str]:
    shutil.copy(REPO / "docker-compose.yml", directory / "docker-compose.yml")
    if with_env:
        shutil.copy(REPO / ".env.example", directory / ".env")
    docker_compose = shutil.which("docker-compose") or "/usr/bin/docker-compose"
    return subprocess.run(
        [docker_compose, "config"], cwd=directory, capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    done = _compose_config(tmp_path_factory.mktemp("compose"), with_env=True)
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_compose_has_the_airflow_services_and_their_commands(config: dict[str, Any]) -> None:
    services = config["services"]
    for name, command in AIRFLOW_SERVICES.items():
        assert services[name]["command"] in (command, command.split()), name
        assert services[name]["depends_on"]["airflow-init"] == {
            "condition": "service_completed_successfully"
        }
    assert {"postgres", "redis", "data-postgres", "mailpit", "airflow-init"} <= set(services)


def test_every_airflow_service_shares_executor_secrets_and_data_database(
    config: dict[str, Any],
) -> None:
    envs = [config["services"][name]["environment"] for name in AIRFLOW_SERVICES]
    for env in envs:
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        assert "@postgres/airflow" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert "@data-postgres/ministry_watch" in env["MINISTRY_WATCH_DATABASE_URL"]
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith(
            "http://airflow-apiserver:8080/"
        )
    for key in ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET"):
        assert len({env[key] for env in envs}) == 1, key


def test_mailpit_is_smtp_default(config: dict[str, Any]) -> None:
    env = config["services"]["airflow-worker"]["environment"]
    connection = yaml.safe_load(env["AIRFLOW_CONN_SMTP_DEFAULT"])
    assert (connection["conn_type"], connection["host"], connection["port"]) == (
        "smtp",
        "mailpit",
        1025,
    )


def test_init_migrates_both_databases_and_creates_the_pool(config: dict[str, Any]) -> None:
    script = "\n".join(config["services"]["airflow-init"]["command"])
    assert config["services"]["airflow-init"]["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    assert "ministry-watch db upgrade" in script
    assert "airflow pools set ministry_watch_crawl" in script


def test_compose_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    done = _compose_config(tmp_path, with_env=False)
    assert done.returncode != 0
    assert "set AIRFLOW_FERNET_KEY in .env" in done.stderr


def test_dockerfile_extends_the_locked_airflow_image_with_the_project() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    lock = (REPO / "requirements.lock").read_text()
    locked = re.search(r"^apache-airflow==(\S+)$", lock, re.MULTILINE)
    assert locked, "apache-airflow is not pinned in requirements.lock"
    assert f"FROM apache/airflow:{locked.group(1)}-python3.11" in dockerfile
    assert "-r requirements.lock" in dockerfile
    assert "--no-deps ." in dockerfile
