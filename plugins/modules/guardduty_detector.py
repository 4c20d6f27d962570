# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: guardduty_detector
version_added: 0.1.0
short_description: Manage the GuardDuty detector of an account and region
description:
  - Creates, enables or suspends, and deletes the GuardDuty detector of the account in the region. An account has
    at most one detector per region, so the module manages that one, whoever created it.
  - Tags are set when the module creates the detector; the tags of an existing detector are read (for
    O(delete_only_if_tagged)) but not changed.
  - Protection plans (S3 protection, EBS malware protection, runtime monitoring, ...) are set with O(features),
    at creation, and on an existing detector by C(UpdateDetector) with only the features that differ.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the detector should exist.
    type: str
    choices: ['present', 'absent']
    default: present
  enable:
    description:
      - Whether the detector should analyse data (V(false) suspends it).
    type: bool
    default: true
  finding_publishing_frequency:
    description:
      - How often updated findings are exported to EventBridge.
      - When not set, a new detector gets the AWS default (V(SIX_HOURS)) and an existing one is left alone.
    type: str
    choices: ['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS']
  features:
    description:
      - Protection plans of the detector, each named as the GuardDuty API names it.
      - Only the features listed are compared and changed; a feature the detector does not report counts as
        V(DISABLED). Within a feature, only the additional configurations listed are compared and changed.
      - When not set, a new detector gets the AWS defaults and an existing one is left alone.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      name:
        description:
          - The feature, for example V(S3_DATA_EVENTS), V(EBS_MALWARE_PROTECTION), V(RUNTIME_MONITORING),
            V(RDS_LOGIN_EVENTS), V(EKS_AUDIT_LOGS) or V(LAMBDA_NETWORK_LOGS); not checked here, GuardDuty adds
            features and refuses a name it does not know.
        type: str
        required: true
      status:
        description:
          - Whether the feature is on.
        type: str
        choices: ['ENABLED', 'DISABLED']
        default: ENABLED
      additional_configuration:
        description:
          - Settings of the feature, for example V(EC2_AGENT_MANAGEMENT), V(ECS_FARGATE_AGENT_MANAGEMENT) or
            V(EKS_ADDON_MANAGEMENT) of V(RUNTIME_MONITORING) (GuardDuty installs and updates its security agent).
        type: list
        elements: dict
        default: []
        suboptions:
          name:
            description:
              - The additional configuration.
            type: str
            required: true
          status:
            description:
              - Whether it is on.
            type: str
            choices: ['ENABLED', 'DISABLED']
            default: ENABLED
  tags:
    description:
      - Tags for a detector the module creates.
    type: dict
    aliases: ['resource_tags']
  delete_only_if_tagged:
    description:
      - With O(state=absent), delete the detector only when it carries all these tags; otherwise leave it and
        report RV(skipped_reason). Protects a detector the account had before the platform.
      - When empty, any detector is deleted.
    type: dict
    default: {}
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
  - The IAM actions used are C(guardduty:ListDetectors), C(guardduty:GetDetector), C(guardduty:CreateDetector),
    C(guardduty:UpdateDetector) and C(guardduty:DeleteDetector); creating the first detector of an account also
    needs C(iam:CreateServiceLinkedRole) for C(guardduty.amazonaws.com). Enabling C(EBS_MALWARE_PROTECTION)
    also needs C(iam:CreateServiceLinkedRole) for C(malware-protection.guardduty.amazonaws.com), and
    C(RUNTIME_MONITORING) with agent management lets GuardDuty create its VPC endpoint in each VPC it monitors.
  - GuardDuty applies the features of C(UpdateDetector) by name and keeps the others, so the module sends only
    the features that differ.
"""

EXAMPLES = r"""
- name: GuardDuty on, findings exported every 15 minutes
  kstore.platform.guardduty_detector:
    finding_publishing_frequency: FIFTEEN_MINUTES
    tags:
      Platform: shop
      ManagedBy: kstore.platform

- name: GuardDuty on with S3 protection, EBS malware protection and runtime monitoring of EC2 (agent managed)
  kstore.platform.guardduty_detector:
    features:
      - name: S3_DATA_EVENTS
      - name: EBS_MALWARE_PROTECTION
      - name: RDS_LOGIN_EVENTS
        status: DISABLED
      - name: RUNTIME_MONITORING
        additional_configuration:
          - name: EC2_AGENT_MANAGEMENT
          - name: ECS_FARGATE_AGENT_MANAGEMENT
            status: DISABLED

