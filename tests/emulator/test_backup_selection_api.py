"""AWS Backup selection APIs (fidelity/backup_selection_api)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/backup"


def _plan_id(backup: Any) -> str:
    backup.create_backup_vault(BackupVaultName="shop")
    plan = {"BackupPlanName": "daily", "Rules": [{"RuleName": "nightly", "TargetBackupVaultName": "shop"}]}
    return backup.create_backup_plan(BackupPlan=plan)["BackupPlanId"]


def test_selection_lifecycle(aws: Callable[[str], Any]) -> None:
    backup = aws("backup")
    plan_id = _plan_id(backup)
    selection = {"SelectionName": "rds", "IamRoleArn": ROLE, "Resources": ["arn:aws:rds:eu-west-1:123456789012:db:a"]}
    created = backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=selection)
    assert created["BackupPlanId"] == plan_id

    listed = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    assert [(s["SelectionId"], s["SelectionName"], s["IamRoleArn"]) for s in listed] == [
        (created["SelectionId"], "rds", ROLE)
    ]

    got = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
    assert got["BackupSelection"]["Resources"] == selection["Resources"]
    assert got["BackupSelection"]["ListOfTags"] == []
    assert got["BackupSelection"]["NotResources"] == []
    assert got["BackupSelection"]["Conditions"] == {
        "StringEquals": [],
        "StringNotEquals": [],
        "StringLike": [],
        "StringNotLike": [],
    }

    with pytest.raises(ClientError) as error:
        backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection=selection)
    assert error.value.response["Error"]["Code"] == "AlreadyExistsException"

    backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
    assert backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"] == []
    with pytest.raises(ClientError) as error:
        backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_list_pages_and_unknown_plan(aws: Callable[[str], Any]) -> None:
    backup = aws("backup")
    plan_id = _plan_id(backup)
    for name in ("a", "b", "c"):
        backup.create_backup_selection(
            BackupPlanId=plan_id, BackupSelection={"SelectionName": name, "IamRoleArn": ROLE}
        )
    first = backup.list_backup_selections(BackupPlanId=plan_id, MaxResults=2)
    assert len(first["BackupSelectionsList"]) == 2
    rest = backup.list_backup_selections(BackupPlanId=plan_id, MaxResults=2, NextToken=first["NextToken"])
    assert [s["SelectionName"] for s in rest["BackupSelectionsList"]] == ["c"] and "NextToken" not in rest

    with pytest.raises(ClientError) as error:
        backup.list_backup_selections(BackupPlanId="0" * 36)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
