# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: platform_audit_info
version_added: 0.1.0
short_description: Read the platform settings that no amazon.aws or community.aws info module returns
description:
  - Read-only. Returns the raw settings of one platform's resources (found by the C(<platform_name>-<platform_env>)
    name prefix, the C(<platform_name>/<platform_env>/) secret prefix or the C(Platform)/C(Environment) tags) that
    the C(*_info) modules of amazon.aws and community.aws do not return, for playbooks/audit.yml to judge.
  - It returns settings, never verdicts; the filter M(kstore.platform.audit_controls) judges them.
  - Task definitions are returned with the B(names) of their containers' environment variables and secrets only,
    never their values, so that a plaintext secret found by the audit is not copied into the output.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  platform_name:
    description:
      - The platform's name (C(platform_name)).
    type: str
    required: true
  platform_env:
    description:
      - The platform's environment (C(platform_env)).
    type: str
    required: true
  vpc_ids:
    description:
      - The VPCs whose flow logs RV(flow_logs) lists. Without it, RV(flow_logs) is empty.
    type: list
    elements: str
    default: []
  sections:
    description:
      - What to read; by default everything.
    type: list
    elements: str
    choices:
      - ecr_repositories
      - launch_templates
      - web_acls
      - secrets
      - task_definitions
      - flow_logs
      - sns_topics
      - cache_replication_groups
      - guardduty_detectors
      - ecs_services
      - dashboards
      - efs_policies
      - iam_roles
    default:
      - ecr_repositories
      - launch_templates
      - web_acls
      - secrets
      - task_definitions
      - flow_logs
      - sns_topics
      - cache_replication_groups
      - guardduty_detectors
      - efs_policies
      - iam_roles
    # ecs_services and dashboards are not read by default: the audit judges neither; playbooks/summary.yml and
    # playbooks/diagram.yml ask for them.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - The IAM actions used are C(ecr:DescribeRepositories), C(ec2:DescribeLaunchTemplates),
    C(ec2:DescribeLaunchTemplateVersions), C(ec2:DescribeFlowLogs), C(wafv2:ListWebACLs),
    C(wafv2:ListResourcesForWebACL), C(wafv2:GetLoggingConfiguration), C(secretsmanager:ListSecrets),
    C(ecs:ListTaskDefinitionFamilies), C(ecs:DescribeTaskDefinition), C(sns:ListTopics),
    C(sns:GetTopicAttributes), C(elasticache:DescribeReplicationGroups), C(elasticache:ListTagsForResource),
    C(guardduty:ListDetectors), C(guardduty:GetDetector), C(secretsmanager:GetResourcePolicy),
    C(elasticfilesystem:DescribeFileSystems), C(elasticfilesystem:DescribeFileSystemPolicy) and C(iam:ListRoles);
    with O(sections) C(ecs_services) also C(ecs:ListClusters), C(ecs:DescribeClusters), C(ecs:ListServices),
    C(ecs:DescribeServices) and C(ecs:DescribeTaskDefinition), with C(dashboards) C(cloudwatch:ListDashboards).
  - Web ACLs are read in the C(REGIONAL) scope (the one an Application Load Balancer uses).
  - ElastiCache replication groups are in scope when their id starts with C(<platform_name>-<platform_env>-) or
    they are tagged C(Platform)/C(Environment); finding the tagged ones costs one C(ListTagsForResource) per
    replication group of the region.
"""

EXAMPLES = r"""
- name: Read every section for the audit
  kstore.platform.platform_audit_info:
    platform_name: shop
    platform_env: prod
    vpc_ids: ["vpc-0123456789abcdef0"]
  register: audit_raw

- name: Read the ECR repositories and task definitions only
  kstore.platform.platform_audit_info:
    platform_name: shop
    platform_env: prod
    sections: [ecr_repositories, task_definitions]
  register: audit_raw

- name: Read the cache tier's replication groups only
  kstore.platform.platform_audit_info:
    platform_name: shop
    platform_env: prod
    sections: [cache_replication_groups]
  register: audit_cache
