"""RDS DescribeDBParameters lists the family's defaults; ModifyDBParameterGroup checks names
(rds_engine_default_parameters)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

AnsibleRuns = Callable[..., list[dict[str, Any]]]


def _parameters(rds: Any, **kwargs: Any) -> dict[str, dict[str, Any]]:
    pages = rds.get_paginator("describe_db_parameters").paginate(DBParameterGroupName="shop", **kwargs)
    return {p["ParameterName"]: p for page in pages for p in page["Parameters"]}


def test_new_group_lists_the_family_defaults(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    rds.create_db_parameter_group(DBParameterGroupName="shop", DBParameterGroupFamily="mariadb10.11", Description="s")
    listed = _parameters(rds)
    secure = listed["require_secure_transport"]
    assert (secure["DataType"], secure["IsModifiable"], secure["Source"]) == ("boolean", True, "engine-default")
    assert listed["long_query_time"]["DataType"] == "float"
    assert "ParameterValue" not in listed["character_set_server"]
    assert (listed["datadir"]["IsModifiable"], listed["datadir"]["Source"]) == (False, "system")
    assert _parameters(rds, Source="user") == {}


def test_modified_values_are_merged_as_user_values(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    rds.create_db_parameter_group(DBParameterGroupName="shop", DBParameterGroupFamily="mariadb10.11", Description="s")
    rds.modify_db_parameter_group(
        DBParameterGroupName="shop",
        Parameters=[{"ParameterName": "require_secure_transport", "ParameterValue": "1", "ApplyMethod": "immediate"}],
    )
    user = _parameters(rds, Source="user")
    assert list(user) == ["require_secure_transport"]
    assert (user["require_secure_transport"]["ParameterValue"], user["require_secure_transport"]["DataType"]) == (
        "1",
        "boolean",
    )
    assert "require_secure_transport" not in _parameters(rds, Source="engine-default")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("no_such_parameter", "Could not find parameter with name: no_such_parameter"),
        ("datadir", "The parameter datadir cannot be modified."),
    ],
)
def test_unknown_or_system_parameters_are_refused(aws: Callable[[str], Any], name: str, message: str) -> None:
    rds = aws("rds")
    rds.create_db_parameter_group(DBParameterGroupName="shop", DBParameterGroupFamily="mariadb10.11", Description="s")
    with pytest.raises(ClientError) as error:
        rds.modify_db_parameter_group(
            DBParameterGroupName="shop",
            Parameters=[{"ParameterName": name, "ParameterValue": "1", "ApplyMethod": "immediate"}],
        )
    assert error.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert error.value.response["Error"]["Message"] == message
    assert _parameters(rds, Source="user") == {}


def test_require_secure_transport_is_a_mariadb_105_parameter(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    rds.create_db_parameter_group(DBParameterGroupName="shop", DBParameterGroupFamily="mariadb10.4", Description="s")
    listed = _parameters(rds)
    assert "character_set_server" in listed
    assert "require_secure_transport" not in listed


def test_the_amazon_aws_module_sets_the_parameters_once(aws: Callable[[str], Any], ansible_runs: AnsibleRuns) -> None:
    args = {
        "name": "shop",
        "engine": "mariadb10.11",
        "description": "shop",
        "params": {
            "require_secure_transport": "1",
            "slow_query_log": "1",
            "long_query_time": "2",
            "character_set_server": "utf8mb4",
        },
        "immediate": False,
        "state": "present",
        "region": "eu-west-1",
    }
    first, second = ansible_runs("amazon.aws.rds_instance_param_group", args, args)
    assert (first["changed"], first.get("errors")) == (True, [])
    assert (second["changed"], second.get("errors")) == (False, [])
    user = _parameters(aws("rds"), Source="user")
    assert {k: v["ParameterValue"] for k, v in user.items()} == {
        "require_secure_transport": "1",
        "slow_query_log": "1",
        "long_query_time": "2",
        "character_set_server": "utf8mb4",
    }
