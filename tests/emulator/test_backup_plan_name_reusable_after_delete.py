"""AWS Backup: a deleted plan's name can be used again by CreateBackupPlan (backup_plan_name_reusable_after_delete)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

PLAN = {
    "BackupPlanName": "shop-plan",
    "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "shop-vault", "ScheduleExpression": "cron(0 3 ? * * *)"}],
}


def test_name_reusable_after_delete_but_not_before(aws: Callable[[str], Any]) -> None:
    backup = aws("backup")
    backup.create_backup_vault(BackupVaultName="shop-vault")
    first = backup.create_backup_plan(BackupPlan=PLAN)["BackupPlanId"]

    with pytest.raises(ClientError) as error:
        backup.create_backup_plan(BackupPlan=PLAN)
    assert error.value.response["Error"]["Code"] == "AlreadyExistsException"

    backup.delete_backup_plan(BackupPlanId=first)
    second = backup.create_backup_plan(BackupPlan=PLAN)["BackupPlanId"]
    assert second != first
    live = backup.list_backup_plans()["BackupPlansList"]
    assert [plan["BackupPlanId"] for plan in live] == [second]
    every = backup.list_backup_plans(IncludeDeleted=True)["BackupPlansList"]
    assert sorted(plan["BackupPlanId"] for plan in every) == sorted([first, second])
