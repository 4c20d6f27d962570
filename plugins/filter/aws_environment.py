# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environment every AWS client of the platform runs with: platform_aws_environment plus the retry settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: aws_environment
short_description: The environment of the platform's AWS clients, with botocore's retry mode and attempts
version_added: 0.1.0
description:
  - Returns O(_input) (C(platform_aws_environment)) with C(AWS_RETRY_MODE) and C(AWS_MAX_ATTEMPTS) set, the two
    settings botocore reads for every client it makes (amazon.aws, community.aws, this collection's modules, the
    boto3 tools the playbooks run).
  - Each comes from O(_input) when it sets it, else from the controller's environment (an C(export) in the shell
    that runs C(ansible-playbook)), else from the defaults O(retry_mode) and O(max_attempts).
  - The defaults follow AWS's guidance for a busy account, botocore's C(standard) mode (exponential backoff with
    jitter, retries on throttling, transient and 5xx errors) with 10 attempts in all; botocore's own default is
    C(legacy) with 5 attempts for most services, and 3 in C(standard).
  - Refuses a mode other than C(legacy), C(standard), C(adaptive) and attempts outside 1..50, naming the setting.
options:
  _input:
    description: C(platform_aws_environment) (an empty dict against AWS with the caller's credentials).
    type: dict
    required: true
  retry_mode:
    description: Mode used when neither O(_input) nor the controller's environment sets C(AWS_RETRY_MODE).
    type: str
    default: standard
  max_attempts:
    description: Attempts (the first call included) used when nothing sets C(AWS_MAX_ATTEMPTS).
    type: int
    default: 10
"""

EXAMPLES = r"""
- name: A tier
  environment: "{{ platform_aws_environment | kstore.platform.aws_environment }}"
  block:
    - name: A bucket
      amazon.aws.s3_bucket:
        name: example
"""

RETURN = r"""
_value:
  description: O(_input) with C(AWS_RETRY_MODE) and C(AWS_MAX_ATTEMPTS) (strings).
  type: dict
"""

MODES = ("legacy", "standard", "adaptive")
MAX_ATTEMPTS_LIMIT = 50


def aws_environment(
    environment: Mapping[str, Any] | None, retry_mode: str = "standard", max_attempts: int = 10
) -> dict[str, str]:
    if environment is None:
        environment = {}
    if not isinstance(environment, Mapping):
        raise AnsibleFilterError("aws_environment: platform_aws_environment must be a dict of variable names to values")
    result = {str(k): str(v) for k, v in environment.items()}
    for name, default in (("AWS_RETRY_MODE", retry_mode), ("AWS_MAX_ATTEMPTS", max_attempts)):
        if name in result:
            where = f"platform_aws_environment.{name}"
        elif os.environ.get(name):
            result[name], where = os.environ[name], f"{name} in the controller's environment"
        else:
            result[name], where = str(default), f"the aws_environment filter's default {name}"
        _check(name, result[name], where)
    return result


def _check(name: str, value: str, where: str) -> None:
    if name == "AWS_RETRY_MODE" and value not in MODES:
        raise AnsibleFilterError(f"{where} is '{value}': AWS_RETRY_MODE must be one of {', '.join(MODES)}")
    if name == "AWS_MAX_ATTEMPTS":
        try:
            attempts = int(value)
        except ValueError:
            attempts = 0
        if not 1 <= attempts <= MAX_ATTEMPTS_LIMIT:
            raise AnsibleFilterError(
                f"{where} is '{value}': AWS_MAX_ATTEMPTS must be a whole number of attempts, 1 to {MAX_ATTEMPTS_LIMIT}"
            )


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"aws_environment": aws_environment}
