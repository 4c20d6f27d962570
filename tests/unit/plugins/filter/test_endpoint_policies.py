"""kstore.platform.endpoint_policies (and module_utils.endpoint_policy): no endpoint with full access."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.endpoint_policies import FilterModule, endpoint_policies
from ansible_collections.kstore.platform.plugins.module_utils.endpoint_policy import is_full_access

ACCOUNT = "123456789012"
AWS_DEFAULT = {
    "Version": "2008-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}


def build(keys: list[str], **kwargs: Any) -> dict[str, dict[str, Any]]:
    kwargs.setdefault("buckets", ["shop-prod-*"])
    kwargs.setdefault("aws_buckets", ["prod-eu-west-1-starport-layer-bucket", "al2023-repos-eu-west-1-de612dc2"])
    return endpoint_policies(keys, ACCOUNT, kwargs.pop("region", "eu-west-1"), **kwargs)


def test_interface_endpoints_serve_this_account_only() -> None:
    policies = build(["ssm", "logs", "ecr_dkr"])
    assert set(policies) == {"ssm", "logs", "ecr_dkr"}
    for policy in policies.values():
        (statement,) = policy["Statement"]
        assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
        assert not is_full_access(policy)


def test_s3_endpoint_platform_buckets_and_aws_owned_reads() -> None:
    policy = build(["s3"])["s3"]
    own, aws = policy["Statement"]
    assert own["Resource"] == ["arn:aws:s3:::shop-prod-*", "arn:aws:s3:::shop-prod-*/*"]
    assert own["Condition"]["StringEquals"] == {"aws:PrincipalAccount": ACCOUNT, "aws:ResourceAccount": ACCOUNT}
    assert aws["Action"] == "s3:GetObject" and "Condition" not in aws
    assert aws["Resource"] == [
        "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
        "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*",
    ]
    assert not is_full_access(policy)


def test_partition_follows_the_region() -> None:
    assert build(["s3"], region="cn-north-1")["s3"]["Statement"][0]["Resource"][0].startswith("arn:aws-cn:s3:::")
    assert "arn:aws-us-gov:s3:::" in build(["s3"], region="us-gov-west-1")["s3"]["Statement"][1]["Resource"][0]


def test_override_replaces_the_built_policy() -> None:
    mine = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "logs:*", "Resource": "*"}]}
    assert build(["logs", "ssm"], overrides={"logs": mine})["logs"] == mine
    assert build(["logs"], overrides={"logs": json.dumps(mine)})["logs"] == mine


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"overrides": {"logs": AWS_DEFAULT}}, "grants full access"),
        (
            {
                "overrides": {
                    "logs": {
                        "Statement": [
                            {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["*"], "Resource": "*"}
                        ]
                    }
                }
            },
            "grants full access",
        ),
        (
            {
                "overrides": {
                    "logs": {
                        "Statement": [
                            {"Effect": "Allow", "Principal": "*", "NotAction": "logs:Delete*", "Resource": "*"}
                        ]
                    }
                }
            },
            "grants full access",
        ),
        ({"overrides": {"logs": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}, "Principal"),
        ({"overrides": {"logs": "{not json"}}, "not a policy document"),
        ({"overrides": {"logs": {}}}, "with a Statement"),
        ({"overrides": {"cloudwatch": {}}}, "unknown endpoint"),
        ({"buckets": ["Shop_Prod"]}, "network_s3_endpoint_buckets"),
        ({"buckets": ["*"]}, "bare wildcard"),
        ({"aws_buckets": "prod-x"}, "network_s3_endpoint_aws_buckets must be a list"),
        ({"buckets": [], "aws_buckets": []}, "allow nothing"),
    ],
)
def test_bad_settings_fail_naming_the_variable(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        build(["s3", "logs"], **kwargs)


def test_account_must_be_twelve_digits() -> None:
    with pytest.raises(AnsibleFilterError, match="12 digits"):
        endpoint_policies(["ssm"], "12345", "eu-west-1")


@pytest.mark.parametrize(
    ("document", "full"),
    [
        (None, True),  # no policy: AWS's default
        ("", True),
        (json.dumps(AWS_DEFAULT), True),
        (AWS_DEFAULT, True),
        ({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}, True),
        (
            {
                "Statement": [
                    {**AWS_DEFAULT["Statement"][0], "Condition": {"StringEquals": {"aws:PrincipalAccount": "1"}}}
                ]
            },
            False,
        ),
        ({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}, False),
        ({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}, False),
    ],
)
def test_full_access_is_recognised(document: Any, full: bool) -> None:
    assert is_full_access(document) is full


def test_filter_module() -> None:
    assert FilterModule().filters()["endpoint_policies"] is endpoint_policies
