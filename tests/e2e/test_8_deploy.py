"""The README's local deploy recipe, as written (issue 12, point 7). Runs after the read-only tests: it changes the
image the shared platform runs."""

from __future__ import annotations

import json
import re
import subprocess

from e2e_platform import LocalPlatform


def test_local_deploy_recipe(local_platform: LocalPlatform) -> None:
    """The README's local deploy, as written: a new version of the stand-in, no checksum to compute."""
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
