"""RDS DescribeDBParameterGroups for a missing name raises DBParameterGroupNotFound (rds_param_group_not_found)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_missing_group_raises_not_found(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="shop", DBParameterGroupFamily="mariadb10.11", Description="shop"
    )
    named = rds.describe_db_parameter_groups(DBParameterGroupName="shop")["DBParameterGroups"]
    assert [g["DBParameterGroupName"] for g in named] == ["shop"]
    assert [g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]] == ["shop"]

    with pytest.raises(ClientError) as error:
        rds.describe_db_parameter_groups(DBParameterGroupName="missing")
    assert error.value.response["Error"]["Code"] == "DBParameterGroupNotFound"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