- name: Suspend the detector (its features are kept)
  kstore.platform.guardduty_detector:
    enable: false

- name: Delete the detector, but only the platform's own
  kstore.platform.guardduty_detector:
    state: absent
    delete_only_if_tagged:
      Platform: shop
      ManagedBy: kstore.platform
"""

RETURN = r"""
detector_id:
  description: The ID of the detector (empty in check mode when it would be created, or when there is none).
  returned: always
  type: str
  sample: 12abc34d567e8fa901bc2d34e56789f0
detector:
  description: The detector after the task (in check mode, what it would be).
  returned: when O(state=present)
  type: dict
  contains:
    status:
      description: V(ENABLED) or V(DISABLED).
      returned: always
      type: str
      sample: ENABLED
    finding_publishing_frequency:
      description: How often findings are exported.
      returned: when known
      type: str
      sample: SIX_HOURS
    tags:
      description: The tags of the detector.
      returned: always
      type: dict
      sample: {"Platform": "shop"}
    features:
      description:
        - The features the detector reports, with their additional configurations, in the detector's order
          (in check mode, or right after creation, with those of O(features) applied).
      returned: always
      type: list
      elements: dict
      sample:
        - name: S3_DATA_EVENTS
          status: ENABLED
          additional_configuration: []
        - name: RUNTIME_MONITORING
          status: ENABLED
          additional_configuration:
            - name: EC2_AGENT_MANAGEMENT
              status: ENABLED
skipped_reason:
  description: Why O(state=absent) left the detector in place.
  returned: when the detector does not carry O(delete_only_if_tagged)
  type: str
  sample: "detector 12abc34d does not carry the tags {'ManagedBy': 'kstore.platform'}: left in place"
"""

from typing import Any

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


def find_detector(module: AnsibleAWSModule, client: Any) -> tuple[str, dict[str, Any] | None]:
    try:
        ids = client.list_detectors(aws_retry=True)["DetectorIds"]
        if not ids:
            return "", None
        detector = client.get_detector(aws_retry=True, DetectorId=ids[0])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Failed to read the GuardDuty detector")
    view = {
        "status": detector.get("Status", ""),
        "finding_publishing_frequency": detector.get("FindingPublishingFrequency"),
        "tags": detector.get("Tags") or {},
        "features": [
            {
                "name": feature.get("Name", ""),
                "status": feature.get("Status", "DISABLED"),
                "additional_configuration": [
                    {"name": extra.get("Name", ""), "status": extra.get("Status", "DISABLED")}
                    for extra in feature.get("AdditionalConfiguration") or []
                ],
            }
            for feature in detector.get("Features") or []
        ],
    }
    return ids[0], view


def feature_changes(existing: list[dict[str, Any]], wanted: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The features of ``wanted`` that ``existing`` does not match (a feature or setting not reported is DISABLED)."""
    current = {feature["name"]: feature for feature in existing}
    changes = []
    for feature in wanted or []:
        have = current.get(feature["name"], {"status": "DISABLED", "additional_configuration": []})
        have_extra = {extra["name"]: extra["status"] for extra in have["additional_configuration"]}
        if have["status"] != feature["status"] or any(
            have_extra.get(extra["name"], "DISABLED") != extra["status"]
            for extra in feature["additional_configuration"]
        ):
            changes.append(feature)
    return changes


