# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecs_cluster_settings
version_added: 0.1.0
short_description: Set the settings (Container Insights) and the tags of an existing ECS cluster
description:
  - Sets the Container Insights setting of an existing Amazon ECS cluster (C(UpdateClusterSettings)) and its tags,
    which C(community.aws.ecs_cluster) does not manage.
  - The cluster itself, its capacity providers and its default capacity provider strategy are left to
    C(community.aws.ecs_cluster), which creates the cluster and manages those idempotently.
  - Only what the task sets is compared; the rest is left as it is.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  cluster:
    description:
      - The name or ARN of the cluster. It must exist.
    type: str
    required: true
    aliases: ['name']
  container_insights:
    description:
      - CloudWatch Container Insights for the cluster. V(enhanced) adds task- and container-level metrics.
      - When not set, the setting is left alone.
    type: str
    choices: ['enabled', 'enhanced', 'disabled']
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The IAM actions used are C(ecs:DescribeClusters), C(ecs:UpdateClusterSettings), C(ecs:TagResource) and
    C(ecs:UntagResource).
"""

EXAMPLES = r"""
- name: Turn Container Insights on and tag the cluster
  kstore.platform.ecs_cluster_settings:
    cluster: shop-prod-cluster
    container_insights: enabled
    tags:
      Platform: shop
      Environment: prod

- name: Turn Container Insights off, leave the tags alone
  kstore.platform.ecs_cluster_settings:
    cluster: shop-prod-cluster
    container_insights: disabled
"""

RETURN = r"""
cluster:
  description: The cluster's settings and tags after the task (what they would be, in check mode).
  returned: always
  type: dict
  contains:
    cluster_arn:
      description: The ARN of the cluster.
      returned: always
      type: str
      sample: arn:aws:ecs:eu-west-1:123456789012:cluster/shop-prod-cluster
    cluster_name:
      description: The name of the cluster.
      returned: always
      type: str
      sample: shop-prod-cluster
    container_insights:
      description: The Container Insights setting.
      returned: always
      type: str
      sample: enabled
    tags:
      description: The tags of the cluster.
      returned: always
      type: dict
      sample: {"Platform": "shop", "Environment": "prod"}
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.kstore.platform.plugins.module_utils.tagging import plan_tags

try:
    BOTO_ERRORS: tuple[type[Exception], ...] = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)
except NameError:
    BOTO_ERRORS = ()


def describe(module: AnsibleAWSModule, client: Any, cluster: str) -> dict[str, Any]:
    try:
        answer = client.describe_clusters(aws_retry=True, clusters=[cluster], include=["SETTINGS", "TAGS"])
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to describe ECS cluster {cluster}")
    active = [found for found in answer.get("clusters", []) if found.get("status") == "ACTIVE"]
    if not active:
        module.fail_json(msg=f"ECS cluster {cluster} not found: create it first (community.aws.ecs_cluster)")
    found = active[0]
    settings = {setting["name"]: setting["value"] for setting in found.get("settings", [])}
    return {
        "cluster_arn": found["clusterArn"],
        "cluster_name": found["clusterName"],
        # AWS omits the setting on clusters that never set it: that is the account default, normally disabled.
        "container_insights": settings.get("containerInsights", "disabled"),
        "tags": {tag["key"]: tag["value"] for tag in found.get("tags", [])},
    }


def apply(module: AnsibleAWSModule, client: Any, current: dict[str, Any], wanted: dict[str, Any]) -> None:
    arn = current["cluster_arn"]
    to_set, to_unset, _after = plan_tags(current["tags"], module.params["tags"], module.params["purge_tags"])
    try:
        if wanted["container_insights"] != current["container_insights"]:
            client.update_cluster_settings(
                aws_retry=True,
                cluster=arn,
                settings=[{"name": "containerInsights", "value": wanted["container_insights"]}],
            )
        if to_unset:
            client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_unset)
        if to_set:
            client.tag_resource(
                aws_retry=True, resourceArn=arn, tags=[{"key": key, "value": value} for key, value in to_set.items()]
            )
    except BOTO_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to update ECS cluster {current['cluster_name']}")


def main() -> None:
    argument_spec = {
        "cluster": {"type": "str", "required": True, "aliases": ["name"]},
        "container_insights": {"type": "str", "choices": ["enabled", "enhanced", "disabled"]},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client(
        "ecs", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
    )

    current = describe(module, client, module.params["cluster"])
    wanted = dict(current)
    if module.params["container_insights"] is not None:
        wanted["container_insights"] = module.params["container_insights"]
    wanted["tags"] = plan_tags(current["tags"], module.params["tags"], module.params["purge_tags"])[2]

    changed = wanted != current
    if changed and not module.check_mode:
        apply(module, client, current, wanted)
        wanted = describe(module, client, current["cluster_arn"])
    result: dict[str, Any] = {"changed": changed, "cluster": wanted}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": current, "after": wanted}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
