"""`ministry-watch testbed` serves in the foreground, stops cleanly and refuses bad input."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import requests

from pipeline.cli import main

COMMAND = [sys.executable, "-m", "pipeline.cli", "testbed"]


def test_cli_serves_until_terminated():
    process = subprocess.Popen([*COMMAND, "--port", "0", "--statements", "5", "--night", "2",
                                "--faults", "error503"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        state = requests.get(f"{base_url}/_testbed/state", timeout=5).json()
        assert state["night"] == 2 and state["statements"] == 5
        assert [f["name"] for f in state["faults"]] == ["error503"]
        assert requests.get(f"{base_url}/en/", timeout=5).status_code == 503
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


@pytest.mark.parametrize("arguments", [
    ["--port", "0", "--night", "99"],
    ["--port", "0", "--faults", "error500,nope"],
    ["--port", "70000"],
    ["--port", "0", "--statements", "-1"],
    ["--port", "abc"],
    [],
])
def test_bad_arguments_exit_2(arguments, capsys):
    with pytest.raises(SystemExit) as exited:
        sys.exit(main(["testbed", *arguments]))
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip()
