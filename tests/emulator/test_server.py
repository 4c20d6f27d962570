"""tools/emulator/server.py: the request counter and health endpoints, over HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FIDELITY = Path(__file__).resolve().parents[2] / "tools/emulator/fidelity"


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as resp:
        assert resp.headers["Content-Type"] == "application/json"
        return json.load(resp)


def _post(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=5) as resp:
        return json.load(resp)


def test_health_lists_every_patch(emulator: Any) -> None:
    health = _get(f"{emulator.url}/_kstore/health")
    expected = sorted(p.stem for p in FIDELITY.glob("*.py") if not p.stem.startswith("_"))
    assert health == {"status": "ok", "patches": expected}
    assert "ec2_natgateway_tag_resource_type" in health["patches"]


def test_counts_aws_requests_by_service_and_action(aws: Callable[[str], Any], clean_emulator: Any) -> None:
    url = clean_emulator.url
    assert _get(f"{url}/_kstore/requests") == {"total": 0, "by_action": {}}

    ec2 = aws("ec2")
    ec2.describe_vpcs()  # query protocol: Action in the form body
    ec2.describe_vpcs()
    aws("ecs").list_clusters()  # JSON protocol: X-Amz-Target
    aws("efs").describe_file_systems()  # REST protocol: method and path
    _get(f"{url}/_kstore/health")  # neither _kstore ...
    _post(f"{url}/moto-api/reset")  # ... nor moto-api calls are counted

    counts = _get(f"{url}/_kstore/requests")
    assert counts == {
        "total": 4,
        "by_action": {
            "ec2:DescribeVpcs": 2,
            "ecs:ListClusters": 1,
            "elasticfilesystem:GET /2015-02-01/file-systems": 1,
        },
    }


def test_reset_zeroes_the_counter(aws: Callable[[str], Any], clean_emulator: Any) -> None:
    aws("sts").get_caller_identity()
    assert _get(f"{clean_emulator.url}/_kstore/requests")["by_action"] == {"sts:GetCallerIdentity": 1}
    assert _post(f"{clean_emulator.url}/_kstore/requests/reset") == {"total": 0, "by_action": {}}
    assert _get(f"{clean_emulator.url}/_kstore/requests") == {"total": 0, "by_action": {}}


def test_reset_needs_post(clean_emulator: Any) -> None:
    with pytest.raises(urllib.error.HTTPError):
        _get(f"{clean_emulator.url}/_kstore/requests/reset")
    assert _get(f"{clean_emulator.url}/_kstore/requests") == {"total": 0, "by_action": {}}


def test_keeps_answering_after_many_requests(emulator: Any) -> None:
    """Every request is logged to stderr: more than a pipe holds (64 KiB) must not stall the emulator."""
    for _request in range(1100):
        with urllib.request.urlopen(f"{emulator.url}/_kstore/health", timeout=5) as resp:
            assert resp.status == 200
