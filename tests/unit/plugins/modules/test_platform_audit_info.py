"""kstore.platform.platform_audit_info: the real module code against the real emulator over HTTP (read-only)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import platform_audit_info

TAGS = [{"Key": "Platform", "Value": "shop"}, {"Key": "Environment", "Value": "prod"}]


@pytest.fixture()
def audit(run_module: Callable[..., dict], clean_emulator: Any) -> Callable[..., dict]:
    def run(check_mode: bool = False, **args: Any) -> dict:
        return run_module(
            platform_audit_info.main,
            {"platform_name": "shop", "platform_env": "prod", "region": "eu-west-1", **args},
            check_mode=check_mode,
        )

    return run


def client(service: str, emulator: Any) -> Any:
    return boto3.client(service, region_name="eu-west-1", endpoint_url=emulator.url)


def test_empty_account(audit: Callable[..., dict]) -> None:
    result = audit()
    assert result["changed"] is False
    for section in platform_audit_info.DEFAULT_SECTIONS:
        assert result[section] == [], section
    assert "ecs_services" not in result and "dashboards" not in result  # read on demand (summary, diagram)


def test_sections_limit_what_is_read(audit: Callable[..., dict], clean_emulator: Any) -> None:
    result = audit(sections=["ecr_repositories"])
    assert "secrets" not in result and result["ecr_repositories"] == []


def test_reads_each_section_in_scope(audit: Callable[..., dict], clean_emulator: Any) -> None:
    kms = client("kms", clean_emulator)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    ecr = client("ecr", clean_emulator)
    ecr.create_repository(
        repositoryName="shop-prod-prestashop",
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key},
    )
    ecr.create_repository(repositoryName="other-prod-prestashop")

    ec2 = client("ec2", clean_emulator)
    ec2.create_launch_template(
        LaunchTemplateName="shop-prod-ecs",
        LaunchTemplateData={
            "MetadataOptions": {"HttpTokens": "required"},
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "VolumeSize": 30}}],
            "UserData": "ZWNobw==",
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": TAGS}],
    )
    ec2.create_launch_template(LaunchTemplateName="other", LaunchTemplateData={"KeyName": "x"})
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    logs = client("logs", clean_emulator)
    logs.create_log_group(logGroupName="/shop/prod/flow")
    ec2.create_flow_logs(
        ResourceIds=[vpc],
        ResourceType="VPC",
        TrafficType="ALL",
        LogGroupName="/shop/prod/flow",
        DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow",
    )

    secrets = client("secretsmanager", clean_emulator)
    secrets.create_secret(Name="shop/prod/database", SecretString="{}", KmsKeyId=key)
    secrets.create_secret(Name="tagged-elsewhere", SecretString="{}", Tags=TAGS)
    secrets.create_secret(Name="shop/dev/database", SecretString="{}")

    ecs = client("ecs", clean_emulator)
    ecs.register_task_definition(
        family="shop-prod-shop",
        containerDefinitions=[
            {
                "name": "app",
                "image": "x",
                "memory": 128,
                "environment": [{"name": "PS_DB_PASSWORD", "value": "s3cr3t"}],
                "secrets": [{"name": "DB_PASSWD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:x"}],
            }
        ],
    )

    sns = client("sns", clean_emulator)
    sns.create_topic(Name="shop-prod-alarms", Attributes={"KmsMasterKeyId": "alias/shop-prod"})
    sns.create_topic(Name="other-alarms")

    waf = client("wafv2", clean_emulator)
    waf.create_web_acl(
        Name="shop-prod-web",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"},
    )

    result = audit(vpc_ids=[vpc])
    assert result["changed"] is False
    assert [r["repository_name"] for r in result["ecr_repositories"]] == ["shop-prod-prestashop"]
    repo = result["ecr_repositories"][0]
    assert repo["image_tag_mutability"] == "IMMUTABLE"
    assert repo["image_scanning_configuration"] == {"scan_on_push": True}
    assert repo["encryption_configuration"]["encryption_type"] == "KMS"

    [template] = result["launch_templates"]
    assert template["launch_template_name"] == "shop-prod-ecs"
    assert template["launch_template_data"]["metadata_options"]["http_tokens"] == "required"
    assert template["launch_template_data"]["block_device_mappings"][0]["ebs"]["encrypted"] is True
    assert "user_data" not in template["launch_template_data"]

    assert [f["resource_id"] for f in result["flow_logs"]] == [vpc]

    names = [s["name"] for s in result["secrets"]]
    assert names == ["shop/prod/database", "tagged-elsewhere"]
    assert result["secrets"][0]["kms_key_id"] == key and result["secrets"][0]["rotation_enabled"] is False

    [definition] = result["task_definitions"]
    assert definition["family"] == "shop-prod-shop"
    assert definition["containers"][0]["environment_names"] == ["PS_DB_PASSWORD"]
    assert definition["containers"][0]["secret_names"] == ["DB_PASSWD"]
    assert "s3cr3t" not in str(result)  # values are never returned

    assert result["sns_topics"] == [
        {"name": "shop-prod-alarms", "arn": result["sns_topics"][0]["arn"], "kms_master_key_id": "alias/shop-prod"}
    ]
    [acl] = result["web_acls"]
    assert acl["name"] == "shop-prod-web" and acl["resource_arns"] == [] and acl["logging_configuration"] == {}


def test_reads_the_cache_replication_groups_in_scope(audit: Callable[..., dict], clean_emulator: Any) -> None:
    key = client("kms", clean_emulator).create_key()["KeyMetadata"]["Arn"]
    elasticache = client("elasticache", clean_emulator)
    common = {"ReplicationGroupDescription": "audit test", "Engine": "redis", "CacheNodeType": "cache.t4g.micro"}
    elasticache.create_replication_group(
        ReplicationGroupId="shop-prod-redis",
        NumNodeGroups=1,
        ReplicasPerNodeGroup=1,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        AtRestEncryptionEnabled=True,
        KmsKeyId=key,
        TransitEncryptionEnabled=True,
        AuthToken="a" * 32,
        Tags=[*TAGS, {"Key": "Component", "Value": "cache"}],
        **common,
    )
    # Found by its tags, not its name; settings left to their (non-compliant) defaults.
    elasticache.create_replication_group(
        ReplicationGroupId="sessions",
        TransitEncryptionEnabled=True,
        TransitEncryptionMode="preferred",
        UserGroupIds=["shop-prod-users"],
        Tags=TAGS,
        **common,
    )
    elasticache.create_replication_group(ReplicationGroupId="other-prod-redis", **common)
    elasticache.create_replication_group(
        ReplicationGroupId="shop-dev-redis", Tags=[TAGS[0], {"Key": "Environment", "Value": "dev"}], **common
    )

    result = audit(sections=["cache_replication_groups"])
    assert result["changed"] is False and "ecr_repositories" not in result
    groups = {g["replication_group_id"]: g for g in result["cache_replication_groups"]}
    assert list(groups) == ["sessions", "shop-prod-redis"]
    redis = groups["shop-prod-redis"]
    assert redis["at_rest_encryption_enabled"] is True and redis["kms_key_id"] == key
    assert redis["transit_encryption_enabled"] is True
    assert redis["auth_token_enabled"] is True and redis["user_group_ids"] == []
    assert redis["automatic_failover"] == "enabled" and redis["multi_az"] == "enabled"
    assert redis["arn"].endswith(":replicationgroup:shop-prod-redis")
    assert redis["tags"] == {"Platform": "shop", "Environment": "prod", "Component": "cache"}
    assert "a" * 32 not in str(result)  # the token is never returned, only whether one is set
    # moto 5.2.5 returns TransitEncryptionMode only when the request set it (AWS: "required" by default).
    assert "transit_encryption_mode" not in redis
    sessions = groups["sessions"]
    assert sessions["at_rest_encryption_enabled"] is False and not sessions.get("kms_key_id")
    assert sessions["transit_encryption_mode"] == "preferred"
    assert sessions["auth_token_enabled"] is False and sessions["user_group_ids"] == ["shop-prod-users"]
    assert sessions["automatic_failover"] == "disabled" and sessions["multi_az"] == "disabled"


def test_cache_group_whose_tags_cannot_be_read(
    audit: Callable[..., dict], clean_emulator: Any, inject_aws_errors: Callable[..., None]
) -> None:
    """A group being created or deleted (InvalidReplicationGroupState) is kept by its name, a group deleted between
    the two calls (ReplicationGroupNotFoundFault) is dropped. The emulator has neither state: the errors are injected
    into the real calls to it."""
    elasticache = client("elasticache", clean_emulator)
    common = {"ReplicationGroupDescription": "audit test", "Engine": "redis"}
    for group_id in ("shop-prod-redis", "shop-prod-gone", "tagged-creating"):
        elasticache.create_replication_group(ReplicationGroupId=group_id, Tags=TAGS, **common)
    errors = {
        "shop-prod-redis": "InvalidReplicationGroupState",
        "shop-prod-gone": "ReplicationGroupNotFoundFault",
        "tagged-creating": "InvalidReplicationGroupState",
    }

    inject_aws_errors(
        "elasticache",
        "ListTagsForResource",
        lambda params, **_: errors[params["body"]["ResourceName"].rsplit(":", 1)[-1]],  # the serialized query request
    )
    result = audit(sections=["cache_replication_groups"])
    assert [(g["replication_group_id"], g["tags"]) for g in result["cache_replication_groups"]] == [
        ("shop-prod-redis", {})
    ]


def test_check_mode_reads_the_same(audit: Callable[..., dict], clean_emulator: Any) -> None:
    client("sns", clean_emulator).create_topic(Name="shop-prod-alarms")
    assert audit(check_mode=True)["sns_topics"] == audit()["sns_topics"]


def test_reads_ecs_services_and_dashboards_on_demand(audit: Callable[..., dict], clean_emulator: Any) -> None:
    ecs = client("ecs", clean_emulator)
    for name in ("shop-prod-cluster", "other-prod-cluster"):
        ecs.create_cluster(clusterName=name)
    definition = ecs.register_task_definition(
        family="shop-prod-shop",
        containerDefinitions=[
            {
                "name": "prestashop",
                "image": "repo/shop@sha256:" + "a" * 64,
                "memory": 512,
                "environment": [{"name": "DB_PASSWD", "value": "not-to-be-read"}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(
        cluster="shop-prod-cluster", serviceName="shop-prod-shop", taskDefinition=definition, desiredCount=2
    )
    cloudwatch = client("cloudwatch", clean_emulator)
    for name in ("shop-prod", "shop-prod-extra", "shop-production", "other"):
        cloudwatch.put_dashboard(DashboardName=name, DashboardBody='{"widgets": []}')

    result = audit(sections=["ecs_services", "dashboards"])

    assert [c["cluster_name"] for c in result["ecs_services"]] == ["shop-prod-cluster"]
    (service,) = result["ecs_services"][0]["services"]
    assert service["service_name"] == "shop-prod-shop" and service["desired_count"] == 2
    assert service["task_definition"] == definition
    assert service["images"] == [{"name": "prestashop", "image": "repo/shop@sha256:" + "a" * 64}]
    assert "not-to-be-read" not in str(result)
    assert [d["dashboard_name"] for d in result["dashboards"]] == ["shop-prod", "shop-prod-extra"]


def test_reads_the_guardduty_detector_and_its_features(audit: Callable[..., dict], clean_emulator: Any) -> None:
    guardduty = client("guardduty", clean_emulator)
    detector_id = guardduty.create_detector(
        Enable=True,
        Tags={"Owner": "security-team"},
        Features=[
            {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
            {
                "Name": "RUNTIME_MONITORING",
                "Status": "ENABLED",
                "AdditionalConfiguration": [{"Name": "EC2_AGENT_MANAGEMENT", "Status": "ENABLED"}],
            },
        ],
    )["DetectorId"]
    [detector] = audit(sections=["guardduty_detectors"])["guardduty_detectors"]
    assert detector == {
        "detector_id": detector_id,
        "status": "ENABLED",
        "tags": {"Owner": "security-team"},  # account-wide: read whoever made it
        "features": [
            {"name": "S3_DATA_EVENTS", "status": "ENABLED", "additional_configuration": []},
            {
                "name": "RUNTIME_MONITORING",
                "status": "ENABLED",
                "additional_configuration": [{"name": "EC2_AGENT_MANAGEMENT", "status": "ENABLED"}],
            },
        ],
    }


def test_reads_efs_policies_secret_policies_and_role_trusts(audit: Callable[..., dict], clean_emulator: Any) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
    efs = client("efs", clean_emulator)
    ours = efs.create_file_system(CreationToken="a", Tags=[*TAGS, {"Key": "Name", "Value": "shop-prod-efs"}])
    bare = efs.create_file_system(CreationToken="b", Tags=TAGS)
    efs.create_file_system(CreationToken="c", Tags=[{"Key": "Platform", "Value": "other"}])
    efs.put_file_system_policy(FileSystemId=ours["FileSystemId"], Policy=json.dumps(policy))

    secrets = client("secretsmanager", clean_emulator)
    secrets.create_secret(Name="shop/prod/database", SecretString="x")
    secrets.create_secret(Name="shop/prod/admin", SecretString="x")
    secrets.put_resource_policy(SecretId="shop/prod/database", ResourcePolicy=json.dumps(policy))

    iam = client("iam", clean_emulator)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.create_role(RoleName="shop-prod-backup", AssumeRolePolicyDocument=json.dumps(trust))
    iam.create_role(RoleName="other-prod-backup", AssumeRolePolicyDocument=json.dumps(trust))

    result = audit(sections=["efs_policies", "secrets", "iam_roles"])
    assert sorted((f["file_system_id"], f["policy"]) for f in result["efs_policies"]) == sorted(
        [(ours["FileSystemId"], policy), (bare["FileSystemId"], {})]
    )
    by_name = {s["name"]: s for s in result["secrets"]}
    assert json.loads(by_name["shop/prod/database"]["resource_policy"]) == policy
    assert by_name["shop/prod/admin"]["resource_policy"] == ""
    assert [(r["role_name"], r["assume_role_policy_document"]) for r in result["iam_roles"]] == [
        ("shop-prod-backup", trust)
    ]
