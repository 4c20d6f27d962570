"""AWS Backup DescribeBackupVault on a missing vault answers AccessDeniedException.

AWS behaviour restored: ``DescribeBackupVault`` for a vault name that does not exist fails with
``AccessDeniedException`` (HTTP 403, "Insufficient privileges to perform this action."), even for a caller
allowed to describe vaults; the API reference lists ResourceNotFoundException, but the service has answered
this way since launch (aws/aws-sdk-js#2625, relied on by ansible-collections/amazon.aws#1436). moto 5.2.5
answers ``ResourceNotFoundException``.

Needed by: ``amazon.aws.backup_vault``, which takes AccessDeniedException as "the vault does not exist" and
fails on any other error, so on plain moto it cannot create a vault.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.backup.models import BackupBackend
    from moto.core.exceptions import JsonRESTError

    class AccessDeniedException(JsonRESTError):
        code = 403

        def __init__(self) -> None:
            super().__init__("AccessDeniedException", "Insufficient privileges to perform this action.")

    def make(original: Any) -> Any:
        def describe_backup_vault(self: BackupBackend, backup_vault_name: str) -> Any:
            if backup_vault_name not in self.vaults:
                raise AccessDeniedException()
            return original(self, backup_vault_name)

        return describe_backup_vault

    patch(BackupBackend, "describe_backup_vault", __name__, make)
