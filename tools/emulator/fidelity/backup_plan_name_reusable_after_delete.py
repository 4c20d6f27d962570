"""AWS Backup: a deleted plan's name can be used again by CreateBackupPlan.

AWS behaviour restored: ``DeleteBackupPlan`` deletes the plan (it then appears only in
``ListBackupPlans(IncludeDeleted=true)`` with a ``DeletionDate``), and ``CreateBackupPlan`` with the same
``BackupPlanName`` creates a new plan with a new ``BackupPlanId``; ``AlreadyExistsException`` is raised only for a
plan of that name that is not deleted. moto 5.2.5 keeps deleted plans in its name check, so a plan removed and
built again fails with AlreadyExistsException ("Backup plan with the same plan document already exists").

Needed by: ``amazon.aws.backup_plan`` after a ``state: absent`` run (the backup role's destroy, then converge).
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.backup.models import BackupBackend

    def make(original: Any) -> Any:
        def create_backup_plan(self: BackupBackend, backup_plan: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            name = backup_plan["BackupPlanName"]
            deleted = {
                plan_id: plan
                for plan_id, plan in self.plans.items()
                if plan.deletion_date is not None and plan.backup_plan["BackupPlanName"] == name
            }
            for plan_id in deleted:
                del self.plans[plan_id]
            try:
                return original(self, backup_plan, *args, **kwargs)
            finally:
                self.plans.update(deleted)

        return create_backup_plan

    patch(BackupBackend, "create_backup_plan", __name__, make)
