"""kstore.platform.ecr_repository_tags: the real module code against the real emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import ecr_repository_tags

NAME = "shop-dev-prestashop"
MUTATING = ("ecr:TagResource", "ecr:UntagResource")


@pytest.fixture()
def ecr(clean_emulator: Any) -> Any:
    return boto3.client("ecr", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def tags(run_module: Callable[..., dict], clean_emulator: Any) -> Callable[..., dict]:
    def run(check_mode: bool = False, **args: Any) -> dict:
        return run_module(
            ecr_repository_tags.main, {"name": NAME, "region": "eu-west-1", **args}, check_mode=check_mode, diff=True
        )

    return run


def tags_of(ecr: Any, arn: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in ecr.list_tags_for_resource(resourceArn=arn)["tags"]}


def test_read_only_without_tags(tags: Callable[..., dict], ecr: Any, clean_emulator: Any) -> None:
    assert tags() == {"changed": False, "repository": {}, "tags": {}, "invocation": tags()["invocation"]}
    kms = boto3.client("kms", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    ecr.create_repository(repositoryName=NAME, encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key})
    result = tags()
    assert result["changed"] is False
    assert result["repository"]["encryption_configuration"] == {"encryption_type": "KMS", "kms_key": key}
    assert result["repository"]["repository_name"] == NAME


def test_set_change_purge(tags: Callable[..., dict], ecr: Any, clean_emulator: Any) -> None:
    arn = ecr.create_repository(repositoryName=NAME, tags=[{"Key": "Old", "Value": "x"}])["repository"]["repositoryArn"]
    result = tags(check_mode=True, tags={"Platform": "shop"})
    assert (result["changed"], result["tags"]) == (True, {"Platform": "shop"})
    assert result["diff"] == {"before": {"tags": {"Old": "x"}}, "after": {"tags": {"Platform": "shop"}}}
    assert tags_of(ecr, arn) == {"Old": "x"}

    assert tags(tags={"Platform": "shop"})["changed"] is True
    assert tags_of(ecr, arn) == {"Platform": "shop"}

    clean_emulator.reset_requests()
    assert tags(tags={"Platform": "shop"})["changed"] is False
    assert tags(tags={"Extra": "1"}, purge_tags=False, check_mode=True)["tags"] == {"Platform": "shop", "Extra": "1"}
    assert {a: n for a, n in clean_emulator.requests()["by_action"].items() if a in MUTATING} == {}


def test_missing_repository(tags: Callable[..., dict]) -> None:
    planned = tags(check_mode=True, tags={"Platform": "shop"})
    assert (planned["changed"], planned["repository"], planned["tags"]) == (True, {}, {"Platform": "shop"})
    failed = tags(tags={"Platform": "shop"})
    assert failed["failed"] is True
    assert "does not exist" in failed["msg"]
