# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ecr_login
version_added: 0.1.0
short_description: Get registry credentials for Amazon ECR
description:
  - Calls ECR C(GetAuthorizationToken) and decodes the token into the registry host, a user name and a password,
    ready for M(community.docker.docker_login) (or C(docker login --password-stdin)).
  - The password is a secret valid for 12 hours and is returned in clear text (a module cannot return a value that
    is both usable and masked; Ansible replaces every registered no_log value, C(module.no_log_values), by
    C(********) in the module's result as well). It never appears in the task's C(invocation) (no option holds it)
    nor in any message of the module. Set C(no_log) to V(true) on this task and on every task that uses the password,
    as in the examples, so that neither the registered result nor C(-v) output prints it.
  - Read only; it runs in check mode too (so later tasks of a C(--check) run get real credentials) and never reports
    a change.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  registry_ids:
    description:
      - The AWS account IDs of the registries to get a token for; the default is the caller's account.
      - All tokens AWS returns are decoded into RV(registries); the first one is also returned at the top level.
    type: list
    elements: str
  registry_url:
    description:
      - Report this registry instead of the one AWS names, for example the local environment's registry
        V(http://127.0.0.1:5001). The credentials still come from, and so prove, the ECR API call.
      - V(http://) and V(https://) set RV(registry_url)'s scheme; without a scheme V(https://) is assumed.
    type: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - kstore.platform.attributes
  - kstore.platform.attributes.actiongroup_aws
attributes:
  check_mode:
    support: full
    details: The module only reads; it calls the API in check mode too.
  diff_mode:
    support: none
notes:
  - The IAM action used is C(ecr:GetAuthorizationToken) (it takes C(Resource) V(*)).
  - Pushing and pulling also need the repository actions (C(ecr:BatchCheckLayerAvailability),
    C(ecr:InitiateLayerUpload), C(ecr:UploadLayerPart), C(ecr:CompleteLayerUpload), C(ecr:PutImage),
    C(ecr:BatchGetImage), C(ecr:GetDownloadUrlForLayer)), which this module does not call.
"""

EXAMPLES = r"""
- name: Get credentials for the account's registry
  kstore.platform.ecr_login:
  register: ecr
  no_log: true

- name: Log the Docker engine in (the password never reaches the output)
  community.docker.docker_login:
    registry_url: "{{ ecr.registry }}"
    username: "{{ ecr.username }}"
    password: "{{ ecr.password }}"
  no_log: true

- name: Local environment - prove the credentials through the API, but push to the local registry
  kstore.platform.ecr_login:
    registry_url: http://127.0.0.1:5001
  register: ecr
  no_log: true

- name: Credentials for another account's registry
  kstore.platform.ecr_login:
    registry_ids: ["123456789012"]
  register: ecr
  no_log: true
"""

RETURN = r"""
registry:
  description: The registry host (and port), without scheme, as M(community.docker.docker_login) and image names use it.
  returned: success
  type: str
  sample: 123456789012.dkr.ecr.eu-west-1.amazonaws.com
registry_url:
  description: The registry's URL.
  returned: success
  type: str
  sample: https://123456789012.dkr.ecr.eu-west-1.amazonaws.com
registry_id:
  description: The account ID of the registry.
  returned: success
  type: str
  sample: "123456789012"
username:
  description: The user name to log in with (always V(AWS) on ECR).
  returned: success
  type: str
  sample: AWS
password:
  description:
    - The password to log in with, a secret valid until RV(expires_at).
    - In clear text; set C(no_log) to V(true) on this task and on the tasks using it.
  returned: success
  type: str
  sample: "********"
expires_at:
  description: When the credentials expire (ISO 8601).
  returned: success
  type: str
  sample: "2026-11-22T07:00:00+00:00"
registries:
  description: Every token AWS returned (one per O(registry_ids)), decoded, in the same form as the top-level values.
  returned: success
  type: list
  elements: dict
  sample:
    - registry: 123456789012.dkr.ecr.eu-west-1.amazonaws.com
      registry_url: https://123456789012.dkr.ecr.eu-west-1.amazonaws.com
      registry_id: "123456789012"
      username: AWS
      password: "********"
      expires_at: "2026-11-22T07:00:00+00:00"
"""

import base64
import binascii
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def split_registry_url(url: str) -> tuple[str, str]:
    """'http://127.0.0.1:5001/' -> ('127.0.0.1:5001', 'http://127.0.0.1:5001'); no scheme means https."""
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"registry_url {url!r} is not an http(s) URL or a host[:port]")
    return parts.netloc, f"{parts.scheme}://{parts.netloc}"


def decode_token(token: str) -> tuple[str, str]:
    """An ECR authorization token is base64('user:password')."""
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as e:
        raise ValueError(f"the authorization token is not base64 of text: {e}") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username or not password:
        raise ValueError("the authorization token does not decode to 'user:password'")
    return username, password


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if value is not None else None


def credentials_of(data: dict[str, Any], override: tuple[str, str] | None) -> dict[str, Any]:
    username, password = decode_token(data["authorizationToken"])
    registry, registry_url = override or split_registry_url(data["proxyEndpoint"])
    proxy_host = split_registry_url(data["proxyEndpoint"])[0]
    return {
        "registry": registry,
        "registry_url": registry_url,
        "registry_id": proxy_host.split(".", 1)[0],
        "username": username,
        "password": password,
        "expires_at": _iso(data.get("expiresAt")),
    }


def main() -> None:
    argument_spec = {
        "registry_ids": {"type": "list", "elements": "str"},
        "registry_url": {"type": "str"},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    override = None
    if module.params["registry_url"]:
        try:
            override = split_registry_url(module.params["registry_url"])
        except ValueError as e:
            module.fail_json(msg=str(e))

    client = module.client(
        "ecr", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
    )
    request = {"registryIds": module.params["registry_ids"]} if module.params["registry_ids"] else {}
    try:
        data = client.get_authorization_token(aws_retry=True, **request)["authorizationData"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Failed to get an ECR authorization token")
    if not data:
        module.fail_json(msg="ECR returned no authorization data")

    registries = []
    for item in data:
        try:
            registries.append(credentials_of(item, override))
        except (KeyError, ValueError) as e:
            # The messages of decode_token never quote the token or what it decodes to.
            module.fail_json(msg=f"Could not read the ECR authorization data: {e}")
    # Not added to module.no_log_values: exit_json would then return '********' instead of the password. The
    # caller's no_log: true keeps it out of the output (see DOCUMENTATION).
    module.exit_json(changed=False, registries=registries, **registries[0])


if __name__ == "__main__":
    main()
