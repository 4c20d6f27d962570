"""kstore.platform.command_progress (plugins/action/command_progress.py) through ansible-playbook: progress lines are
printed while the command runs, failures and timeouts fail the task with the output's tail, check mode runs nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _play(tmp_path: Path, args: dict, *extra: str) -> subprocess.CompletedProcess:
    playbook = tmp_path / "play.yml"
    playbook.write_text(
        json.dumps(
            [
                {
                    "hosts": "localhost",
                    "connection": "local",
                    "gather_facts": False,
                    "tasks": [
                        {"name": "Long step", "kstore.platform.command_progress": args, "register": "out"},
                        {"name": "Result", "ansible.builtin.debug": {"var": "out"}},
                    ],
                }
            ]
        )
    )
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return subprocess.run(
        ["ansible-playbook", str(playbook), "-i", "localhost,", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_matching_lines_are_shown_as_they_come(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    script = "echo 'Step 1/2 : FROM x'; echo noise; sleep 4; echo 'Step 2/2 : RUN y'"
    result = _play(
        tmp_path,
        {"argv": ["sh", "-c", script], "progress": "^Step", "label": "build", "heartbeat": 1, "log": str(log)},
    )
    assert result.returncode == 0, result.stdout
    lines = [line.strip() for line in result.stdout.splitlines()]
    shown = [line for line in lines if line.startswith("build [")]
    assert shown[0].endswith("Step 1/2 : FROM x"), shown
    assert shown[-1].endswith("Step 2/2 : RUN y"), shown
    assert any(line.endswith("still running") for line in shown), shown  # the 4 s pause, heartbeat 1 s
    assert not any("noise" in line for line in shown), shown
    assert log.read_text().splitlines() == ["Step 1/2 : FROM x", "noise", "Step 2/2 : RUN y"]
    assert "changed=1" in result.stdout


def test_a_failing_command_fails_the_task_with_its_tail(tmp_path: Path) -> None:
    result = _play(tmp_path, {"argv": ["sh", "-c", "echo 'cannot reach mirror'; exit 3"], "label": "build"})
    assert result.returncode != 0
    assert "build failed (rc 3)" in result.stdout, result.stdout
    assert "cannot reach mirror" in result.stdout


def test_a_command_over_its_timeout_is_killed(tmp_path: Path) -> None:
    result = _play(tmp_path, {"argv": ["sleep", "30"], "timeout": 1, "label": "slow"})
    assert result.returncode != 0
    assert "slow did not finish within 1 s" in result.stdout, result.stdout


def test_check_mode_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    result = _play(tmp_path, {"argv": ["touch", str(marker)], "label": "touch"}, "--check")
    assert result.returncode == 0, result.stdout
    assert "check mode: would run touch" in result.stdout
    assert not marker.exists()


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    result = _play(tmp_path, {"argv": ["true"], "heartbeat": "soon"})
    assert result.returncode != 0
    assert "heartbeat" in result.stdout, result.stdout
