"""RDS DescribeDBParameterGroups for a missing name raises DBParameterGroupNotFound.

AWS behaviour restored: ``DescribeDBParameterGroups`` with ``DBParameterGroupName`` naming no group fails with
``DBParameterGroupNotFound`` (HTTP 404, "DBParameterGroupName doesn't refer to an existing DB parameter group").
moto 5.2.5 answers an empty ``DBParameterGroups`` list instead.

Needed by: ``amazon.aws.rds_instance_param_group``, which treats DBParameterGroupNotFound as "absent"; on plain
moto it takes the empty answer for an existing group and fails indexing it.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.rds.models import RDSBackend

    def make(original: Any) -> Any:
        def describe_db_parameter_groups(self: RDSBackend, db_parameter_group_kwargs: dict[str, Any]) -> Any:
            groups = original(self, db_parameter_group_kwargs)
            name = db_parameter_group_kwargs.get("db_parameter_group_name")
            if name and not groups:
                raise DBParameterGroupNotFoundError(name)
            return groups

        return describe_db_parameter_groups

    patch(RDSBackend, "describe_db_parameter_groups", __name__, make)
