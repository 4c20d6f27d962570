# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cloudwatch_dashboard
version_added: 0.1.0
short_description: Manage a CloudWatch dashboard
description:
  - Creates, replaces and deletes a CloudWatch dashboard (C(PutDashboard), C(DeleteDashboards)), which no
    amazon.aws or community.aws module does.
  - The body is compared as JSON data (key order and whitespace do not matter); when it differs the whole
    dashboard is replaced.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the dashboard should exist.
    type: str
    choices: ['present', 'absent']
    default: present
  name:
    description:
      - The name of the dashboard (up to 255 characters of letters, digits, C(-) and C(_)).
    type: str
    required: true
  body:
    description:
      - The dashboard body (C(widgets), optionally C(start), C(periodOverride), ...), as a dict or a JSON string.
      - Required when O(state=present).
    type: raw
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
  - The IAM actions used are C(cloudwatch:GetDashboard), C(cloudwatch:PutDashboard) and
    C(cloudwatch:DeleteDashboards).
"""

EXAMPLES = r"""
- name: A dashboard with one metric widget
  kstore.platform.cloudwatch_dashboard:
    name: shop-prod
    body:
      widgets:
        - type: metric
          x: 0
          y: 0
          width: 12
          height: 6
          properties:
            title: ALB requests
            region: eu-west-1
            stat: Sum
            period: 60
            metrics:
              - [AWS/ApplicationELB, RequestCount, LoadBalancer, app/shop-prod-alb/0123456789abcdef]

- name: Delete the dashboard
  kstore.platform.cloudwatch_dashboard:
    name: shop-prod
    state: absent
"""

RETURN = r"""
dashboard_arn:
  description: The ARN of the dashboard.
  returned: when the dashboard exists after the task
  type: str
  sample: arn:aws:cloudwatch::123456789012:dashboard/shop-prod
body:
  description: The body of the dashboard after the task (in check mode, the body it would have).
  returned: when O(state=present)
  type: dict
  sample: {"widgets": []}
validation_messages:
  description: The warnings AWS returned about the body.
  returned: when the dashboard was written
  type: list
  elements: dict
  sample: []
"""

import json
import re
from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def get_dashboard(module: AnsibleAWSModule, client: Any, name: str) -> dict[str, Any] | None:
    try:
        answer = client.get_dashboard(aws_retry=True, DashboardName=name)
    except is_boto3_error_code("ResourceNotFound"):
        return None
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to read dashboard {name}")
    return {"dashboard_arn": answer.get("DashboardArn", ""), "body": json.loads(answer.get("DashboardBody") or "{}")}


def wanted_body(module: AnsibleAWSModule) -> dict[str, Any]:
    body = module.params["body"]
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError as e:
            module.fail_json(msg=f"body is not valid JSON: {e}")
    if not isinstance(body, dict) or not isinstance(body.get("widgets", []), list):
        module.fail_json(msg="body must be a dashboard body: a dict (or JSON object) with a 'widgets' list")
    # Through JSON once, as AWS stores it: numbers and strings compare as they will be read back.
    return json.loads(json.dumps(body))


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "name": {"type": "str", "required": True},
        "body": {"type": "raw"},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec, supports_check_mode=True, required_if=[("state", "present", ["body"])]
    )
    name = module.params["name"]
    if not re.match(r"^[A-Za-z0-9_-]{1,255}$", name):
        module.fail_json(msg=f"name must be 1-255 letters, digits, '-' and '_', got {name!r}")
    body = wanted_body(module) if module.params["state"] == "present" else None
    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())

    existing = get_dashboard(module, client, name)
    result: dict[str, Any] = {"changed": False}
    if body is not None:
        result["body"] = body
        if existing is not None:
            result["dashboard_arn"] = existing["dashboard_arn"]
        if existing is None or existing["body"] != body:
            result["changed"] = True
            if not module.check_mode:
                try:
                    answer = client.put_dashboard(aws_retry=True, DashboardName=name, DashboardBody=json.dumps(body))
                except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
                    module.fail_json_aws(e, msg=f"Failed to put dashboard {name}")
                result["validation_messages"] = answer.get("DashboardValidationMessages", [])
                written = get_dashboard(module, client, name)
                result["dashboard_arn"] = written["dashboard_arn"] if written else ""
    elif existing is not None:
        result["changed"] = True
        if not module.check_mode:
            try:
                client.delete_dashboards(aws_retry=True, DashboardNames=[name])
            except is_boto3_error_code("ResourceNotFound"):
                pass  # Gone meanwhile.
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(e, msg=f"Failed to delete dashboard {name}")
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = {"before": (existing or {}).get("body", {}), "after": body or {}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