def apply_features(existing: list[dict[str, Any]], changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``existing`` with ``changes`` applied by name, as GuardDuty's UpdateDetector applies them."""
    after = [dict(feature, additional_configuration=list(feature["additional_configuration"])) for feature in existing]
    by_name = {feature["name"]: feature for feature in after}
    for change in changes:
        feature = by_name.get(change["name"])
        if feature is None:
            feature = {"name": change["name"], "status": change["status"], "additional_configuration": []}
            after.append(feature)
            by_name[change["name"]] = feature
        feature["status"] = change["status"]
        extras = {extra["name"]: index for index, extra in enumerate(feature["additional_configuration"])}
        for extra in change["additional_configuration"]:
            entry = {"name": extra["name"], "status": extra["status"]}
            if extra["name"] in extras:
                feature["additional_configuration"][extras[extra["name"]]] = entry
            else:
                feature["additional_configuration"].append(entry)
    return after


def features_request(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API's spelling of the module's features."""
    request = []
    for feature in features:
        item: dict[str, Any] = {"Name": feature["name"], "Status": feature["status"]}
        if feature["additional_configuration"]:
            item["AdditionalConfiguration"] = [
                {"Name": extra["name"], "Status": extra["status"]} for extra in feature["additional_configuration"]
            ]
        request.append(item)
    return request


def ensure_present(module: AnsibleAWSModule, client: Any, detector_id: str, existing: dict | None) -> dict[str, Any]:
    params = module.params
    status = "ENABLED" if params["enable"] else "DISABLED"
    frequency = params["finding_publishing_frequency"]
    if existing is None:
        after = {
            "status": status,
            "finding_publishing_frequency": frequency or "SIX_HOURS",
            "tags": {k: str(v) for k, v in (params["tags"] or {}).items()},
            "features": apply_features([], params["features"] or []),
        }
        if module.check_mode:
            return {"changed": True, "detector_id": "", "detector": after}
        request: dict[str, Any] = {"Enable": params["enable"]}
        if frequency:
            request["FindingPublishingFrequency"] = frequency
        if after["tags"]:
            request["Tags"] = after["tags"]
        if params["features"]:
            request["Features"] = features_request(params["features"])
        try:
            detector_id = client.create_detector(aws_retry=True, **request)["DetectorId"]
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg="Failed to create the GuardDuty detector")
        return {"changed": True, "detector_id": detector_id, "detector": after}

    update: dict[str, Any] = {}
    if existing["status"] != status:
        update["Enable"] = params["enable"]
    if frequency and existing["finding_publishing_frequency"] != frequency:
        update["FindingPublishingFrequency"] = frequency
    changes = feature_changes(existing["features"], params["features"])
    if changes:
        update["Features"] = features_request(changes)
    if not update:
        return {"changed": False, "detector_id": detector_id, "detector": existing}
    after = dict(
        existing,
        status=status,
        finding_publishing_frequency=frequency or existing["finding_publishing_frequency"],
        features=apply_features(existing["features"], changes),
    )
    if not module.check_mode:
        try:
            client.update_detector(aws_retry=True, DetectorId=detector_id, **update)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg=f"Failed to update GuardDuty detector {detector_id}")
    return {"changed": True, "detector_id": detector_id, "detector": after}


def ensure_absent(module: AnsibleAWSModule, client: Any, detector_id: str, existing: dict | None) -> dict[str, Any]:
    if existing is None:
        return {"changed": False, "detector_id": ""}
    required = {k: str(v) for k, v in module.params["delete_only_if_tagged"].items()}
    if any(existing["tags"].get(key) != value for key, value in required.items()):
        return {
            "changed": False,
            "detector_id": detector_id,
            "skipped_reason": f"detector {detector_id} does not carry the tags {required}: left in place",
        }
    if not module.check_mode:
        try:
            client.delete_detector(aws_retry=True, DetectorId=detector_id)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg=f"Failed to delete GuardDuty detector {detector_id}")
    return {"changed": True, "detector_id": ""}


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "enable": {"type": "bool", "default": True},
        "finding_publishing_frequency": {"type": "str", "choices": ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"]},
        "features": {
            "type": "list",
            "elements": "dict",
            "options": {
                "name": {"type": "str", "required": True},
                "status": {"type": "str", "default": "ENABLED", "choices": ["ENABLED", "DISABLED"]},
                "additional_configuration": {
                    "type": "list",
                    "elements": "dict",
                    "default": [],
                    "options": {
                        "name": {"type": "str", "required": True},
                        "status": {"type": "str", "default": "ENABLED", "choices": ["ENABLED", "DISABLED"]},
                    },
                },
            },
        },
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "delete_only_if_tagged": {"type": "dict", "default": {}},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    client = module.client(
        "guardduty", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["TooManyRequestsException"])
    )
    detector_id, existing = find_detector(module, client)
    if module.params["state"] == "present":
        result = ensure_present(module, client, detector_id, existing)
    else:
        result = ensure_absent(module, client, detector_id, existing)
    if module._diff:  # pylint: disable=protected-access
        after = (
            result.get("detector")
            if module.params["state"] == "present"
            else (existing if not result["changed"] else None)
        )
        result["diff"] = {"before": existing or {}, "after": after or {}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