"""

RETURN = r"""
ecr_repositories:
  description: The repositories named C(<prefix>-*) (snake_case keys of C(DescribeRepositories)).
  returned: when O(sections) has C(ecr_repositories)
  type: list
  elements: dict
  sample:
    - repository_name: shop-prod-prestashop
      repository_arn: arn:aws:ecr:eu-west-1:123456789012:repository/shop-prod-prestashop
      image_tag_mutability: IMMUTABLE
      image_scanning_configuration: {scan_on_push: true}
      encryption_configuration: {encryption_type: KMS, kms_key: "arn:aws:kms:eu-west-1:123456789012:key/..."}
launch_templates:
  description:
    - The launch templates tagged with the platform, each with the data of its default version (snake_case keys
      of C(DescribeLaunchTemplateVersions)).
  returned: when O(sections) has C(launch_templates)
  type: list
  elements: dict
  sample:
    - launch_template_name: shop-prod-ecs
      launch_template_id: lt-0123456789abcdef0
      default_version_number: 3
      launch_template_data:
        metadata_options: {http_tokens: required, http_endpoint: enabled}
        block_device_mappings: [{device_name: /dev/xvda, ebs: {encrypted: true, volume_size: 30}}]
web_acls:
  description: The REGIONAL web ACLs named C(<prefix>-*), with the load balancers they protect and their logging.
  returned: when O(sections) has C(web_acls)
  type: list
  elements: dict
  sample:
    - name: shop-prod-web
      arn: arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shop-prod-web/abc
      resource_arns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop-prod-alb/abc"]
      logging_configuration:
        log_destination_configs: ["arn:aws:logs:eu-west-1:123456789012:log-group:aws-waf-logs-shop"]
