"""``make destroy`` leaves nothing of the local platform behind: not in the emulator, not in the local registry, not
on the Docker engine, not in the checkout's state directory (issue 12, point 8). Runs last: it removes the
platform the other end-to-end tests share."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import urllib.request

import pytest
from e2e_platform import LocalPlatform


@pytest.fixture(scope="module")
def destroyed(local_platform: LocalPlatform) -> LocalPlatform:
    if os.environ.get("KSTORE_E2E_REUSE"):
        pytest.skip("KSTORE_E2E_REUSE: the platform is not ours to destroy")
    result = local_platform.timed("make destroy", ["make", "destroy"])
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    return local_platform


def test_emulator_holds_nothing_of_the_platform(destroyed: LocalPlatform) -> None:
    # What AWS itself keeps visible for a while after removal (keys and secrets pending deletion, deleted NAT
    # gateways, terminated instances, inactive ECS objects) is judged by the bench's check, the one implementation.
    spec = importlib.util.spec_from_file_location("kstore_bench", destroyed.root / "tools/bench.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # its dataclasses look their module up there
    spec.loader.exec_module(bench)
    platform = {"platform_name": "kstore", "platform_env": "local"}
    assert bench.tagged_leftovers(platform, destroyed.emulator_url) == []
    ec2 = destroyed.boto3_client("ec2")
    assert ec2.describe_vpcs(Filters=[{"Name": "tag:Platform", "Values": ["kstore"]}])["Vpcs"] == []
    assert destroyed.boto3_client("rds").describe_db_instances()["DBInstances"] == []
    assert destroyed.boto3_client("efs").describe_file_systems()["FileSystems"] == []
    assert destroyed.boto3_client("ecr").describe_repositories()["repositories"] == []
    secrets = destroyed.boto3_client("secretsmanager").list_secrets(IncludePlannedDeletion=True)["SecretList"]
    assert secrets == [], [s["Name"] for s in secrets]  # none waits out a recovery window either


def test_local_registry_forgot_the_repository(destroyed: LocalPlatform) -> None:
    url = f"http://127.0.0.1:{destroyed.env['KSTORE_REGISTRY_PORT']}/v2/_catalog"
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert json.load(resp)["repositories"] == []
    blobs = destroyed.state_dir / "registry/data/docker/registry/v2/blobs"
    assert not blobs.exists() or not any(p.is_file() for p in blobs.rglob("data")), "blobs left on disk"


def test_docker_engine_holds_nothing_of_this_checkout(destroyed: LocalPlatform) -> None:
    """Golden images, the release stage's untagged image, the MariaDB test image and the smoke containers carry
    this checkout's instance (platform + a hash of its build directory, roles/golden_image/vars/main.yml)."""
    build_dir = destroyed.state_dir / "golden_image"
    instance = "kstore-local-" + hashlib.sha256(str(build_dir).encode()).hexdigest()[:8]

    def docker(*args: str) -> list[str]:
        out = subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout
        return [line for line in out.splitlines() if line.strip()]

    label = f"label=io.kstore.platform.instance={instance}"
    assert docker("image", "ls", "-a", "--filter", label, "--format", "{{.ID}} {{.Repository}}:{{.Tag}}") == []
    assert docker("ps", "-a", "--filter", f"name={instance}", "--format", "{{.Names}}") == []
    assert docker("network", "ls", "--filter", f"name={instance}", "--format", "{{.Name}}") == []
    assert not build_dir.exists(), "the image build directory is left"
