"""WAFv2 ListResourcesForWebACL.

AWS behaviour restored: ``ListResourcesForWebACL(WebACLArn, ResourceType)`` answers ``ResourceArns``, the
resources of that type associated with the regional web ACL through ``AssociateWebACL``; ``ResourceType``
defaults to ``APPLICATION_LOAD_BALANCER`` (also ``API_GATEWAY``, ``APPSYNC``, ``COGNITO_USER_POOL``,
``APP_RUNNER_SERVICE``, ``VERIFIED_ACCESS_INSTANCE``, ``AMPLIFY``); an unknown web ACL fails with
``WAFNonexistentItemException``. moto 5.2.5 records associations but does not implement this action (HTTP 500).

Needed by: ``community.aws.wafv2_resources`` (decides whether to associate or disassociate) and
``community.aws.wafv2_resources_info``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._patching import patch

DEFAULT_RESOURCE_TYPE = "APPLICATION_LOAD_BALANCER"
RESOURCE_TYPE_PATTERNS = {
    "APPLICATION_LOAD_BALANCER": r"^arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:loadbalancer/app/",
    "API_GATEWAY": r"^arn:[^:]+:apigateway:",
    "APPSYNC": r"^arn:[^:]+:appsync:",
    "COGNITO_USER_POOL": r"^arn:[^:]+:cognito-idp:",
    "APP_RUNNER_SERVICE": r"^arn:[^:]+:apprunner:",
    "VERIFIED_ACCESS_INSTANCE": r"^arn:[^:]+:ec2:[^:]*:[^:]*:verified-access-instance/",
    "AMPLIFY": r"^arn:[^:]+:amplify:",
}


def list_resources_for_web_acl(self: Any) -> tuple[int, dict[str, str], str]:
    from moto.wafv2.exceptions import WAFNonexistentItemException

    body = json.loads(self.body or "{}")
    web_acl = self.wafv2_backend.wacls.get(body.get("WebACLArn"))
    if web_acl is None:
        raise WAFNonexistentItemException()
    pattern = re.compile(RESOURCE_TYPE_PATTERNS.get(body.get("ResourceType") or DEFAULT_RESOURCE_TYPE, r"^$"))
    arns = [arn for arn in web_acl.associated_resources if pattern.search(arn)]
    return 200, {"Content-Type": "application/json"}, json.dumps({"ResourceArns": arns})


def apply() -> None:
    from moto.wafv2.responses import WAFV2Response

    patch(WAFV2Response, "list_resources_for_web_acl", __name__, lambda _original: list_resources_for_web_acl)
