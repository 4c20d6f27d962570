"""Interruption-safe creates (issue 17): a run killed between two calls that make one resource leaves the first
call's result behind; the next run adopts it, never duplicates it, and ``absent`` removes it.

The KMS key: CreateKey (the tier's tags are set there) then CreateAlias. The interrupted state is made through boto3
(a key with the tier's tags and no alias), as the killed run leaves it."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

PlaybookRun = Callable[..., subprocess.CompletedProcess]

# A network tier as small as it goes (the security tier needs its VPC): no NAT gateway, endpoint or flow logs.
NETWORK_VARS = {
    "network_nat_mode": "none",
    "network_flow_logs_enabled": False,
    "network_endpoints": dict.fromkeys(
        ("s3", "ssm", "ssmmessages", "ec2messages", "ecr_api", "ecr_dkr", "logs", "secretsmanager"), False
    ),
}

TAGS = {
    "Platform": "kstore",
    "Environment": "local",
    "Component": "security",
    "ManagedBy": "kstore.platform",
    "CostCenter": "local",
    "Name": "kstore-local-key",
}
ALIAS = "alias/kstore-local"


def _recap(result: subprocess.CompletedProcess) -> dict[str, int]:
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    recap = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", result.stdout)
    assert recap, result.stdout[-2000:]
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, recap.groups()), strict=True))


def _tagged_keys(kms: Any) -> list[dict[str, Any]]:
    """Every key carrying the tier's four platform tags, with its state and aliases."""
    aliases: dict[str, list[str]] = {}
    for alias in kms.list_aliases()["Aliases"]:
        if "TargetKeyId" in alias:
            aliases.setdefault(alias["TargetKeyId"], []).append(alias["AliasName"])
    found = []
    for key in kms.list_keys()["Keys"]:
        tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]}
        if all(tags.get(k) == TAGS[k] for k in ("Platform", "Environment", "Component", "ManagedBy")):
            state = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"]
            found.append({"id": key["KeyId"], "state": state, "aliases": aliases.get(key["KeyId"], [])})
    return found


def _interrupted_create(kms: Any, description: str) -> str:
    tags = [{"TagKey": k, "TagValue": v} for k, v in TAGS.items()]
    return kms.create_key(Description=description, Tags=tags)["KeyMetadata"]["KeyId"]


def test_a_key_left_without_alias_is_adopted_and_removed_by_absent(
    run_playbook: PlaybookRun, clean_emulator: Any, tmp_path: Path
) -> None:
    _recap(run_playbook("playbooks/network.yml", NETWORK_VARS))
    kms = boto3.client("kms", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    # Two runs killed between CreateKey and CreateAlias: the first key is adopted, the second one is surplus.
    first = _interrupted_create(kms, "killed run 1")
    second = _interrupted_create(kms, "killed run 2")

    converge = _recap(run_playbook("playbooks/security.yml", NETWORK_VARS))
    assert converge["failed"] == 0
    keys = {k["id"]: k for k in _tagged_keys(kms)}
    assert set(keys) == {first, second}, keys  # no third key
    assert keys[first] == {"id": first, "state": "Enabled", "aliases": [ALIAS]}
    assert keys[second]["state"] == "PendingDeletion" and keys[second]["aliases"] == []
    assert kms.describe_key(KeyId=ALIAS)["KeyMetadata"]["KeyId"] == first

    assert _recap(run_playbook("playbooks/security.yml", NETWORK_VARS))["changed"] == 0

    # absent: interrupted again (a key without alias), then the tier removed: every tagged key is pending deletion
    third = _interrupted_create(kms, "killed run 3")
    _recap(run_playbook("playbooks/security.yml", {**NETWORK_VARS, "security_state": "absent"}))
    keys = {k["id"]: k for k in _tagged_keys(kms)}
    assert set(keys) == {first, second, third}
    assert {k["state"] for k in keys.values()} == {"PendingDeletion"}, json.dumps(keys)
    assert [a["AliasName"] for a in kms.list_aliases()["Aliases"] if a["AliasName"] == ALIAS] == []
