# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecr_repository_tags
version_added: 0.1.0
short_description: Tag an ECR repository and report its settings
description:
  - Sets the tags of an existing ECR repository (M(community.aws.ecs_ecr) manages the repository but not its
    tags) and returns the repository as ECR describes it, encryption included.
  - Without O(tags) it only reads; RV(repository) is empty when the repository does not exist. This is how a role
    checks settings that are fixed at creation (encryption) before changing anything.
  - With O(tags) and no such repository it fails, except in check mode, where it reports the tags the repository
    would get once created.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  name:
    description:
      - The name of the repository.
    type: str
    required: true
  registry_id:
    description:
      - The account ID of the registry; the default is the caller's.
    type: str
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
  - The IAM actions used are C(ecr:DescribeRepositories), C(ecr:ListTagsForResource), C(ecr:TagResource) and
    C(ecr:UntagResource).
"""

EXAMPLES = r"""
- name: Tag the repository
  kstore.platform.ecr_repository_tags:
    name: shop-prod-prestashop
    tags:
      Platform: shop
      Environment: prod

- name: Read the repository (and its encryption) without changing anything
  kstore.platform.ecr_repository_tags:
    name: shop-prod-prestashop
  register: repo
"""

RETURN = r"""
repository:
  description:
    - The repository (snake_case keys of C(DescribeRepositories)); empty when it does not exist.
  returned: always
  type: dict
  sample:
    repository_name: shop-prod-prestashop
    repository_arn: arn:aws:ecr:eu-west-1:123456789012:repository/shop-prod-prestashop
    repository_uri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-prod-prestashop
    registry_id: "123456789012"
    image_tag_mutability: IMMUTABLE
    image_scanning_configuration: {scan_on_push: true}
    encryption_configuration: {encryption_type: KMS, kms_key: "arn:aws:kms:eu-west-1:123456789012:key/..."}
tags:
  description: The tags of the repository (after the change; in check mode, the tags it would have).
  returned: always
  type: dict
  sample: {"Platform": "shop", "Environment": "prod"}
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)
from ansible_collections.kstore.platform.plugins.module_utils.tagging import plan_tags


def describe(module: AnsibleAWSModule, client: Any) -> dict[str, Any] | None:
    request = {"repositoryNames": [module.params["name"]]}
    if module.params["registry_id"]:
        request["registryId"] = module.params["registry_id"]
    try:
        repositories = client.describe_repositories(aws_retry=True, **request)["repositories"]
    except is_boto3_error_code("RepositoryNotFoundException"):
        return None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to describe repository {module.params['name']}")
    return repositories[0] if repositories else None


def current_tags(module: AnsibleAWSModule, client: Any, arn: str) -> dict[str, str]:
    try:
        return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(aws_retry=True, resourceArn=arn)["tags"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to list the tags of {arn}")


def write_tags(module: AnsibleAWSModule, client: Any, arn: str, to_set: dict[str, str], to_unset: list[str]) -> None:
    try:
        if to_unset:
            client.untag_resource(aws_retry=True, resourceArn=arn, tagKeys=to_unset)
        if to_set:
            client.tag_resource(aws_retry=True, resourceArn=arn, tags=ansible_dict_to_boto3_tag_list(to_set))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg=f"Failed to update the tags of {arn}")


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "required": True},
        "registry_id": {"type": "str"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client(
        "ecr", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
    )
    params = module.params

    repository = describe(module, client)
    if repository is None:
        if params["tags"] is None:
            module.exit_json(changed=False, repository={}, tags={})
        if not module.check_mode:
            module.fail_json(msg=f"Repository {params['name']} does not exist: create it first (community.aws.ecs_ecr)")
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        module.exit_json(changed=True, repository={}, tags=tags, diff={"before": {}, "after": {"tags": tags}})

    before = current_tags(module, client, repository["repositoryArn"])
    to_set, to_unset, after = plan_tags(before, params["tags"], params["purge_tags"])
    changed = bool(to_set or to_unset)
    if changed and not module.check_mode:
        write_tags(module, client, repository["repositoryArn"], to_set, to_unset)
    result = {"changed": changed, "repository": camel_dict_to_snake_dict(repository), "tags": after}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": {"tags": before}, "after": {"tags": after}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
