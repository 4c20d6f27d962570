# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The target-bucket policy statement that lets S3 server access logging write one source bucket's logs."""

from __future__ import annotations

import re
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: s3_access_log_statement
short_description: Bucket-policy statement granting S3 server access log delivery for one source bucket
version_added: 0.1.0
description:
  - AWS's recommended grant for server access logging (Amazon S3 user guide, "Permissions for log delivery") -
    C(s3:PutObject) for the service principal C(logging.s3.amazonaws.com) under the source bucket's prefix,
    limited by C(aws:SourceArn) (the source bucket) and C(aws:SourceAccount), not the C(LogDelivery) ACL group.
options:
  _input:
    description: The source bucket's name.
    type: str
    required: true
  target_bucket_arn:
    description: The ARN of the bucket that receives the logs.
    type: str
    required: true
  prefix:
    description: The logs go under C(<prefix>/<source bucket>/).
    type: str
    required: true
  account:
    description: The 12-digit account that owns the source bucket.
    type: str
    required: true
  partition:
    description: The AWS partition.
    type: str
    default: aws
"""

EXAMPLES = r"""
- name: The grant for the media bucket
  ansible.builtin.debug:
    msg: "{{ 'shop-prod-media-123456789012' | kstore.platform.s3_access_log_statement(
             'arn:aws:s3:::shop-prod-logs-123456789012', 's3-access', '123456789012') }}"
"""

RETURN = r"""
_value:
  description: One policy statement (a dict), its C(Sid) derived from the source bucket's name.
  type: dict
"""


def s3_access_log_statement(
    source_bucket: Any, target_bucket_arn: Any, prefix: Any, account: Any, partition: str = "aws"
) -> dict[str, Any]:
    source, target, prefix, account = str(source_bucket), str(target_bucket_arn), str(prefix).strip("/"), str(account)
    if not re.match(r"^\d{12}$", account):
        raise AnsibleFilterError(f"s3_access_log_statement: account must be 12 digits, got '{account}'")
    if not target.startswith(f"arn:{partition}:s3:::") or not source or not prefix:
        raise AnsibleFilterError(
            f"s3_access_log_statement: needs a source bucket, a target bucket ARN and a prefix, got "
            f"'{source}', '{target}', '{prefix}'"
        )
    return {
        "Sid": "S3ServerAccessLogs" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", source)),
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{target}/{prefix}/{source}/*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": f"arn:{partition}:s3:::{source}"},
            "StringEquals": {"aws:SourceAccount": account},
        },
    }


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"s3_access_log_statement": s3_access_log_statement}
