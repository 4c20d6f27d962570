"""The README's promise on a machine that has never seen the project (issue 12).

``local_platform`` (conftest.py) removed the base images, copied the working tree without .venv/.state/build and ran
``make up`` there. These tests read that run, run the README's other commands against the converged platform as
written, and check that nothing depends on leftovers of another checkout.
"""

from __future__ import annotations

import json
import re
import subprocess

from e2e_platform import BASE_IMAGES, LocalPlatform


def _recap(output: str) -> dict[str, int]:
    """The PLAY RECAP counters of localhost (the last recap of the output)."""
    found = re.findall(r"^localhost\s*:\s*(.*)$", output, re.MULTILINE)
    assert found, output[-3000:]
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", found[-1])}


def test_make_up_from_nothing(local_platform: LocalPlatform) -> None:
    before = local_platform.runs.get("before")
    if before is None:
        return  # KSTORE_E2E_REUSE: an existing platform, nothing to say about its first run
    assert before == {"base_images_present": [], "venv": False, "state": False}
    first = local_platform.runs["first"]
    out = first.stdout + first.stderr
    assert first.returncode == 0, out[-6000:]
    assert _recap(first.stdout)["failed"] == 0
    # The base image was built (debootstrap) by the preflight, before the first AWS task of the network tier.
    assert "base image debian:bookworm-slim" in out
    assert out.index("base image debian:bookworm-slim") < out.index("kstore.platform.network")
    # The image build showed its steps as they ran.
    assert re.search(r"image build \[\s*\d+s\] Step \d+/\d+ :", out), out[-6000:]
    for image in BASE_IMAGES:
        subprocess.run(["docker", "image", "inspect", image], check=True, capture_output=True)
    assert (local_platform.root / ".venv/bin/ansible-playbook").exists()
    # All local state of the checkout lives in its own state directory.
    assert (local_platform.state_dir / "golden_image/build.log").is_file()
    assert list((local_platform.state_dir / "release").glob("prestashop-standin-*.zip"))


def test_second_make_up_changes_and_rebuilds_nothing(local_platform: LocalPlatform) -> None:
    second = local_platform.timed("make up (second run)", ["make", "up"])
    out = second.stdout + second.stderr
    assert second.returncode == 0, out[-6000:]
    recap = _recap(second.stdout)
    assert recap["changed"] == 0 and recap["failed"] == 0, recap
    assert "image build [" not in out and "base image debian" not in out
    assert "venv up to date" in out


def test_make_audit_writes_its_report(local_platform: LocalPlatform) -> None:
    result = local_platform.timed("make audit", ["make", "audit"])
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    report = json.loads((local_platform.root / "build/audit.json").read_text())
    assert report["platform"] == "kstore-local"
    controls = report["controls"]
    assert [row for row in controls if row["status"] == "fail" and row["required"]] == []
    assert len([row for row in controls if row["status"] == "pass"]) > 40, controls
    # The instances carry the launch template's IMDSv2 setting (fidelity patch): no local exception is needed.
    imds = [row for row in controls if row["control"] == "imdsv2_required"]
    assert imds and all(row["status"] == "pass" for row in imds), imds


def test_ssm_inventory_lists_the_instances(local_platform: LocalPlatform) -> None:
    result = local_platform.run(["ansible-inventory", "-i", "inventories/local/ssm.yml", "--list"], timeout=300)
    assert result.returncode == 0, result.stderr
    inventory = json.loads(result.stdout)
    hosts = inventory["_meta"]["hostvars"]
    assert len(hosts) == 2, hosts
    for host, hostvars in hosts.items():
        # The inventory's own variables do not override the platform's (platform_name is the shop's, not the OS).
        assert hostvars["platform_name"] == "kstore", (host, hostvars["platform_name"])
        assert hostvars["ssm_platform_name"], (host, hostvars)
    graph = local_platform.run(["ansible-inventory", "-i", "inventories/local/ssm.yml", "--graph"], timeout=300)
    assert all(host in graph.stdout for host in hosts), graph.stdout


def test_ops_patch_plan_runs_over_the_ssm_inventory(local_platform: LocalPlatform) -> None:
    result = local_platform.run(
        ["ansible-playbook", "playbooks/ops/patch.yml", "-i", "inventories/local/ssm.yml", "--tags", "plan"],
        timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert _recap(result.stdout)["failed"] == 0