secrets:
  description:
    - The secrets named C(<platform_name>/<platform_env>/*) or tagged with the platform (metadata only, never a
      value), each with its resource policy as Secrets Manager returns it (C(resource_policy), text, empty when none).
  returned: when O(sections) has C(secrets)
  type: list
  elements: dict
  sample:
    - name: shop/prod/database
      arn: arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/database-AbCdEf
      kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/...
      rotation_enabled: false
      rotation_lambda_arn: ""
      owning_service: ""
      resource_policy: '{"Version":"2012-10-17","Statement":[...]}'
task_definitions:
  description:
    - The latest ACTIVE revision of each task definition family named C(<prefix>-*); containers carry the names of
      their environment variables and secrets, never the values.
  returned: when O(sections) has C(task_definitions)
  type: list
  elements: dict
  sample:
    - family: shop-prod-shop
      task_definition_arn: arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-prod-shop:7
      containers:
        - name: prestashop
          environment_names: [PS_DOMAIN]
          secret_names: [DB_PASSWD]
flow_logs:
  description: The flow logs of the VPCs in O(vpc_ids) (snake_case keys of C(DescribeFlowLogs)).
  returned: when O(sections) has C(flow_logs)
  type: list
  elements: dict
  sample:
    - flow_log_id: fl-0123456789abcdef0
      resource_id: vpc-0123456789abcdef0
      flow_log_status: ACTIVE
      traffic_type: ALL
sns_topics:
  description: The topics named C(<prefix>-*) with their encryption key.
  returned: when O(sections) has C(sns_topics)
  type: list
  elements: dict
  sample:
    - name: shop-prod-alarms
      arn: arn:aws:sns:eu-west-1:123456789012:shop-prod-alarms
      kms_master_key_id: alias/shop-prod
cache_replication_groups:
  description:
    - The ElastiCache replication groups named C(<prefix>-*) or tagged with the platform (snake_case keys of
      C(DescribeReplicationGroups), plus their C(tags) as a dict). The AUTH token itself is never returned by
      AWS, only whether one is set.
    - C(transit_encryption_mode) is present only when AWS returns it.
  returned: when O(sections) has C(cache_replication_groups)
  type: list
  elements: dict
  sample:
    - replication_group_id: shop-prod-redis
      arn: arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:shop-prod-redis
      status: available
      member_clusters: [shop-prod-redis-001, shop-prod-redis-002]
      at_rest_encryption_enabled: true
      kms_key_id: arn:aws:kms:eu-west-1:123456789012:key/...
      transit_encryption_enabled: true
      transit_encryption_mode: required
      auth_token_enabled: true
      user_group_ids: []
      automatic_failover: enabled
      multi_az: enabled
      tags: {Platform: shop, Environment: prod, Component: cache}
guardduty_detectors:
  description:
    - The region's GuardDuty detectors (an account has at most one per region, whoever created it), with their
      status, tags and protection plans (C(Features) of C(GetDetector)).
  returned: when O(sections) has C(guardduty_detectors)
  type: list
  elements: dict
  sample:
    - detector_id: 12abc34d567e8fa901bc2d34e56789f0
      status: ENABLED
      tags: {Platform: shop, Environment: prod}
      features:
        - name: RUNTIME_MONITORING
          status: ENABLED
          additional_configuration: [{name: EC2_AGENT_MANAGEMENT, status: ENABLED}]
ecs_services:
  description:
    - The ECS clusters named C(<prefix>-*), each with its services (name, status, counts, launch type or capacity
      provider strategy, target groups) and the images of the containers of the task definition each service runs.
      No environment variable or secret is read.
  returned: when O(sections) has C(ecs_services)
  type: list
  elements: dict
  sample:
    - cluster_name: shop-prod-cluster
      cluster_arn: arn:aws:ecs:eu-west-1:123456789012:cluster/shop-prod-cluster
      status: ACTIVE
      services:
        - service_name: shop-prod-shop
          service_arn: arn:aws:ecs:eu-west-1:123456789012:service/shop-prod-cluster/shop-prod-shop
          status: ACTIVE
          desired_count: 2
          running_count: 2
          task_definition: arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-prod-shop:7
          target_group_arns: ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-prod-app/abc"]
          capacity_providers: [shop-prod-ecs]
          images: [{name: prestashop, image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-prod@sha256:..."}]
efs_policies:
  description:
    - The file systems tagged C(Platform)/C(Environment) with their file-system policy (C(policy), a dict, C({}) when
      the file system has none - EFS's default policy, which lets any client in).
  returned: when O(sections) has C(efs_policies)
  type: list
  elements: dict
  sample:
    - file_system_id: fs-0123456789abcdef0
      name: shop-prod-efs
      policy: {Version: "2012-10-17", Statement: [{Sid: DenyInsecureTransport, Effect: Deny}]}
iam_roles:
  description:
    - The IAM roles named C(<prefix>-*) with their trust policy (C(assume_role_policy_document), a dict).
  returned: when O(sections) has C(iam_roles)
  type: list
  elements: dict
  sample:
    - role_name: shop-prod-backup
      arn: arn:aws:iam::123456789012:role/shop-prod-backup
      assume_role_policy_document:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: backup.amazonaws.com}
            Action: sts:AssumeRole
            Condition: {StringEquals: {"aws:SourceAccount": "123456789012"}}
dashboards:
  description: The CloudWatch dashboards named C(<prefix>) or C(<prefix>-*).
  returned: when O(sections) has C(dashboards)
  type: list
  elements: dict
  sample:
    - dashboard_name: shop-prod
      dashboard_arn: arn:aws:cloudwatch::123456789012:dashboard/shop-prod
"""

import json
from typing import Any
from urllib.parse import unquote

try:
    import botocore
except ImportError:
    pass  # handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

SECTIONS = [
    "ecr_repositories",
    "launch_templates",
    "web_acls",
    "secrets",
    "task_definitions",
    "flow_logs",
    "sns_topics",
    "cache_replication_groups",
    "guardduty_detectors",
    "ecs_services",
    "dashboards",
    "efs_policies",
    "iam_roles",
]
# What playbooks/audit.yml reads: every section but those the audit does not judge.
DEFAULT_SECTIONS = [s for s in SECTIONS if s not in ("ecs_services", "dashboards")]
AWS_ERRORS: tuple[type[Exception], ...] = ()
if "botocore" in globals():
    AWS_ERRORS = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)


def _client(module: AnsibleAWSModule, service: str) -> Any:
    if service == "ec2":
        return module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    return module.client(
        service, retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
    )


@AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
def _pages(client: Any, operation: str, key: str, **request: Any) -> list[dict[str, Any]]:
    paginator = client.get_paginator(operation)
    return paginator.paginate(**request).build_full_result().get(key, [])


def ecr_repositories(module: AnsibleAWSModule, prefix: str) -> list[dict[str, Any]]:
    client = _client(module, "ecr")
    try:
        repositories = _pages(client, "describe_repositories", "repositories")
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe the ECR repositories")
    return [camel_dict_to_snake_dict(r) for r in repositories if r["repositoryName"].startswith(f"{prefix}-")]


def launch_templates(module: AnsibleAWSModule, name: str, env: str) -> list[dict[str, Any]]:
    client = _client(module, "ec2")
    filters = [{"Name": "tag:Platform", "Values": [name]}, {"Name": "tag:Environment", "Values": [env]}]
    result = []
    try:
        templates = client.describe_launch_templates(aws_retry=True, Filters=filters)["LaunchTemplates"]
        for template in templates:
            versions = client.describe_launch_template_versions(
                aws_retry=True, LaunchTemplateId=template["LaunchTemplateId"], Versions=["$Default"]
            )["LaunchTemplateVersions"]
            data = versions[0].get("LaunchTemplateData", {}) if versions else {}
            item = camel_dict_to_snake_dict({k: v for k, v in template.items() if k != "Tags"})
            item["tags"] = boto3_tag_list_to_ansible_dict(template.get("Tags", []))
            # UserData is opaque and may be large: its presence is enough for an audit.
            item["launch_template_data"] = camel_dict_to_snake_dict({k: v for k, v in data.items() if k != "UserData"})
            result.append(item)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe the launch templates")
    return result


def web_acls(module: AnsibleAWSModule, prefix: str) -> list[dict[str, Any]]:
    client = _client(module, "wafv2")
    result = []
    try:
        acls, marker = [], None
        while True:
            request = {"Scope": "REGIONAL", "Limit": 100}
            if marker:
                request["NextMarker"] = marker
            response = client.list_web_acls(aws_retry=True, **request)
            acls.extend(response.get("WebACLs", []))
            marker = response.get("NextMarker")
            if not marker or not response.get("WebACLs"):
                break
        for acl in acls:
            if not acl["Name"].startswith(f"{prefix}-"):
                continue
            resources = client.list_resources_for_web_acl(
                aws_retry=True, WebACLArn=acl["ARN"], ResourceType="APPLICATION_LOAD_BALANCER"
            ).get("ResourceArns", [])
            try:
                logging = client.get_logging_configuration(aws_retry=True, ResourceArn=acl["ARN"])
                logging = camel_dict_to_snake_dict(logging.get("LoggingConfiguration", {}))
            except is_boto3_error_code("WAFNonexistentItemException"):
                logging = {}
            result.append(
                {
                    "name": acl["Name"],
                    "arn": acl["ARN"],
                    "id": acl["Id"],
                    "resource_arns": resources,
                    "logging_configuration": logging,
                }
            )
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read the web ACLs")
    return result


def secrets(module: AnsibleAWSModule, name: str, env: str) -> list[dict[str, Any]]:
    client = _client(module, "secretsmanager")
    try:
        by_name = _pages(client, "list_secrets", "SecretList", Filters=[{"Key": "name", "Values": [f"{name}/{env}/"]}])
        by_tag = _pages(
            client,
            "list_secrets",
            "SecretList",
            Filters=[{"Key": "tag-key", "Values": ["Platform"]}, {"Key": "tag-value", "Values": [name]}],
        )
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the secrets")
    found: dict[str, dict[str, Any]] = {}
    for secret in by_name + by_tag:
        tags = boto3_tag_list_to_ansible_dict(secret.get("Tags", []))
        in_scope = secret["Name"].startswith(f"{name}/{env}/") or (
            tags.get("Platform") == name and tags.get("Environment") == env
        )
        if not in_scope or secret["ARN"] in found:
            continue
        found[secret["ARN"]] = {
            "name": secret["Name"],
            "arn": secret["ARN"],
            "kms_key_id": secret.get("KmsKeyId", ""),
            "rotation_enabled": bool(secret.get("RotationEnabled", False)),
            "rotation_lambda_arn": secret.get("RotationLambdaARN", ""),
            "owning_service": secret.get("OwningService", ""),
            "tags": tags,
            "resource_policy": _secret_policy(module, client, secret["ARN"]),
        }
    return sorted(found.values(), key=lambda s: s["name"])


def _secret_policy(module: AnsibleAWSModule, client: Any, arn: str) -> str:
    try:
        return client.get_resource_policy(aws_retry=True, SecretId=arn).get("ResourcePolicy") or ""
    except is_boto3_error_code("ResourceNotFoundException"):
        return ""
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read the resource policy of {arn}")


def efs_policies(module: AnsibleAWSModule, name: str, env: str) -> list[dict[str, Any]]:
    client = _client(module, "efs")
    try:
        systems = _pages(client, "describe_file_systems", "FileSystems")
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the file systems")
    result = []
    for system in systems:
        tags = boto3_tag_list_to_ansible_dict(system.get("Tags", []))
        if tags.get("Platform") != name or tags.get("Environment") != env:
            continue
        try:
            policy = json.loads(
                client.describe_file_system_policy(aws_retry=True, FileSystemId=system["FileSystemId"]).get("Policy")
                or "{}"
            )
        except is_boto3_error_code(["PolicyNotFound", "FileSystemNotFound"]):
            policy = {}
        except AWS_ERRORS as e:  # pylint: disable=duplicate-except
            module.fail_json_aws(e, msg=f"Failed to read the policy of {system['FileSystemId']}")
        result.append({"file_system_id": system["FileSystemId"], "name": system.get("Name", ""), "policy": policy})
    return sorted(result, key=lambda f: f["file_system_id"])


def iam_roles(module: AnsibleAWSModule, prefix: str) -> list[dict[str, Any]]:
    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        roles = _pages(client, "list_roles", "Roles")
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the IAM roles")
    result = []
    for role in roles:
        if not role["RoleName"].startswith(f"{prefix}-"):
            continue
        document = role.get("AssumeRolePolicyDocument") or {}
        if isinstance(document, str):  # URL-encoded JSON in the raw API; boto3 decodes it
            document = json.loads(unquote(document))
        result.append({"role_name": role["RoleName"], "arn": role["Arn"], "assume_role_policy_document": document})
    return sorted(result, key=lambda r: r["role_name"])


def task_definitions(module: AnsibleAWSModule, prefix: str) -> list[dict[str, Any]]:
    client = _client(module, "ecs")
    result = []
    try:
        families = _pages(
            client, "list_task_definition_families", "families", familyPrefix=f"{prefix}-", status="ACTIVE"
        )
        for family in sorted(set(families)):
            try:
                definition = client.describe_task_definition(aws_retry=True, taskDefinition=family)["taskDefinition"]
            except is_boto3_error_code("ClientException"):
                continue  # every revision went INACTIVE between the two calls
            containers = [
                {
                    "name": c.get("name", ""),
                    "image": c.get("image", ""),
                    "environment_names": sorted(e["name"] for e in c.get("environment", [])),
                    "secret_names": sorted(s["name"] for s in c.get("secrets", [])),
                    "environment_files": [f.get("value", "") for f in c.get("environmentFiles", [])],
                }
                for c in definition.get("containerDefinitions", [])
            ]
            result.append(
                {
                    "family": definition["family"],
                    "revision": definition.get("revision"),
                    "task_definition_arn": definition["taskDefinitionArn"],
                    "containers": containers,
                }
            )
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read the task definitions")
    return result


def flow_logs(module: AnsibleAWSModule, vpc_ids: list[str]) -> list[dict[str, Any]]:
    if not vpc_ids:
        return []
    client = _client(module, "ec2")
    try:
        logs = client.describe_flow_logs(aws_retry=True, Filters=[{"Name": "resource-id", "Values": vpc_ids}])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to describe the flow logs")
    return [camel_dict_to_snake_dict(f, ignore_list=["Tags"]) for f in logs.get("FlowLogs", [])]


def sns_topics(module: AnsibleAWSModule, prefix: str) -> list[dict[str, Any]]:
    client = _client(module, "sns")
    result = []
    try:
        for topic in _pages(client, "list_topics", "Topics"):
            arn = topic["TopicArn"]
            topic_name = arn.rsplit(":", 1)[-1]
            if not topic_name.startswith(f"{prefix}-"):
                continue
            try:
                attributes = client.get_topic_attributes(aws_retry=True, TopicArn=arn)["Attributes"]
            except is_boto3_error_code("NotFound"):
                continue
            result.append({"name": topic_name, "arn": arn, "kms_master_key_id": attributes.get("KmsMasterKeyId", "")})
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read the SNS topics")
    return result


def cache_replication_groups(module: AnsibleAWSModule, name: str, env: str) -> list[dict[str, Any]]:
    client = _client(module, "elasticache")
    prefix = f"{name}-{env}-"
    result = []
    try:
        groups = _pages(client, "describe_replication_groups", "ReplicationGroups")
        for group in groups:
            try:
                tags = client.list_tags_for_resource(aws_retry=True, ResourceName=group["ARN"]).get("TagList", [])
            except is_boto3_error_code("ReplicationGroupNotFoundFault"):
                continue  # deleted between the two calls
            except is_boto3_error_code("InvalidReplicationGroupState"):  # pylint: disable=duplicate-except
                tags = []  # being created or deleted: its tags cannot be read yet, its name still can
            tags = boto3_tag_list_to_ansible_dict(tags)
            in_scope = group["ReplicationGroupId"].startswith(prefix) or (
                tags.get("Platform") == name and tags.get("Environment") == env
            )
            if not in_scope:
                continue
            item = camel_dict_to_snake_dict(group)
            item["tags"] = tags
            result.append(item)
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read the ElastiCache replication groups")
    return sorted(result, key=lambda g: g["replication_group_id"])


def guardduty_detectors(module: AnsibleAWSModule) -> list[dict[str, Any]]:
    client = _client(module, "guardduty")
    result = []
    try:
        for detector_id in _pages(client, "list_detectors", "DetectorIds"):
            detector = client.get_detector(aws_retry=True, DetectorId=detector_id)
            features = [
                {
                    "name": feature.get("Name", ""),
                    "status": feature.get("Status", "DISABLED"),
                    "additional_configuration": [
                        {"name": extra.get("Name", ""), "status": extra.get("Status", "DISABLED")}
                        for extra in feature.get("AdditionalConfiguration") or []
                    ],
                }
                for feature in detector.get("Features") or []
            ]
            result.append(
                {
                    "detector_id": detector_id,
                    "status": detector.get("Status", ""),
                    "tags": detector.get("Tags") or {},
                    "features": features,
                }
            )
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to read the GuardDuty detectors")
    return result


def _service_images(client: Any, task_definition: str, seen: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    if task_definition not in seen:
        try:
            definition = client.describe_task_definition(aws_retry=True, taskDefinition=task_definition)
            containers = definition["taskDefinition"].get("containerDefinitions", [])
        except is_boto3_error_code("ClientException"):
            containers = []  # deregistered and gone
        seen[task_definition] = [{"name": c.get("name", ""), "image": c.get("image", "")} for c in containers]
    return seen[task_definition]


def ecs_services(module: AnsibleAWSModule, prefix: str) -> list[dict[str, Any]]:
    client = _client(module, "ecs")
    result = []
    images: dict[str, list[dict[str, str]]] = {}
    try:
        arns = [
            a for a in _pages(client, "list_clusters", "clusterArns") if a.rsplit("/", 1)[-1].startswith(f"{prefix}-")
        ]
        clusters = client.describe_clusters(aws_retry=True, clusters=arns)["clusters"] if arns else []
        for cluster in sorted(clusters, key=lambda c: c["clusterName"]):
            if cluster.get("status") == "INACTIVE":
                continue  # a deleted cluster stays listed for a while
            service_arns = _pages(client, "list_services", "serviceArns", cluster=cluster["clusterArn"])
            described = []
            for start in range(0, len(service_arns), 10):  # DescribeServices takes 10 at a time
                described += client.describe_services(
                    aws_retry=True, cluster=cluster["clusterArn"], services=service_arns[start : start + 10]
                )["services"]
            services = [
                {
                    "service_name": s["serviceName"],
                    "service_arn": s["serviceArn"],
                    "status": s.get("status", ""),
                    "desired_count": s.get("desiredCount", 0),
                    "running_count": s.get("runningCount", 0),
                    "launch_type": s.get("launchType", ""),
                    "capacity_providers": [p["capacityProvider"] for p in s.get("capacityProviderStrategy", [])],
                    "task_definition": s.get("taskDefinition", ""),
                    "target_group_arns": [
                        lb["targetGroupArn"] for lb in s.get("loadBalancers", []) if "targetGroupArn" in lb
                    ],
                    "images": _service_images(client, s["taskDefinition"], images) if s.get("taskDefinition") else [],
                }
                for s in described
                if s.get("status") != "INACTIVE"
            ]
            result.append(
                {
                    "cluster_name": cluster["clusterName"],
                    "cluster_arn": cluster["clusterArn"],
                    "status": cluster.get("status", ""),
                    "services": sorted(services, key=lambda s: s["service_name"]),
                }
            )
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg="Failed to read the ECS clusters and services")
    return result


def dashboards(module: AnsibleAWSModule, prefix: str) -> list[dict[str, Any]]:
    client = _client(module, "cloudwatch")
    try:
        entries = _pages(client, "list_dashboards", "DashboardEntries", DashboardNamePrefix=prefix)
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the dashboards")
    return [
        {"dashboard_name": d["DashboardName"], "dashboard_arn": d.get("DashboardArn", "")}
        for d in sorted(entries, key=lambda d: d["DashboardName"])
        if d["DashboardName"] == prefix or d["DashboardName"].startswith(f"{prefix}-")
    ]


def main() -> None:
    argument_spec = {
        "platform_name": {"type": "str", "required": True},
        "platform_env": {"type": "str", "required": True},
        "vpc_ids": {"type": "list", "elements": "str", "default": []},
        "sections": {"type": "list", "elements": "str", "choices": SECTIONS, "default": DEFAULT_SECTIONS},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    name, env = module.params["platform_name"], module.params["platform_env"]
    prefix = f"{name}-{env}"
    readers = {
        "ecr_repositories": lambda: ecr_repositories(module, prefix),
        "launch_templates": lambda: launch_templates(module, name, env),
        "web_acls": lambda: web_acls(module, prefix),
        "secrets": lambda: secrets(module, name, env),
        "task_definitions": lambda: task_definitions(module, prefix),
        "flow_logs": lambda: flow_logs(module, module.params["vpc_ids"]),
        "sns_topics": lambda: sns_topics(module, prefix),
        "cache_replication_groups": lambda: cache_replication_groups(module, name, env),
        "guardduty_detectors": lambda: guardduty_detectors(module),
        "ecs_services": lambda: ecs_services(module, prefix),
        "dashboards": lambda: dashboards(module, prefix),
        "efs_policies": lambda: efs_policies(module, name, env),
        "iam_roles": lambda: iam_roles(module, prefix),
    }
    result: dict[str, Any] = {"changed": False}
    for section in module.params["sections"]:
        result[section] = readers[section]()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
