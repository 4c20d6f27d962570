"""kms_key_adoption: the platform key among the tier's tagged keys, and what an interrupted run left behind."""

from __future__ import annotations

from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.kms_key_adoption import kms_key_adoption

ALIAS = "alias/kstore-local"


def key(key_id: str, aliases: list[str], created: str, state: str = "Enabled", manager: str = "CUSTOMER") -> dict:
    return {
        "key_id": key_id,
        "key_arn": f"arn:aws:kms:eu-west-1:123456789012:key/{key_id}",
        "aliases": aliases,
        "creation_date": created,
        "key_state": state,
        "key_manager": manager,
    }


def test_nothing_tagged_creates() -> None:
    assert kms_key_adoption([], ALIAS) == {"key_id": "", "adopted": False, "surplus": []}


def test_the_aliased_key_is_managed_and_un_aliased_ones_are_surplus() -> None:
    keys = [key("b", [], "2026-01-02"), key("a", ["kstore-local"], "2026-01-01")]
    assert kms_key_adoption(keys, ALIAS) == {
        "key_id": "a",
        "adopted": False,
        "surplus": ["arn:aws:kms:eu-west-1:123456789012:key/b"],
    }


def test_an_interrupted_runs_key_is_adopted_the_oldest_first() -> None:
    keys = [key("new", [], "2026-01-03"), key("old", [], "2026-01-01")]
    assert kms_key_adoption(keys, "kstore-local") == {
        "key_id": "old",
        "adopted": True,
        "surplus": ["arn:aws:kms:eu-west-1:123456789012:key/new"],
    }


@pytest.mark.parametrize(
    "other",
    [
        key("x", [], "2026-01-01", state="PendingDeletion"),
        key("x", ["someone-elses"], "2026-01-01"),
        key("x", [], "2026-01-01", manager="AWS"),
    ],
)
def test_keys_pending_deletion_with_another_alias_or_aws_managed_are_left_alone(other: dict[str, Any]) -> None:
    assert kms_key_adoption([other], ALIAS) == {"key_id": "", "adopted": False, "surplus": []}


@pytest.mark.parametrize(("keys", "alias"), [("keys", ALIAS), ([], "")])
def test_refuses_bad_input(keys: Any, alias: str) -> None:
    with pytest.raises(AnsibleFilterError):
        kms_key_adoption(keys, alias)
