"""AWS Backup DescribeBackupVault on a missing vault answers AccessDeniedException (backup_vault_not_found_...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_missing_vault_is_access_denied(aws: Callable[[str], Any]) -> None:
    backup = aws("backup")
    backup.create_backup_vault(BackupVaultName="shop")
    assert backup.describe_backup_vault(BackupVaultName="shop")["BackupVaultName"] == "shop"

    with pytest.raises(ClientError) as error:
        backup.describe_backup_vault(BackupVaultName="missing")
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
