# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ec2_vpc_endpoint_policy
version_added: 0.1.0
short_description: Set the policy of an existing VPC endpoint
description:
  - Sets the endpoint policy of an existing VPC endpoint (C(ModifyVpcEndpoint) with C(PolicyDocument)).
  - M(amazon.aws.ec2_vpc_endpoint) passes a policy only when it creates an endpoint and never changes the policy of
    one that exists, so an endpoint created earlier keeps AWS's default full-access policy without this module.
  - The policies are compared as policies (order of statements and of list items, a single value or a list of one),
    not as text.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  vpc_endpoint_id:
    description:
      - The id of the endpoint (V(vpce-...)). It must exist.
    type: str
    required: true
  policy:
    description:
      - The endpoint policy, a dict or its JSON text. It must contain a C(Principal) in every statement, as AWS
        requires for endpoint policies.
    type: json
    required: true
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
    support: full
notes:
  - The IAM actions used are C(ec2:DescribeVpcEndpoints) and C(ec2:ModifyVpcEndpoint).
  - Not every AWS service accepts an endpoint policy (C(VpcEndpointPolicySupported) of
    C(DescribeVpcEndpointServices)); for those AWS refuses the change and the module fails.
"""

EXAMPLES = r"""
- name: Only this account's principals may use the endpoint
  kstore.platform.ec2_vpc_endpoint_policy:
    vpc_endpoint_id: vpce-0123456789abcdef0
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: "*"
          Resource: "*"
          Condition:
            StringEquals:
              aws:PrincipalAccount: "123456789012"
"""

RETURN = r"""
vpc_endpoint_id:
  description: The id of the endpoint.
  returned: always
  type: str
  sample: vpce-0123456789abcdef0
policy:
  description: The endpoint's policy after the task (in check mode, the policy it would have).
  returned: always
  type: dict
  sample: {"Version": "2012-10-17", "Statement": []}
"""

import json
from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def current_policy(module: AnsibleAWSModule, client: Any, endpoint_id: str) -> dict[str, Any]:
    """The endpoint's policy as a dict ({} when it has none); fails when the endpoint does not exist."""
    try:
        endpoints = client.describe_vpc_endpoints(aws_retry=True, VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    except is_boto3_error_code("InvalidVpcEndpointId.NotFound"):
        endpoints = []
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to describe VPC endpoint {endpoint_id}")
    live = [e for e in endpoints if e.get("State", "").lower() not in ("deleting", "deleted")]
    if not live:
        module.fail_json(
            msg=f"VPC endpoint {endpoint_id} does not exist: create it first (amazon.aws.ec2_vpc_endpoint)"
        )
    document = live[0].get("PolicyDocument") or ""
    try:
        return json.loads(document) if document else {}
    except ValueError:
        module.fail_json(msg=f"VPC endpoint {endpoint_id} has a policy that is not JSON: {document[:200]}")


def main() -> None:
    argument_spec = {
        "vpc_endpoint_id": {"type": "str", "required": True},
        "policy": {"type": "json", "required": True},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    endpoint_id = module.params["vpc_endpoint_id"]
    if not endpoint_id.startswith("vpce-"):
        module.fail_json(msg=f"vpc_endpoint_id must be an endpoint id (vpce-...), got {endpoint_id!r}")
    try:
        wanted = json.loads(module.params["policy"])
    except ValueError as e:
        module.fail_json(msg=f"policy is not JSON: {e}")
    statements = wanted.get("Statement") if isinstance(wanted, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not statements or any(not isinstance(s, dict) or "Principal" not in s for s in statements):
        module.fail_json(msg="policy must be a policy document whose every statement has a Principal")

    client = module.client("ec2", retry_decorator=AWSRetry.jittered_backoff())
    before = current_policy(module, client, endpoint_id)
    changed = compare_policies(before, wanted)
    if changed and not module.check_mode:
        try:
            client.modify_vpc_endpoint(aws_retry=True, VpcEndpointId=endpoint_id, PolicyDocument=json.dumps(wanted))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg=f"Failed to set the policy of VPC endpoint {endpoint_id}")

    result: dict[str, Any] = {"changed": changed, "vpc_endpoint_id": endpoint_id, "policy": wanted}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": {"policy": before}, "after": {"policy": wanted}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
