"""AWS Backup UpdateBackupPlan (fidelity/backup_update_plan)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _plan(rule: str, schedule: str) -> dict[str, Any]:
    return {
        "BackupPlanName": "daily",
        "Rules": [{"RuleName": rule, "TargetBackupVaultName": "shop", "ScheduleExpression": schedule}],
    }


def test_update_replaces_document_and_version(aws: Callable[[str], Any]) -> None:
    backup = aws("backup")
    backup.create_backup_vault(BackupVaultName="shop")
    created = backup.create_backup_plan(BackupPlan=_plan("nightly", "cron(0 3 * * ? *)"))
    updated = backup.update_backup_plan(
        BackupPlanId=created["BackupPlanId"], BackupPlan=_plan("early", "cron(0 1 * * ? *)")
    )
    assert updated["BackupPlanId"] == created["BackupPlanId"]
    assert updated["BackupPlanArn"] == created["BackupPlanArn"]
    assert updated["VersionId"] != created["VersionId"]

    plan = backup.get_backup_plan(BackupPlanId=created["BackupPlanId"])
    assert plan["VersionId"] == updated["VersionId"]
    (rule,) = plan["BackupPlan"]["Rules"]
    assert (rule["RuleName"], rule["ScheduleExpression"]) == ("early", "cron(0 1 * * ? *)")
    assert rule["StartWindowMinutes"] == 480  # defaults applied as on create


def test_update_unknown_plan(aws: Callable[[str], Any]) -> None:
    with pytest.raises(ClientError) as error:
        aws("backup").update_backup_plan(BackupPlanId="0" * 36, BackupPlan=_plan("r", "cron(0 1 * * ? *)"))
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
