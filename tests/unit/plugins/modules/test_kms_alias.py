"""kstore.platform.kms_alias: the real module code against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import kms_alias

ALIAS = "alias/shop-dev"
MUTATING = ("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias")


@pytest.fixture()
def kms(clean_emulator: Any) -> Any:
    return boto3.client("kms", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def alias(run_module: Callable[..., dict]) -> Callable[..., dict]:
    def run(check_mode: bool = False, **args: Any) -> dict:
        return run_module(kms_alias.main, {"name": ALIAS, "region": "eu-west-1", **args}, check_mode=check_mode)

    return run


def target_of(kms: Any, name: str) -> str | None:
    return next((a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"] if a["AliasName"] == name), None)


def mutating_calls(emulator: Any) -> dict[str, int]:
    return {action: count for action, count in emulator.requests()["by_action"].items() if action in MUTATING}


def test_create_then_no_change(alias: Callable[..., dict], kms: Any, clean_emulator: Any) -> None:
    key = kms.create_key()["KeyMetadata"]
    assert alias(check_mode=True, target_key_id=key["Arn"])["changed"] is True
    assert target_of(kms, ALIAS) is None

    result = alias(target_key_id=key["Arn"])
    assert result["changed"] is True, result
    assert result["alias"]["target_key_id"] == key["KeyId"]
    assert target_of(kms, ALIAS) == key["KeyId"]

    clean_emulator.reset_requests()
    assert alias(target_key_id=key["KeyId"])["changed"] is False
    assert mutating_calls(clean_emulator) == {}


def test_repoint(alias: Callable[..., dict], kms: Any) -> None:
    first, second = (kms.create_key()["KeyMetadata"]["KeyId"] for _key in range(2))
    kms.create_alias(AliasName=ALIAS, TargetKeyId=first)
    assert alias(name="shop-dev", target_key_id=second)["changed"] is True
    assert target_of(kms, ALIAS) == second


def test_absent(alias: Callable[..., dict], kms: Any, clean_emulator: Any) -> None:
    kms.create_alias(AliasName=ALIAS, TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    assert alias(check_mode=True, state="absent")["changed"] is True
    assert target_of(kms, ALIAS) is not None

    result = alias(state="absent")
    assert (result["changed"], result["alias"]) == (True, {})
    assert target_of(kms, ALIAS) is None

    clean_emulator.reset_requests()
    assert alias(state="absent")["changed"] is False
    assert mutating_calls(clean_emulator) == {}


def test_present_needs_a_key(alias: Callable[..., dict]) -> None:
    result = alias()
    assert result["failed"] is True
    assert "target_key_id" in result["msg"]
