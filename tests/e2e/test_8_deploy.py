"""The README's local deploy recipe, as written (issue 12, point 7). Runs after the read-only tests: it changes the
image the shared platform runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from e2e_platform import ROOT, TIMINGS, LocalPlatform

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.edge_load import SERVED_BY_RE, fetch
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


CLUSTER, SERVICE = "kstore-local-cluster", "kstore-local-shop"


def _healthy_targets(local_platform: LocalPlatform) -> list[str]:
    elbv2 = local_platform.boto3_client("elbv2")
    (group,) = elbv2.describe_target_groups(Names=["kstore-local-app"])["TargetGroups"]
    health = elbv2.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
    return sorted(t["Target"]["Id"] for t in health if t["TargetHealth"]["State"] == "healthy")


def _log_in(url: str, ca: Path, email: str, password: str) -> tuple[int, str]:
    """The back office's login as a browser does it: GET the form (a session cookie and its CSRF token), POST it
    with the same cookie. Returns the POST's status and the session cookie it leaves."""
    status, headers, body = fetch(url, ca)
    assert status == 200 and 'id="login_form"' in body, (status, body[:500])
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(r'name="_token" value="([0-9a-f]+)"', body)
    assert token, body[:500]
    form = {"_token": token.group(1), "email": email, "passwd": password, "submitLogin": "1"}
    status, headers, _body = fetch(url + "index.php?controller=AdminLogin", ca, form=form, cookie=cookie)
    return status, headers.get("set-cookie", cookie).split(";")[0]


def test_scaling_out_adds_a_target_that_gets_traffic_once_healthy_and_a_session_holds_across_tasks(
    local_platform: LocalPlatform,
) -> None:
    """Issue 14: a higher desired count (what Application Auto Scaling sets on a scale-out) starts a second task;
    the edge sends it traffic once it is healthy, and no request fails meanwhile. Then a back-office login (sessions
    in the cache tier's Redis, no stickiness at the edge) holds on every request, whichever task answers it: the
    login form's CSRF token is issued by one task and checked by the other. The deploys below run with 2 tasks."""
    ecs = local_platform.boto3_client("ecs")
    summary = json.loads((local_platform.state_dir / "summary.json").read_text())
    ca = local_platform.state_dir / "dataplane" / "ca" / "ca.pem"
    assert len(_healthy_targets(local_platform)) == 1
    with shop_under_load(local_platform, "scale out") as finish:
        ecs.update_service(cluster=CLUSTER, service=SERVICE, desiredCount=2)
        deadline, targets = time.monotonic() + 180, []
        while time.monotonic() < deadline and len(targets) < 2:
            time.sleep(2)
            targets = _healthy_targets(local_platform)
        answered: Counter[str] = Counter()
        for _attempt in range(30):  # the edge reloads with the new target: sequential requests reach both
            status, _headers, body = fetch(summary["edge"]["shop_url"], ca)
            served = SERVED_BY_RE.search(body)
            answered[served.group(1) if status == 200 and served else f"HTTP {status}"] += 1
            if len(answered) >= 2:
                break
            time.sleep(1)
        figures = finish()
    assert len(targets) == 2, f"no second healthy target in 180 s: {targets}"
    assert len(answered) == 2 and all(name.startswith("ip-") for name in answered), answered
    assert figures["failures"] == 0 and figures["requests"] >= 10, figures

    secret = local_platform.boto3_client("secretsmanager").get_secret_value(SecretId="kstore/local/admin")
    password = json.loads(secret["SecretString"])["password"]
    admin = summary["edge"]["back_office_url"]
    assert _log_in(admin, ca, "admin@kstore.test", password + "x")[0] == 401, "a wrong password is refused"
    status, cookie = _log_in(admin, ca, "admin@kstore.test", password)
    assert status == 302, status
    served_by: Counter[str] = Counter()
    for _attempt in range(8):
        status, _headers, body = fetch(admin + "index.php?controller=AdminDashboard", ca, cookie=cookie)
        assert status == 200 and '<p id="employee">admin@kstore.test</p>' in body, (status, body[:500])
        served_by[SERVED_BY_RE.search(body).group(1)] += 1
    assert set(served_by) == set(answered), f"the session was served by {served_by}, the shop by {answered}"


def test_local_deploy_recipe(local_platform: LocalPlatform) -> None:
    """The README's local deploy, as written: a new version of the stand-in, no checksum to compute. Issue 14: with
    2 tasks running, while a request loop hits the shop through the local edge, no request fails, the old and then
    the new version answer (the old tasks are deregistered and drained before they stop; the new ones get traffic
    once healthy)."""
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
    # issue 15: the install step of the new version ran the stand-in release's upgrade script on the database, once,
    # and the role printed what it did
    said = " ".join(result.stdout.split())  # Ansible's YAML output wraps long lines
    assert "upgraded the database from PrestaShop 9.0.1 to 9.0.2: 2 statement(s), 1 PHP step(s)" in said, said[-6000:]
    assert figures["failures"] == 0, figures
    assert figures["requests"] >= 20 and figures["last_version"] == "9.0.2-standin", figures
    assert set(figures["versions"]) == {"9.0.1-standin", "9.0.2-standin"}, figures
    assert len(figures["tasks"]) >= 3, f"both old tasks and at least one new one answered: {figures}"
    ecs = local_platform.boto3_client("ecs")
    service = ecs.describe_services(cluster=CLUSTER, services=[SERVICE])["services"][0]
    assert service["desiredCount"] == 2, "the deploy keeps the count auto scaling set"
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
