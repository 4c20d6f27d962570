"""AWS Backup UpdateBackupPlan.

AWS behaviour restored: ``UpdateBackupPlan`` (``POST /backup/plans/{backupPlanId}``) replaces the plan document
of an existing plan, gives it a new ``VersionId`` and answers ``BackupPlanId``, ``BackupPlanArn``,
``CreationDate``, ``VersionId`` and ``AdvancedBackupSettings``; an unknown (or deleted) plan id fails with
``ResourceNotFoundException``. Rules get the same defaults as on CreateBackupPlan. moto 5.2.5 does not
implement it (HTTP 500).

Needed by: ``amazon.aws.backup_plan``, which calls UpdateBackupPlan whenever the plan exists and differs.
"""

from __future__ import annotations

import json
from typing import Any

from ._patching import patch


def update_backup_plan(self: Any) -> str:
    from moto.backup.exceptions import ResourceNotFoundException
    from moto.backup.models import Plan

    backend = self.backup_backend
    plan_id = self.path.rstrip("/").split("/")[-1]
    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise ResourceNotFoundException(msg="Failed reading Backup plan with provided version")
    document = json.loads(self.body or "{}")["BackupPlan"]
    # A throw-away Plan applies moto's rule defaults (schedule, windows, rule ids) and draws a new version id.
    draft = Plan(backup_plan=document, creator_request_id=plan.creator_request_id, backend=backend)
    plan.backup_plan = draft.backup_plan
    plan.advanced_backup_settings = draft.advanced_backup_settings
    plan.version_id = draft.version_id
    return json.dumps(plan.to_dict())


def apply() -> None:
    from moto.backup.responses import BackupResponse

    patch(BackupResponse, "update_backup_plan", __name__, lambda _original: update_backup_plan)
