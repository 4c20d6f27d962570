"""The README's local deploy recipe, as written (issue 12, point 7). Runs after the read-only tests: it changes the
image the shared platform runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from e2e_platform import ROOT, TIMINGS, LocalPlatform

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.edge_load import run as load


@contextmanager
def shop_under_load(local_platform: LocalPlatform, name: str) -> Iterator[Callable[[], dict[str, Any]]]:
    """A bounded request loop on the shop through the local edge (tools/edge_load.py: at most 1200 requests, 15
    minutes, 2 per second: under the WAF's rate limit) for the duration of the block; yields a function that stops
    it and returns its figures, also printed and kept in the e2e timings."""
    summary = json.loads((local_platform.state_dir / "summary.json").read_text())
    ca = local_platform.state_dir / "dataplane" / "ca" / "ca.pem"
    stop, figures = threading.Event(), {}
    worker = threading.Thread(
        target=lambda: figures.update(
            load(summary["edge"]["shop_url"], ca, requests=1200, seconds=900, rate=2, workers=2, stop=stop)
        ),
        daemon=True,
    )
    worker.start()

    def finish() -> dict[str, Any]:
        stop.set()
        worker.join(timeout=60)
        print(f"\nedge-load during {name}: {json.dumps(figures, sort_keys=True)}")
        TIMINGS[f"load: {name}"] = figures
        return figures

    try:
        yield finish
    finally:
        stop.set()


def test_local_deploy_recipe(local_platform: LocalPlatform) -> None:
    """The README's local deploy, as written: a new version of the stand-in, no checksum to compute. Issue 14: while
    a request loop hits the shop through the local edge, no request fails, the old and then the new version answer
    (the old task is deregistered and drained before it stops; the new one gets traffic once healthy)."""
    with shop_under_load(local_platform, "deploy") as finish:
        result = local_platform.timed(
            "local deploy",
            [
                ".venv/bin/ansible-playbook",
                "playbooks/deploy.yml",
                "-i",
                "inventories/local",
                "-e",
                "prestashop_version=9.0.2-standin",
            ],
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
        time.sleep(8)  # past the old task's deregistration delay (the local inventory's 5 s): it is gone
        figures = finish()
    assert figures["failures"] == 0, figures
    assert figures["requests"] >= 20 and figures["last_version"] == "9.0.2-standin", figures
    assert set(figures["versions"]) == {"9.0.1-standin", "9.0.2-standin"}, figures
    ecs = local_platform.boto3_client("ecs")
    service = ecs.describe_services(cluster="kstore-local-cluster", services=["kstore-local-shop"])["services"][0]
    task_def = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    images = {c["image"] for c in task_def["containerDefinitions"]}
    assert any(re.search(r"/kstore-local-prestashop@sha256:[0-9a-f]{64}$", image) for image in images), images
    tags = subprocess.run(
        [
            "curl",
            "-fsS",
            f"http://127.0.0.1:{local_platform.env['KSTORE_REGISTRY_PORT']}/v2/kstore-local-prestashop/tags/list",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "9.0.2-standin" in json.loads(tags.stdout)["tags"], tags.stdout


def _service(local_platform: LocalPlatform) -> dict:
    ecs = local_platform.boto3_client("ecs")
    return ecs.describe_services(cluster="kstore-local-cluster", services=["kstore-local-shop"])["services"][0]


def test_a_deploy_whose_tasks_fail_is_rolled_back_by_the_circuit_breaker_and_the_next_converge_recovers(
    local_platform: LocalPlatform,
) -> None:
    """Issue 13: tasks that really fail (Apache cannot start: its port setting is not a number) make the deployment
    circuit breaker fail the deployment and roll back; the run fails saying so; fixing the input recovers."""
    before = _service(local_platform)["taskDefinition"]
    ecs = local_platform.boto3_client("ecs")
    image = ecs.describe_task_definition(taskDefinition=before)["taskDefinition"]["containerDefinitions"][0]["image"]
    tier = [
        ".venv/bin/ansible-playbook",
        "playbooks/service.yml",
        "-i",
        "inventories/local",
        "-e",
        f"service_image={image}",
    ]
    with shop_under_load(local_platform, "failed deploy and rollback") as finish:
        broken = local_platform.timed(
            "service tier with failing tasks",
            [*tier, "-e", '{"service_environment": {"APACHE_LISTEN_PORT": "not-a-port"}}'],
        )
        figures = finish()
    # the failing tasks never became targets: the shop kept answering with the version that works
    assert figures["failures"] == 0 and figures["requests"] >= 20, figures
    assert set(figures["versions"]) == {"9.0.2-standin"}, figures
    output = broken.stdout + broken.stderr
    assert broken.returncode != 0, output[-4000:]
    assert "circuit breaker" in output and "FAILED" in output, output[-4000:]
    stopped = ecs.list_tasks(cluster="kstore-local-cluster", desiredStatus="STOPPED")["taskArns"]
    reasons = {
        t["stoppedReason"]
        for t in ecs.describe_tasks(cluster="kstore-local-cluster", tasks=stopped)["tasks"]
        if t["group"] == "service:kstore-local-shop"
    }
    assert "Essential container in task exited" in reasons, reasons
    service = _service(local_platform)
    assert service["taskDefinition"] == before, "rolled back to the task definition that worked"
    # the rollback deployment completes once its tasks are healthy (the failed deployment stays listed until then)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not (
        len(service["deployments"]) == 1 and service["deployments"][0]["rolloutState"] == "COMPLETED"
    ):
        time.sleep(3)
        service = _service(local_platform)
    assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED"], service["deployments"]
    recovered = local_platform.timed("service tier after the fix", tier)
    assert recovered.returncode == 0, (recovered.stdout + recovered.stderr)[-6000:]
    (primary,) = [d for d in _service(local_platform)["deployments"] if d["status"] == "PRIMARY"]
    assert primary["rolloutState"] == "COMPLETED" and primary["runningCount"] >= 1, primary
