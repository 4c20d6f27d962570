"""Every control of kstore.platform.audit_controls: pass when compliant, fail on each breach, skip when absent."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.audit_controls import (
    CONTROLS,
    FilterModule,
    audit_controls,
    audit_table,
)

TAGS = {"Platform": "shop", "Environment": "prod"}
ALB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/shop-prod-alb/1"
FULL = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
ACCOUNT_ONLY = {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}
TLS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ],
}
EFS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "AllowTheTaskRoleThroughTheAccessPoints",
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::1:role/shop-prod-task"]},
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Condition": {"ArnEquals": {"elasticfilesystem:AccessPointArn": ["arn:aws:elasticfilesystem:ap-1"]}},
        },
    ],
}
SECRET_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyOtherAccounts",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "secretsmanager:*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "111111111111"}},
            },
            {
                "Sid": "DenyValueAccessToOthers",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": ["secretsmanager:GetSecretValue"],
                "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/x"]}},
            },
        ],
    }
)


def _trust(service: str, condition: dict | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition is not None:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def compliant() -> dict[str, Any]:
    return {
        "platform_name": "shop",
        "platform_env": "prod",
        "rds_instances": [
            {
                "db_instance_identifier": "shop-prod-db",
                "tags": TAGS,
                "storage_encrypted": True,
                "publicly_accessible": False,
                "multi_az": True,
                "backup_retention_period": 7,
                "deletion_protection": True,
            },
            {"db_instance_identifier": "other-db", "tags": {}, "storage_encrypted": False},
        ],
        "efs": [{"name": "shop-prod-efs", "file_system_id": "fs-1", "tags": TAGS, "encrypted": True}],
        "buckets": [
            {
                "name": "shop-prod-media-1",
                "bucket_encryption": {
                    "ServerSideEncryptionConfiguration": {
                        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
                    }
                },
                "public_access_block": {
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "IgnorePublicAcls": True,
                        "BlockPublicPolicy": True,
                        "RestrictPublicBuckets": True,
                    }
                },
                "bucket_policy": {"Policy": json.dumps(TLS_POLICY)},
                "bucket_logging": {"LoggingEnabled": {"TargetBucket": "shop-prod-logs-1", "TargetPrefix": "s3/"}},
                "bucket_tagging": {"Purpose": "media"},
            }
        ],
        "efs_policies": [{"file_system_id": "fs-1", "name": "shop-prod-efs", "policy": copy.deepcopy(EFS_POLICY)}],
        "iam_roles": [
            {
                "role_name": "shop-prod-backup",
                "assume_role_policy_document": _trust(
                    "backup.amazonaws.com", {"StringEquals": {"aws:SourceAccount": "111111111111"}}
                ),
            },
            {"role_name": "shop-prod-ecs-instance", "assume_role_policy_document": _trust("ec2.amazonaws.com")},
            {"role_name": "shop-prod-operator", "assume_role_policy_document": {"Statement": []}},
        ],
        "log_groups": [
            {"log_group_name": "/shop/prod/shop", "kms_key_id": "arn:key"},
            {"log_group_name": "/unrelated", "kms_key_id": None},
        ],
        "vpcs": [{"id": "vpc-1", "tags": TAGS}],
        "security_groups": [
            {
                "group_name": "default",
                "group_id": "sg-d",
                "vpc_id": "vpc-1",
                "ip_permissions": [],
                "ip_permissions_egress": [],
            },
            {
                "group_name": "shop-prod-alb",
                "group_id": "sg-a",
                "vpc_id": "vpc-1",
                "ip_permissions": [
                    {
                        "ip_protocol": "tcp",
                        "from_port": 443,
                        "to_port": 443,
                        "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}],
                        "ipv6_ranges": [{"cidr_ipv6": "::/0"}],
                    }
                ],
            },
            {
                "group_name": "shop-prod-app",
                "group_id": "sg-b",
                "vpc_id": "vpc-1",
                "ip_permissions": [
                    {
                        "ip_protocol": "tcp",
                        "from_port": 8080,
                        "to_port": 8080,
                        "ip_ranges": [],
                        "user_id_group_pairs": [{"group_id": "sg-a"}],
                    }
                ],
            },
            {
                "group_name": "elsewhere",
                "group_id": "sg-x",
                "vpc_id": "vpc-9",
                "ip_permissions": [{"ip_protocol": "-1", "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}],
            },
        ],
        "instances": [
            {
                "instance_id": "i-1",
                "tags": TAGS,
                "state": {"name": "running"},
                "metadata_options": {"http_tokens": "required"},
            },
            {
                "instance_id": "i-2",
                "tags": TAGS,
                "state": {"name": "terminated"},
                "key_name": "old",
                "metadata_options": {"http_tokens": "optional"},
            },
        ],
        "kms_keys": [
            {
                "key_arn": "arn:k1",
                "aliases": ["alias/shop-prod"],
                "tags": TAGS,
                "key_manager": "CUSTOMER",
                "key_state": "Enabled",
                "enable_key_rotation": True,
            },
            {"key_arn": "arn:k2", "aliases": ["alias/aws/s3"], "key_manager": "AWS", "enable_key_rotation": False},
        ],
        "trails": [{"name": "shop-prod-trail", "is_logging": True, "log_file_validation_enabled": True}],
        "guardduty_detectors": [
            {
                "detector_id": "d1",
                "status": "ENABLED",
                "tags": TAGS,
                "features": [
                    {"name": "CLOUD_TRAIL", "status": "ENABLED", "additional_configuration": []},
                    {"name": "S3_DATA_EVENTS", "status": "ENABLED", "additional_configuration": []},
                    {"name": "EBS_MALWARE_PROTECTION", "status": "ENABLED", "additional_configuration": []},
                    {"name": "RDS_LOGIN_EVENTS", "status": "DISABLED", "additional_configuration": []},
                    {
                        "name": "RUNTIME_MONITORING",
                        "status": "ENABLED",
                        "additional_configuration": [{"name": "EC2_AGENT_MANAGEMENT", "status": "ENABLED"}],
                    },
                ],
            }
        ],
        "load_balancers": [
            {
                "load_balancer_name": "shop-prod-alb",
                "load_balancer_arn": ALB_ARN,
                "listeners": [
                    {
                        "port": 80,
                        "protocol": "HTTP",
                        "default_actions": [{"type": "redirect", "redirect_config": {"protocol": "HTTPS"}}],
                    },
                    {
                        "port": 443,
                        "protocol": "HTTPS",
                        "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                        "default_actions": [{"type": "forward"}],
                    },
                ],
            }
        ],
        "ecr_repositories": [
            {
                "repository_name": "shop-prod-prestashop",
                "image_tag_mutability": "IMMUTABLE",
                "image_scanning_configuration": {"scan_on_push": True},
                "encryption_configuration": {"encryption_type": "KMS", "kms_key": "arn:k1"},
            }
        ],
        "launch_templates": [
            {
                "launch_template_name": "shop-prod-ecs",
                "launch_template_data": {
                    "metadata_options": {"http_tokens": "required"},
                    "block_device_mappings": [{"device_name": "/dev/xvda", "ebs": {"encrypted": True}}],
                },
            }
        ],
        "web_acls": [
            {
                "name": "shop-prod-web",
                "arn": "arn:waf",
                "resource_arns": [ALB_ARN],
                "logging_configuration": {"log_destination_configs": ["arn:logs:aws-waf-logs-shop-prod"]},
            }
        ],
        "secrets": [
            {
                "name": "shop/prod/database",
                "kms_key_id": "arn:k1",
                "rotation_enabled": True,
                "rotation_lambda_arn": "arn:lambda",
                "resource_policy": SECRET_POLICY,
            },
            {
                "name": "shop/prod/prestashop-keys",
                "kms_key_id": "arn:k1",
                "rotation_enabled": False,
                "resource_policy": SECRET_POLICY,
            },
        ],
        "task_definitions": [
            {
                "family": "shop-prod-shop",
                "task_definition_arn": "arn:aws:ecs:eu-west-1:1:task-definition/shop-prod-shop:3",
                "containers": [
                    {"name": "app", "environment_names": ["PS_DOMAIN", "DB_SERVER"], "secret_names": ["DB_PASSWD"]}
                ],
            }
        ],
        "flow_logs": [
            {"flow_log_id": "fl-1", "resource_id": "vpc-1", "flow_log_status": "ACTIVE", "traffic_type": "ALL"}
        ],
        "sns_topics": [{"name": "shop-prod-alarms", "arn": "arn:sns", "kms_master_key_id": "alias/shop-prod"}],
        "vpc_endpoints": [
            {
                "vpc_endpoint_id": "vpce-1",
                "vpc_id": "vpc-1",
                "service_name": "com.amazonaws.eu-west-1.s3",
                "state": "available",
                "policy_document": json.dumps(
                    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}
                ),
            },
            {
                "vpc_endpoint_id": "vpce-2",
                "vpc_id": "vpc-1",
                "service_name": "com.amazonaws.eu-west-1.logs",
                "policy_document": json.dumps({"Statement": [{**FULL, "Condition": ACCOUNT_ONLY}]}),
            },
            # another platform's VPC: not judged
            {"vpc_endpoint_id": "vpce-9", "vpc_id": "vpc-9", "service_name": "com.amazonaws.eu-west-1.ssm"},
        ],
        "network_acls": [
            {
                "nacl_id": "acl-p",
                "vpc_id": "vpc-1",
                "is_default": False,
                "tags": {**TAGS, "Name": "shop-prod-public"},
                "subnets": ["subnet-p"],
                "ingress": [
                    [50, "tcp", "deny", "0.0.0.0/0", None, None, 22, 22],
                    [51, "tcp", "deny", "0.0.0.0/0", None, None, 3389, 3389],
                    [100, "tcp", "allow", "0.0.0.0/0", None, None, 443, 443],
                    [300, "tcp", "allow", "0.0.0.0/0", None, None, 1024, 65535],
                    [400, "icmp", "allow", "0.0.0.0/0", 3, 4, None, None],
                    [32767, "all", "deny", "0.0.0.0/0", None, None, 0, 65535],
                ],
                "egress": [[100, "tcp", "allow", "0.0.0.0/0", None, None, 1024, 65535]],
            },
            {
                "nacl_id": "acl-d",
                "vpc_id": "vpc-1",
                "is_default": False,
                "tags": {**TAGS, "Name": "shop-prod-data"},
                "subnets": ["subnet-d"],
                # all traffic from a private range only: not the internet
                "ingress": [[100, "all", "allow", "10.0.128.0/20", None, None, 0, 65535]],
                "egress": [],
            },
            {
                "nacl_id": "acl-0",
                "vpc_id": "vpc-1",
                "is_default": True,
                "subnets": [],
                "ingress": [[32767, "all", "deny", "0.0.0.0/0", None, None, 0, 65535]],
                "egress": [[32767, "all", "deny", "0.0.0.0/0", None, None, 0, 65535]],
            },
            {
                "nacl_id": "acl-9",
                "vpc_id": "vpc-9",
                "is_default": True,
                "ingress": [[100, "all", "allow", "0.0.0.0/0"]],
            },
        ],
        "cache_replication_groups": [
            {
                "replication_group_id": "shop-prod-redis",
                "tags": TAGS,
                "at_rest_encryption_enabled": True,
                "kms_key_id": "arn:k1",
                "transit_encryption_enabled": True,
                "transit_encryption_mode": "required",
                "auth_token_enabled": True,
                "user_group_ids": [],
                "automatic_failover": "enabled",
                "multi_az": "enabled",
            },
            {
                "replication_group_id": "other-prod-redis",
                "tags": {"Platform": "other", "Environment": "prod"},
                "at_rest_encryption_enabled": False,
            },
        ],
    }


def rows(facts: dict[str, Any], requirements: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return audit_controls(facts, requirements or {})


def of(result: list[dict[str, Any]], control: str) -> list[dict[str, Any]]:
    return [r for r in result if r["control"] == control]


def test_compliant_platform_passes_every_control() -> None:
    result = rows(compliant())
    assert {r["control"] for r in result} == set(CONTROLS)
    assert [r for r in result if r["status"] != "pass" and r["control"] != "secrets_rotation"] == []
    assert all(r["required"] for r in result)
    # Resources of other platforms are not judged.
    assert not [r for r in result if r["resource"] in ("other-db", "/unrelated", "elsewhere (sg-x)", "i-2")]
    # Ordered like CONTROLS.
    order = list(CONTROLS)
    assert [order.index(r["control"]) for r in result] == sorted(order.index(r["control"]) for r in result)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(facts: dict[str, Any]) -> None:
        target: Any = facts
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = keys[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def _open_port(port: int, cidr: str = "0.0.0.0/0") -> Callable[[dict[str, Any]], None]:
    def mutate(facts: dict[str, Any]) -> None:
        facts["security_groups"][2]["ip_permissions"].append(
            {"ip_protocol": "tcp", "from_port": port, "to_port": port, "ip_ranges": [{"cidr_ip": cidr}]}
        )

    return mutate


def _halves(port: int) -> Callable[[dict[str, Any]], None]:
    def mutate(facts: dict[str, Any]) -> None:
        for cidr in ("0.0.0.0/1", "128.0.0.0/1"):
            _open_port(port, cidr)(facts)

    return mutate


BREACHES: list[tuple[str, str, Callable[[dict[str, Any]], None], str]] = [
    ("rds_encrypted", "shop-prod-db", _set("rds_instances.0.storage_encrypted", False), "NOT encrypted"),
    ("rds_not_public", "shop-prod-db", _set("rds_instances.0.publicly_accessible", True), "publicly accessible"),
    ("rds_multi_az", "shop-prod-db", _set("rds_instances.0.multi_az", False), "single-AZ"),
    ("rds_backups", "shop-prod-db", _set("rds_instances.0.backup_retention_period", 0), "backups off"),
    ("rds_deletion_protection", "shop-prod-db", _set("rds_instances.0.deletion_protection", False), "off"),
    (
        "cache_encrypted_at_rest",
        "shop-prod-redis",
        _set("cache_replication_groups.0.at_rest_encryption_enabled", False),
        "NOT encrypted at rest",
    ),
    (
        "cache_encrypted_at_rest",
        "shop-prod-redis",
        _set("cache_replication_groups.0.kms_key_id", None),
        "not a customer KMS key",
    ),
    (
        "cache_encrypted_in_transit",
        "shop-prod-redis",
        _set("cache_replication_groups.0.transit_encryption_enabled", False),
        "in-transit encryption off",
    ),
    (
        "cache_encrypted_in_transit",
        "shop-prod-redis",
        _set("cache_replication_groups.0.transit_encryption_mode", "preferred"),
        "TLS mode preferred",
    ),
    ("cache_auth", "shop-prod-redis", _set("cache_replication_groups.0.auth_token_enabled", False), "no AUTH token"),
    (
        "cache_multi_az",
        "shop-prod-redis",
        _set("cache_replication_groups.0.automatic_failover", "disabled"),
        "automatic failover disabled",
    ),
    ("cache_multi_az", "shop-prod-redis", _set("cache_replication_groups.0.multi_az", "disabled"), "Multi-AZ disabled"),
    ("efs_encrypted", "shop-prod-efs", _set("efs.0.encrypted", False), "NOT encrypted"),
    ("s3_encrypted", "shop-prod-media-1", _set("buckets.0.bucket_encryption", {}), "no default encryption"),
    ("s3_public_access_blocked", "shop-prod-media-1", _set("buckets.0.public_access_block", {}), "not blocked"),
    (
        "s3_public_access_blocked",
        "shop-prod-media-1",
        _set("buckets.0.public_access_block.PublicAccessBlockConfiguration.RestrictPublicBuckets", False),
        "RestrictPublicBuckets",
    ),
    ("s3_tls_only", "shop-prod-media-1", _set("buckets.0.bucket_policy", {}), "SecureTransport"),
    ("s3_tls_only", "shop-prod-media-1", _set("buckets.0.bucket_policy", {"Policy": "{not json"}), "unreadable"),
    ("logs_encrypted", "/shop/prod/shop", _set("log_groups.0.kms_key_id", None), "no KMS key"),
    (
        "ecr_encrypted",
        "shop-prod-prestashop",
        _set("ecr_repositories.0.encryption_configuration", {"encryption_type": "AES256"}),
        "AES256",
    ),
    (
        "ecr_scan_on_push",
        "shop-prod-prestashop",
        _set("ecr_repositories.0.image_scanning_configuration.scan_on_push", False),
        "off",
    ),
    (
        "ecr_immutable_tags",
        "shop-prod-prestashop",
        _set("ecr_repositories.0.image_tag_mutability", "MUTABLE"),
        "MUTABLE",
    ),
    ("sns_encrypted", "shop-prod-alarms", _set("sns_topics.0.kms_master_key_id", ""), "no KMS key"),
    ("secrets_encrypted", "shop/prod/database", _set("secrets.0.kms_key_id", ""), "AWS managed key"),
    ("secrets_rotation", "shop/prod/database", _set("secrets.0.rotation_enabled", False), "rotation off"),
    ("secret_resource_policy", "shop/prod/database", _set("secrets.0.resource_policy", ""), "no resource policy"),
    (
        "secret_resource_policy",
        "shop/prod/database",
        _set("secrets.0.resource_policy", json.dumps({"Statement": json.loads(SECRET_POLICY)["Statement"][1:]})),
        "aws:PrincipalAccount",
    ),
    ("efs_policy_tls", "shop-prod-efs", _set("efs_policies.0.policy", {}), "no file-system policy"),
    (
        "efs_policy_tls",
        "shop-prod-efs",
        _set("efs_policies.0.policy", {"Statement": EFS_POLICY["Statement"][1:]}),
        "aws:SecureTransport",
    ),
    (
        "efs_policy_tls",
        "shop-prod-efs",
        _set(
            "efs_policies.0.policy.Statement",
            [*EFS_POLICY["Statement"], {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*"}],
        ),
        "unconditional Allow",
    ),
    ("s3_access_logging", "shop-prod-media-1", _set("buckets.0.bucket_logging", {}), "logging off"),
    (
        "s3_access_logging",
        "shop-prod-media-1",
        _set("buckets.0.bucket_logging.LoggingEnabled.TargetBucket", "shop-prod-media-1"),
        "into itself",
    ),
    (
        "service_role_confused_deputy",
        "shop-prod-backup",
        _set("iam_roles.0.assume_role_policy_document", _trust("backup.amazonaws.com")),
        "backup.amazonaws.com without aws:SourceAccount",
    ),
    (
        "ebs_encrypted",
        "shop-prod-ecs",
        _set("launch_templates.0.launch_template_data.block_device_mappings.0.ebs.encrypted", False),
        "/dev/xvda",
    ),
    (
        "ebs_encrypted",
        "shop-prod-ecs",
        _set("launch_templates.0.launch_template_data.block_device_mappings", []),
        "no EBS mapping",
    ),
    (
        "imdsv2_required",
        "shop-prod-ecs",
        _set("launch_templates.0.launch_template_data.metadata_options.http_tokens", "optional"),
        "optional",
    ),
    ("imdsv2_required", "i-1", _set("instances.0.metadata_options.http_tokens", "optional"), "optional"),
    ("no_key_pairs", "shop-prod-ecs", _set("launch_templates.0.launch_template_data.key_name", "ops"), "ops"),
    ("no_key_pairs", "i-1", _set("instances.0.key_name", "ops"), "ops"),
    (
        "default_sg_no_rules",
        "sg-d (vpc-1)",
        _set(
            "security_groups.0.ip_permissions", [{"ip_protocol": "-1", "user_id_group_pairs": [{"group_id": "sg-d"}]}]
        ),
        "1 rule(s)",
    ),
    ("sg_no_admin_ports", "shop-prod-app (sg-b)", _open_port(22), "22"),
    ("sg_no_admin_ports", "shop-prod-app (sg-b)", _open_port(3389, "::/0"), "3389"),
    (
        "sg_no_admin_ports",
        "shop-prod-alb (sg-a)",
        _set("security_groups.1.ip_permissions.0", {"ip_protocol": "-1", "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}),
        "22",
    ),
    ("sg_world_only_alb", "shop-prod-app (sg-b)", _open_port(8080), "tcp/8080"),
    # the internet cut in two halves, in two rules (issue 16, point 11): still the internet
    ("sg_world_only_alb", "shop-prod-app (sg-b)", _halves(8080), "tcp/8080"),
    ("sg_no_admin_ports", "shop-prod-app (sg-b)", _halves(22), "22"),
    (
        "alb_http_redirect",
        "shop-prod-alb",
        _set("load_balancers.0.listeners.0.default_actions", [{"type": "forward"}]),
        "port 80",
    ),
    (
        "alb_tls_policy",
        "shop-prod-alb",
        _set("load_balancers.0.listeners.1.ssl_policy", "ELBSecurityPolicy-2016-08"),
        "ELBSecurityPolicy-2016-08",
    ),
    ("alb_tls_policy", "shop-prod-alb", _set("load_balancers.0.listeners.1.protocol", "HTTP2"), "no HTTPS listener"),
    ("alb_waf", "shop-prod-alb", _set("web_acls.0.resource_arns", []), "no web ACL"),
    ("waf_logging", "shop-prod-web", _set("web_acls.0.logging_configuration", {}), "logging off"),
    ("kms_rotation", "alias/shop-prod", _set("kms_keys.0.enable_key_rotation", False), "rotation off"),
    ("cloudtrail_logging", "shop-prod-trail", _set("trails.0.is_logging", False), "stopped"),
    ("cloudtrail_logging", "-", _set("trails", []), "no CloudTrail trail"),
    ("cloudtrail_log_validation", "shop-prod-trail", _set("trails.0.log_file_validation_enabled", False), "off"),
    ("guardduty_protection", "d1", _set("guardduty_detectors.0.status", "DISABLED"), "detector DISABLED"),
    ("guardduty_protection", "d1", _set("guardduty_detectors.0.features.1.status", "DISABLED"), "S3_DATA_EVENTS"),
    (
        "guardduty_protection",
        "d1",
        _set("guardduty_detectors.0.features.4.status", "DISABLED"),
        "protection off: RUNTIME_MONITORING",
    ),
    (
        "guardduty_protection",
        "d1",
        _set("guardduty_detectors.0.features", []),
        "S3_DATA_EVENTS, EBS_MALWARE_PROTECTION, RUNTIME_MONITORING",
    ),
    ("guardduty_protection", "-", _set("guardduty_detectors", []), "no GuardDuty detector in the region"),
    ("flow_logs", "vpc-1", _set("flow_logs", []), "no active flow log"),
    ("flow_logs", "vpc-1", _set("flow_logs.0.flow_log_status", "INACTIVE"), "no active flow log"),
    (
        "vpc_endpoint_policy",
        "logs (vpce-2)",
        _set("vpc_endpoints.1.policy_document", json.dumps({"Version": "2008-10-17", "Statement": [FULL]})),
        "full access",
    ),
    ("vpc_endpoint_policy", "s3 (vpce-1)", _set("vpc_endpoints.0.policy_document", None), "no policy"),
    ("vpc_endpoint_policy", "s3 (vpce-1)", _set("vpc_endpoints.0.policy_document", "{x"), "unreadable"),
    (
        "nacl_no_admin_ports",
        "shop-prod-public (acl-p)",
        _set("network_acls.0.ingress.0", [50, "tcp", "allow", "0.0.0.0/0", None, None, 22, 22]),
        "port(s) 22",
    ),
    # the replies rule covers 3389 once its deny is gone
    (
        "nacl_no_admin_ports",
        "shop-prod-public (acl-p)",
        _set("network_acls.0.ingress.1", [51, "udp", "deny", "0.0.0.0/0", None, None, 1, 1]),
        "3389",
    ),
    # a deny of a narrower range does not shadow an allow of the internet
    (
        "nacl_no_admin_ports",
        "shop-prod-public (acl-p)",
        _set("network_acls.0.ingress.1", [51, "tcp", "deny", "203.0.113.0/24", None, None, 3389, 3389]),
        "port(s) 3389",
    ),
    (
        "nacl_no_admin_ports",
        "shop-prod-data (acl-d)",
        _set("network_acls.1.ingress.0", [100, "all", "allow", "0.0.0.0/1", None, None, 0, 65535]),
        "22, 3389",
    ),
    (
        "default_nacl_no_allow",
        "default (acl-0)",
        _set("network_acls.2.ingress.0", [100, "all", "allow", "0.0.0.0/0", None, None, 0, 65535]),
        "1 allow entry",
    ),
    ("default_nacl_no_allow", "default (acl-0)", _set("network_acls.2.subnets", ["subnet-x"]), "used by subnet-x"),
    (
        "taskdef_no_plaintext_secrets",
        "shop-prod-shop:3",
        _set("task_definitions.0.containers.0.environment_names", ["PS_DOMAIN", "PS_DB_PASSWORD"]),
        "app:PS_DB_PASSWORD",
    ),
    (
        "taskdef_no_plaintext_secrets",
        "shop-prod-shop:3",
        _set("task_definitions.0.containers.0.environment_names", ["REDIS_AUTH_TOKEN"]),
        "REDIS_AUTH_TOKEN",
    ),
]


@pytest.mark.parametrize(
    ("control", "resource", "mutate", "detail"), BREACHES, ids=[f"{b[0]}-{i}" for i, b in enumerate(BREACHES)]
)
def test_each_breach_fails_its_control_naming_the_resource(
    control: str, resource: str, mutate: Callable[[dict[str, Any]], None], detail: str
) -> None:
    facts = compliant()
    mutate(facts)
    result = rows(facts)
    failed = [r for r in result if r["status"] == "fail"]
    assert [(r["control"], r["resource"]) for r in failed if r["control"] == control] == [(control, resource)]
    assert detail in failed[0]["detail"] if len(failed) == 1 else any(detail in r["detail"] for r in failed)
    assert all(r["required"] for r in failed)


def test_every_control_has_a_breach_test() -> None:
    assert {b[0] for b in BREACHES} == set(CONTROLS)


def test_nothing_built_skips_every_control_with_a_reason() -> None:
    result = rows({"platform_name": "shop", "platform_env": "prod"})
    assert {r["control"] for r in result} == set(CONTROLS)
    assert {r["status"] for r in result} == {"skip"}
    assert all(r["detail"] and r["resource"] == "-" for r in result)
    assert "edge tier not built" in of(result, "alb_waf")[0]["detail"]


def test_only_network_built_skips_later_tiers() -> None:
    facts = compliant()
    facts = {k: facts[k] for k in ("platform_name", "platform_env", "vpcs", "flow_logs", "security_groups")}
    facts["security_groups"] = facts["security_groups"][:1]
    result = rows(facts)
    assert of(result, "flow_logs")[0]["status"] == "pass"
    assert of(result, "default_sg_no_rules")[0]["status"] == "pass"
    assert of(result, "sg_no_admin_ports")[0]["status"] == "skip"
    assert of(result, "cloudtrail_logging")[0]["status"] == "skip"
    assert of(result, "rds_encrypted")[0]["status"] == "skip"


def test_network_without_endpoints_skips_the_endpoint_control() -> None:
    facts = compliant()
    facts["vpc_endpoints"] = facts["vpc_endpoints"][2:]  # another VPC's only
    result = rows(facts)
    assert of(result, "vpc_endpoint_policy")[0]["status"] == "skip"
    assert "switched off" in of(result, "vpc_endpoint_policy")[0]["detail"]
    assert {r["status"] for r in of(result, "nacl_no_admin_ports")} == {"pass"}
    assert [r["resource"] for r in of(result, "nacl_no_admin_ports")] == [
        "shop-prod-public (acl-p)",
        "shop-prod-data (acl-d)",
        "default (acl-0)",
    ]


def test_no_cache_skips_the_cache_controls_with_a_reason() -> None:
    facts = compliant()
    facts["cache_replication_groups"] = facts["cache_replication_groups"][1:]  # another platform's group only
    result = rows(facts)
    for control in ("cache_encrypted_at_rest", "cache_encrypted_in_transit", "cache_auth", "cache_multi_az"):
        [row] = of(result, control)
        assert row["status"] == "skip" and row["resource"] == "-", row
        assert "no ElastiCache replication group of shop-prod" in row["detail"]
        assert "cache tier not built or switched off" in row["detail"]
    # The other tiers are still judged.
    assert of(result, "rds_encrypted")[0]["status"] == "pass"


def test_cache_group_found_by_tags_or_name() -> None:
    facts = compliant()
    tagged = {**facts["cache_replication_groups"][0], "replication_group_id": "sessions"}
    untagged = {**facts["cache_replication_groups"][0], "tags": {}, "auth_token_enabled": False}
    facts["cache_replication_groups"] = [tagged, untagged]
    result = of(rows(facts), "cache_auth")
    assert [(r["resource"], r["status"]) for r in result] == [("sessions", "pass"), ("shop-prod-redis", "fail")]


def test_cache_settings_accepted_in_other_forms() -> None:
    facts = compliant()
    group = facts["cache_replication_groups"][0]
    # RBAC instead of an AUTH token; no TransitEncryptionMode returned (older API answers, the emulator).
    group.update(auth_token_enabled=False, user_group_ids=["shop-prod-users"])
    del group["transit_encryption_mode"]
    result = rows(facts)
    assert of(result, "cache_auth")[0]["detail"] == "RBAC user group(s) shop-prod-users"
    assert of(result, "cache_encrypted_in_transit")[0] == {
        "control": "cache_encrypted_in_transit",
        "resource": "shop-prod-redis",
        "status": "pass",
        "required": True,
        "detail": "TLS on",
    }
    assert of(result, "cache_encrypted_at_rest")[0]["detail"] == "KMS arn:k1"


def test_single_az_cache_is_informative_without_require_multi_az() -> None:
    facts = compliant()
    facts["cache_replication_groups"][0].update(automatic_failover="disabled", multi_az="disabled")
    [row] = of(rows(facts, {"require_multi_az": False}), "cache_multi_az")
    assert row["status"] == "fail" and row["required"] is False
    assert row["detail"] == "automatic failover disabled, Multi-AZ disabled"
    assert of(rows(facts), "cache_multi_az")[0]["required"] is True


def test_secrets_that_cannot_rotate_are_skipped() -> None:
    facts = compliant()
    facts["secrets"] = [facts["secrets"][1]]
    assert of(rows(facts), "secrets_rotation")[0]["status"] == "skip"


def test_account_trail_used_when_the_platform_has_none() -> None:
    facts = compliant()
    facts["trails"] = [{"name": "org-trail", "is_logging": True, "log_file_validation_enabled": False}]
    result = rows(facts)
    assert [(r["resource"], r["status"]) for r in of(result, "cloudtrail_log_validation")] == [("org-trail", "fail")]


@pytest.mark.parametrize(
    ("switch", "control"),
    [
        ("require_multi_az", "rds_multi_az"),
        ("require_multi_az", "cache_multi_az"),
        ("require_deletion_protection", "rds_deletion_protection"),
        ("require_cloudtrail", "cloudtrail_logging"),
        ("require_secrets_rotation", "secrets_rotation"),
    ],
)
def test_switch_makes_control_informative(switch: str, control: str) -> None:
    for value in (False, "false", "no"):
        row = of(rows(compliant(), {switch: value}), control)[0]
        assert row["required"] is False
    assert of(rows(compliant(), {switch: "true"}), control)[0]["required"] is True


def test_required_list_and_unknown_ids() -> None:
    result = rows(compliant(), {"required": ["flow_logs"]})
    assert {r["control"] for r in result if r["required"]} == {"flow_logs"}
    assert all(r["required"] for r in rows(compliant(), {"required": ["all"]}))
    with pytest.raises(AnsibleFilterError, match="unknown control"):
        rows(compliant(), {"required": ["flowlogs"]})
    with pytest.raises(AnsibleFilterError, match="expects a dict"):
        audit_controls([], {})  # type: ignore[arg-type]
    with pytest.raises(AnsibleFilterError, match="must be a list"):
        rows({"platform_name": "shop", "platform_env": "prod", "efs": {"x": 1}})


def test_exception_accepts_one_failure_with_its_reason() -> None:
    facts = compliant()
    facts["log_groups"][0]["kms_key_id"] = None
    facts["efs"][0]["encrypted"] = False
    exceptions = [{"control": "logs_encrypted", "resource": "/shop/prod/shop", "reason": "legacy group"}]
    result = rows(facts, {"exceptions": exceptions})
    logs = of(result, "logs_encrypted")[0]
    assert logs["status"] == "fail" and logs["required"] is False and "accepted: legacy group" in logs["detail"]
    assert of(result, "efs_encrypted")[0]["required"] is True


def test_world_open_groups_are_configurable() -> None:
    facts = compliant()
    _open_port(8080)(facts)
    result = rows(facts, {"world_open_security_groups": ["shop-prod-alb", "shop-prod-app"]})
    assert [r["status"] for r in of(result, "sg_world_only_alb")] == ["pass", "pass", "pass"]


def test_table_is_fixed_width() -> None:
    facts = compliant()
    facts["efs"][0]["encrypted"] = False
    lines = audit_table(rows(facts, {"required": ["flow_logs"]}))
    assert lines[0].startswith("control") and set(lines[1]) <= {"-", "+"}
    bars = {line.index("|") for line in lines if "|" in line}
    assert len(bars) == 1
    assert any("FAIL (not required)" in line and "efs_encrypted" in line for line in lines)


def test_filter_module_exposes_both_filters() -> None:
    assert set(FilterModule().filters()) == {"audit_controls", "audit_table"}


def test_input_is_not_modified() -> None:
    facts = compliant()
    before = copy.deepcopy(facts)
    rows(facts)
    assert facts == before


def test_guardduty_detail_names_who_manages_the_agent() -> None:
    facts = compliant()
    assert "agent managed by GuardDuty" in of(rows(facts), "guardduty_protection")[0]["detail"]
    facts["guardduty_detectors"][0]["features"][4]["additional_configuration"] = []
    [row] = of(rows(facts), "guardduty_protection")
    assert (row["status"], row["detail"].endswith("(agent installed by the operator)")) == ("pass", True)


def test_guardduty_skipped_without_observability_tier() -> None:
    facts = compliant()
    facts["guardduty_detectors"], facts["sns_topics"] = [], []
    [row] = of(rows(facts), "guardduty_protection")
    assert (row["status"], row["detail"]) == ("skip", "no GuardDuty detector and observability tier not built")
