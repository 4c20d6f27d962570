# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The network tier's VPC endpoint policies: this account's principals only; for S3, the platform's buckets and the
AWS-owned buckets the instances need."""

from __future__ import annotations

import json
import re
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.module_utils.endpoint_policy import (
    full_access_statements,
    parse_policy,
)

DOCUMENTATION = r"""
name: endpoint_policies
short_description: VPC endpoint policies restricted to this account's principals
version_added: 0.1.0
description:
  - Builds one endpoint policy per enabled VPC endpoint of the network tier.
  - Interface endpoints - any action, only by principals of O(account_id) (condition C(aws:PrincipalAccount)).
  - The S3 gateway endpoint - any S3 action on the buckets named by O(buckets) (the platform's own), by principals of
    O(account_id) on buckets of O(account_id) (C(aws:PrincipalAccount) and C(aws:ResourceAccount)); and
    C(s3:GetObject) on the objects of the AWS-owned buckets O(aws_buckets) (ECR image layers, SSM Agent, Amazon Linux
    repositories), which are reached with ECR's pre-signed URLs or anonymously, so no account condition can apply.
  - A policy in O(overrides) replaces the built one for that endpoint; it is refused when it grants full access
    (an unconditional allow of every action on every resource to every principal, AWS's default).
  - Fails naming the variable (C(network_endpoint_policies), C(network_s3_endpoint_buckets),
    C(network_s3_endpoint_aws_buckets)) on a bad input, so the role can run it in its validation.
options:
  _input:
    description: The endpoint keys to build a policy for (V(s3), V(ssm), V(ecr_api), ...).
    type: list
    elements: str
    required: true
  account_id:
    description: The 12-digit account whose principals (and, for S3, buckets) the endpoints serve.
    type: str
    required: true
  region:
    description: The region (it gives the partition of the ARNs, C(aws), C(aws-cn) or C(aws-us-gov)).
    type: str
    required: true
  buckets:
    description: Names or patterns (C(*), C(?)) of the platform's buckets, reachable through the S3 endpoint.
    type: list
    elements: str
    default: []
  aws_buckets:
    description: Names of AWS-owned buckets whose objects the instances read through the S3 endpoint.
    type: list
    elements: str
    default: []
  overrides:
    description: Endpoint key to a whole policy document (dict or JSON text) used instead of the built one.
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: The endpoint policies of the enabled endpoints
  ansible.builtin.set_fact:
    policies: >-
      {{ ['s3', 'ssm'] | kstore.platform.endpoint_policies(account_id='123456789012', region='eu-west-1',
           buckets=['shop-prod-*'], aws_buckets=['prod-eu-west-1-starport-layer-bucket']) }}
"""

RETURN = r"""
_value:
  description: Endpoint key to its policy document (a dict).
  type: dict
"""

ACCOUNT = re.compile(r"^\d{12}$")
# S3 bucket names (3-63 of a-z 0-9 . -) with the wildcards IAM allows in a resource ARN.
BUCKET = re.compile(r"^[a-z0-9*?][a-z0-9.*?-]{0,62}$")
ENDPOINTS = ("s3", "ssm", "ssmmessages", "ec2messages", "ecr_api", "ecr_dkr", "logs", "secretsmanager")
MAX_POLICY_CHARS = 20480  # AWS's limit on an endpoint policy, white space included


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _check_buckets(names: Any, variable: str) -> list[str]:
    if not isinstance(names, list):
        raise AnsibleFilterError(f"{variable} must be a list of bucket names, got {type(names).__name__}")
    bad = [n for n in names if not isinstance(n, str) or not BUCKET.match(n) or n.strip("*?") == ""]
    if bad:
        raise AnsibleFilterError(
            f"{variable}: not bucket names (3-63 of a-z, 0-9, '.', '-', with * or ?, not a bare wildcard): {bad}"
        )
    return names


def _override(key: str, document: Any) -> dict[str, Any]:
    where = f"network_endpoint_policies.{key}"
    try:
        policy = parse_policy(document)
    except ValueError as e:
        raise AnsibleFilterError(f"{where} is not a policy document: {e}") from None
    if policy is None or not isinstance(policy.get("Statement"), (list, dict)) or not policy.get("Statement"):
        raise AnsibleFilterError(f"{where} must be a policy document with a Statement")
    statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    if any(not isinstance(s, dict) or "Principal" not in s for s in statements):
        raise AnsibleFilterError(f"{where}: every statement of an endpoint policy needs a Principal")
    if full_access_statements(policy):
        raise AnsibleFilterError(
            f"{where} grants full access (an unconditional Allow of * on * to *, AWS's default): restrict it to this "
            "account's principals (aws:PrincipalAccount) or to the resources the platform uses"
        )
    return policy


def endpoint_policies(
    endpoints: list[str],
    account_id: str,
    region: str,
    buckets: list[str] | None = None,
    aws_buckets: list[str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    account_id = str(account_id)
    if not ACCOUNT.match(account_id):
        raise AnsibleFilterError(f"endpoint_policies: account_id must be 12 digits, got {account_id!r}")
    overrides = overrides or {}
    if not isinstance(overrides, dict):
        raise AnsibleFilterError("network_endpoint_policies must be a dict: endpoint key -> policy document")
    unknown = sorted(set(overrides) - set(ENDPOINTS))
    if unknown:
        raise AnsibleFilterError(f"network_endpoint_policies: unknown endpoint(s) {unknown}; known: {list(ENDPOINTS)}")
    own = _check_buckets(buckets or [], "network_s3_endpoint_buckets")
    owned_by_aws = _check_buckets(aws_buckets or [], "network_s3_endpoint_aws_buckets")
    arn = f"arn:{partition(region)}:s3:::"
    in_account = {"aws:PrincipalAccount": account_id}

    policies: dict[str, dict[str, Any]] = {}
    for key in endpoints:
        if key in overrides:
            policies[key] = _override(key, overrides[key])
            continue
        if key != "s3":
            statements = [
                {
                    "Sid": "AccountPrincipalsOnly",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringEquals": in_account},
                }
            ]
        else:
            statements = []
            if own:
                statements.append(
                    {
                        "Sid": "PlatformBuckets",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [r for name in own for r in (f"{arn}{name}", f"{arn}{name}/*")],
                        "Condition": {"StringEquals": {**in_account, "aws:ResourceAccount": account_id}},
                    }
                )
            if owned_by_aws:
                statements.append(
                    {
                        "Sid": "AwsOwnedBucketsRead",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": [f"{arn}{name}/*" for name in owned_by_aws],
                    }
                )
            if not statements:
                raise AnsibleFilterError(
                    "network_s3_endpoint_buckets and network_s3_endpoint_aws_buckets are both empty: the S3 endpoint "
                    "would allow nothing; switch it off (network_endpoints.s3: false) instead"
                )
        policies[key] = {"Version": "2012-10-17", "Statement": statements}
    for key, policy in policies.items():
        if len(json.dumps(policy)) > MAX_POLICY_CHARS:
            raise AnsibleFilterError(f"the {key} endpoint's policy exceeds AWS's {MAX_POLICY_CHARS} characters")
    return policies


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"endpoint_policies": endpoint_policies}
