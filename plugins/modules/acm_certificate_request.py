# Copyright: Contributors to the kstore.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: acm_certificate_request
version_added: 0.1.0
short_description: Request an ACM public certificate validated through Route53 DNS records
description:
  - Requests a public certificate from AWS Certificate Manager with DNS validation, writes the validation CNAME
    records into a Route53 hosted zone, and optionally waits until ACM has issued the certificate.
  - An existing certificate is reused rather than requested again, namely a certificate of type C(AMAZON_ISSUED) whose
    domain name is O(domain_name), whose subject alternative names are those asked for, and which carries the
    tags of O(match_tags) (by default every tag of O(tags)). Certificates that failed, expired, were revoked or
    timed out are not reused.
  - With O(state=absent), deletes every matching certificate and, with O(delete_validation_records=true), their
    validation records. ACM refuses to delete a certificate a load balancer still uses.
author:
  - kstore platform engineers (!UNKNOWN)
options:
  state:
    description:
      - Whether the certificate should exist.
    type: str
    choices: ['present', 'absent']
    default: present
  domain_name:
    description:
      - The fully qualified domain name the certificate is for, for example V(shop.example.com) or
        V(*.example.com).
    type: str
    required: true
  subject_alternative_names:
    description:
      - Additional names of the certificate. O(domain_name) is always one of its names and need not be listed.
    type: list
    elements: str
    default: []
  key_algorithm:
    description:
      - The algorithm of the certificate's key pair, used when a certificate is requested.
      - An existing matching certificate is reused whatever its key algorithm.
    type: str
    choices: ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1']
  hosted_zone_id:
    description:
      - The ID of the Route53 public hosted zone that receives the validation records.
      - Mutually exclusive with O(hosted_zone_name). Without either, no record is written (validate another way).
    type: str
  hosted_zone_name:
    description:
      - The name of the Route53 public hosted zone that receives the validation records, for example
        V(example.com). Private zones are ignored.
    type: str
  match_tags:
    description:
      - The tags that identify the certificate among those of the same names.
      - Defaults to every tag of O(tags).
    type: dict
  wait:
    description:
      - Wait until the certificate's status is C(ISSUED).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for C(ISSUED). On timeout the module fails with the status and the validation
        records.
    type: int
    default: 600
  delete_validation_records:
    description:
      - With O(state=absent), also delete the certificate's validation records from the hosted zone.
      - Only records not used by another certificate of the account are deleted (ACM gives the same record to
        every certificate of a name).
    type: bool
    default: false
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
  - ACM certificates used by CloudFront must be requested in V(us-east-1); set O(region) accordingly.
  - The IAM actions used are C(acm:ListCertificates), C(acm:DescribeCertificate), C(acm:ListTagsForCertificate),
    C(acm:RequestCertificate), C(acm:AddTagsToCertificate), C(acm:RemoveTagsFromCertificate),
    C(acm:DeleteCertificate), and with a hosted zone C(route53:ListHostedZonesByName) (by name),
    C(route53:GetHostedZone), C(route53:ListResourceRecordSets) and C(route53:ChangeResourceRecordSets).
"""

EXAMPLES = r"""
- name: Request a certificate for the shop, validate it through the example.com zone, wait until it is issued
  kstore.platform.acm_certificate_request:
    domain_name: shop.example.com
    subject_alternative_names: [www.shop.example.com]
    hosted_zone_name: example.com
    wait_timeout: 900
    tags:
      Name: shop-prod-edge
      Platform: shop
      Environment: prod

- name: Delete the certificate and its validation records
  kstore.platform.acm_certificate_request:
    state: absent
    domain_name: shop.example.com
    subject_alternative_names: [www.shop.example.com]
    hosted_zone_name: example.com
    delete_validation_records: true
    match_tags:
      Name: shop-prod-edge
"""

RETURN = r"""
certificate_arn:
  description:
    - The ARN of the certificate. Empty in check mode when it would be requested.
    - With O(state=absent), the ARN of the (first) deleted certificate, empty when none existed.
  returned: always
  type: str
  sample: arn:aws:acm:eu-west-1:123456789012:certificate/0123abcd-0123-abcd-0123-0123456789ab
status:
  description: The status of the certificate (C(PENDING_VALIDATION), C(ISSUED), ...).
  returned: when O(state=present)
  type: str
  sample: ISSUED
domain_validation_options:
  description: How each name of the certificate is validated.
  returned: when O(state=present)
  type: list
  elements: dict
  contains:
    domain_name:
      description: The name.
      type: str
      sample: shop.example.com
    validation_status:
      description: C(PENDING_VALIDATION), C(SUCCESS) or C(FAILED).
      type: str
      sample: SUCCESS
    resource_record:
      description: The CNAME record that proves control of the name.
      type: dict
      sample: {"name": "_x1.shop.example.com.", "type": "CNAME", "value": "_x2.acm-validations.aws."}
  sample: []
validation_records:
  description: The validation records written to (or, with O(state=absent), deleted from) the hosted zone.
  returned: when a hosted zone is given
  type: list
  elements: dict
  sample: [{"name": "_x1.shop.example.com.", "type": "CNAME", "value": "_x2.acm-validations.aws."}]
hosted_zone_id:
  description: The ID of the hosted zone that holds the validation records.
  returned: when a hosted zone is given
  type: str
  sample: Z0123456789ABCDEFGHIJ
tags:
  description: The tags of the certificate.
  returned: when O(state=present)
  type: dict
  sample: {"Name": "shop-prod-edge"}
"""

import time
import uuid
from typing import Any

try:
    from botocore.exceptions import BotoCoreError, ClientError

    AWS_ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError)
except ImportError:
    AWS_ERRORS = ()  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
)
from ansible_collections.kstore.platform.plugins.module_utils.tagging import plan_tags

# Statuses of a certificate that will never become usable: never reused.
DEAD_STATUSES = ("EXPIRED", "VALIDATION_TIMED_OUT", "REVOKED", "FAILED", "INACTIVE")
LIVE_STATUSES = ["PENDING_VALIDATION", "ISSUED"]


def _fqdn(name: str) -> str:
    return name.rstrip(".").lower() + "."


def _names(params: dict[str, Any]) -> list[str]:
    """The certificate's names as ACM lists them: the domain name first, then the others, without duplicates."""
    domain = params["domain_name"].rstrip(".").lower()
    others = sorted({n.rstrip(".").lower() for n in params["subject_alternative_names"]} - {domain})
    return [domain, *others]


def _wanted_match_tags(params: dict[str, Any]) -> dict[str, str]:
    source = params["match_tags"] if params["match_tags"] is not None else (params["tags"] or {})
    return {str(key): str(value) for key, value in source.items()}


def list_tags(module: AnsibleAWSModule, acm: Any, arn: str) -> dict[str, str]:
    try:
        return boto3_tag_list_to_ansible_dict(acm.list_tags_for_certificate(aws_retry=True, CertificateArn=arn)["Tags"])
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to list the tags of certificate {arn}")


def describe(module: AnsibleAWSModule, acm: Any, arn: str) -> dict[str, Any] | None:
    try:
        return acm.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None
    except AWS_ERRORS as e:  # pylint: disable=duplicate-except
        module.fail_json_aws(e, msg=f"Failed to describe certificate {arn}")


def find_certificates(module: AnsibleAWSModule, acm: Any) -> list[dict[str, Any]]:
    """Every live AMAZON_ISSUED certificate with the task's names and match tags, oldest first (with its tags)."""
    params = module.params
    names = _names(params)
    wanted_tags = _wanted_match_tags(params)
    found = []
    try:
        paginator = acm.get_paginator("list_certificates")
        # Includes.keyTypes: without it ListCertificates leaves out every key type but RSA_2048.
        summaries = [
            summary
            for page in paginator.paginate(
                CertificateStatuses=LIVE_STATUSES,
                Includes={
                    "keyTypes": [
                        "RSA_1024",
                        "RSA_2048",
                        "RSA_3072",
                        "RSA_4096",
                        "EC_prime256v1",
                        "EC_secp384r1",
                        "EC_secp521r1",
                    ]
                },
            )
            for summary in page["CertificateSummaryList"]
        ]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the certificates")
    for summary in summaries:
        if summary.get("DomainName", "").lower() != names[0]:
            continue
        certificate = describe(module, acm, summary["CertificateArn"])
        if not certificate or certificate.get("Type") != "AMAZON_ISSUED" or certificate["Status"] in DEAD_STATUSES:
            continue
        sans = sorted({n.lower() for n in certificate.get("SubjectAlternativeNames", [])} - {names[0]})
        if sans != names[1:]:
            continue
        tags = list_tags(module, acm, certificate["CertificateArn"])
        if all(tags.get(key) == value for key, value in wanted_tags.items()):
            certificate["Tags"] = tags
            found.append(certificate)
    return sorted(found, key=lambda c: str(c.get("CreatedAt", "")))


def validation_records(certificate: dict[str, Any]) -> list[dict[str, str]]:
    """The distinct DNS validation records of a certificate (a wildcard and its apex share one)."""
    records = {}
    for option in certificate.get("DomainValidationOptions", []):
        record = option.get("ResourceRecord")
        if record:
            records[_fqdn(record["Name"])] = {
                "name": _fqdn(record["Name"]),
                "type": record["Type"],
                "value": record["Value"],
            }
    return sorted(records.values(), key=lambda r: r["name"])


def wait_for_records(module: AnsibleAWSModule, acm: Any, arn: str) -> dict[str, Any]:
    """ACM adds the validation records a few seconds after RequestCertificate: describe until every name has one."""
    deadline = time.monotonic() + 120
    while True:
        certificate = describe(module, acm, arn)
        if certificate is None:
            module.fail_json(msg=f"Certificate {arn} disappeared right after it was requested")
        options = certificate.get("DomainValidationOptions", [])
        if options and all(option.get("ResourceRecord") for option in options):
            return certificate
        if time.monotonic() > deadline:
            module.fail_json(
                msg=f"ACM gave certificate {arn} no DNS validation records within 120 seconds", certificate_arn=arn
            )
        time.sleep(3)


def find_zone(module: AnsibleAWSModule, route53: Any) -> str | None:
    params = module.params
    if params["hosted_zone_id"]:
        return params["hosted_zone_id"].rsplit("/", 1)[-1]
    if not params["hosted_zone_name"]:
        return None
    name = _fqdn(params["hosted_zone_name"])
    try:
        zones = route53.list_hosted_zones_by_name(aws_retry=True, DNSName=name)["HostedZones"]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to look up hosted zone {name}")
    public = [zone for zone in zones if zone["Name"] == name and not zone.get("Config", {}).get("PrivateZone")]
    if len(public) != 1:
        module.fail_json(
            msg=f"Found {len(public)} public hosted zones named {name}: set hosted_zone_id "
            + ("to choose one" if public else "of an existing zone, or create it first")
        )
    return public[0]["Id"].rsplit("/", 1)[-1]


def zone_records(module: AnsibleAWSModule, route53: Any, zone_id: str, wanted: list[dict[str, str]]) -> dict[str, Any]:
    """The CNAME record sets of the zone with the given names: {name: record set}."""
    found = {}
    for record in wanted:
        try:
            sets = route53.list_resource_record_sets(
                aws_retry=True,
                HostedZoneId=zone_id,
                StartRecordName=record["name"],
                StartRecordType="CNAME",
                MaxItems="1",
            )["ResourceRecordSets"]
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to read the records of hosted zone {zone_id}")
        for record_set in sets:
            if _fqdn(record_set["Name"]) == record["name"] and record_set["Type"] == "CNAME":
                found[record["name"]] = record_set
    return found


def _in_zone(record: dict[str, str], zone_name: str | None) -> bool:
    return zone_name is None or record["name"] == zone_name or record["name"].endswith("." + zone_name)


def change_records(module: AnsibleAWSModule, route53: Any, zone_id: str, action: str, sets: list[dict]) -> None:
    if not sets:
        return
    changes = [{"Action": action, "ResourceRecordSet": record_set} for record_set in sets]
    try:
        route53.change_resource_record_sets(
            aws_retry=True,
            HostedZoneId=zone_id,
            ChangeBatch={"Comment": "ACM DNS validation (kstore.platform.acm_certificate_request)", "Changes": changes},
        )
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to {action.lower()} the validation records in hosted zone {zone_id}")


def ensure_records(module: AnsibleAWSModule, route53: Any, zone_id: str, records: list[dict[str, str]]) -> bool:
    """UPSERT the validation records that are missing or differ; True when something changed (or would)."""
    existing = zone_records(module, route53, zone_id, records)
    to_write = []
    for record in records:
        have = existing.get(record["name"])
        values = [rr["Value"].rstrip(".").lower() for rr in (have or {}).get("ResourceRecords", [])]
        if values != [record["value"].rstrip(".").lower()]:
            to_write.append(
                {
                    "Name": record["name"],
                    "Type": record["type"],
                    "TTL": 300,
                    "ResourceRecords": [{"Value": record["value"]}],
                }
            )
    if to_write and not module.check_mode:
        change_records(module, route53, zone_id, "UPSERT", to_write)
    return bool(to_write)


def wait_issued(module: AnsibleAWSModule, acm: Any, certificate: dict[str, Any]) -> dict[str, Any]:
    arn = certificate["CertificateArn"]
    deadline = time.monotonic() + module.params["wait_timeout"]
    while certificate["Status"] != "ISSUED":
        if certificate["Status"] in DEAD_STATUSES or time.monotonic() >= deadline:
            listing = ", ".join(f"{r['name']} CNAME {r['value']}" for r in validation_records(certificate))
            why = (
                "is"
                if certificate["Status"] in DEAD_STATUSES
                else f"was not issued within {module.params['wait_timeout']} s, still"
            )
            module.fail_json(
                msg=f"Certificate {arn} {why} {certificate['Status']}: check that these validation records "
                f"resolve publicly: {listing}",
                certificate_arn=arn,
                status=certificate["Status"],
                validation_records=validation_records(certificate),
                domain_validation_options=_options(certificate),
            )
        time.sleep(min(5, max(1, deadline - time.monotonic())))
        certificate = describe(module, acm, arn) or certificate
    return certificate


def _options(certificate: dict[str, Any]) -> list[dict[str, Any]]:
    options = []
    for option in certificate.get("DomainValidationOptions", []):
        entry = {
            "domain_name": option["DomainName"],
            "validation_domain": option.get("ValidationDomain", option["DomainName"]),
            "validation_method": option.get("ValidationMethod", "DNS"),
            "validation_status": option.get("ValidationStatus", ""),
        }
        if option.get("ResourceRecord"):
            record = option["ResourceRecord"]
            entry["resource_record"] = {"name": record["Name"], "type": record["Type"], "value": record["Value"]}
        options.append(entry)
    return options


def request_certificate(module: AnsibleAWSModule, acm: Any, tags: dict[str, str]) -> str:
    params = module.params
    names = _names(params)
    request: dict[str, Any] = {
        "DomainName": names[0],
        "ValidationMethod": "DNS",
        # One token per run: a retried request after a lost answer does not request a second certificate.
        "IdempotencyToken": uuid.uuid4().hex[:32],
    }
    if names[1:]:
        request["SubjectAlternativeNames"] = names
    if params["key_algorithm"]:
        request["KeyAlgorithm"] = params["key_algorithm"]
    if tags:
        request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    try:
        return acm.request_certificate(aws_retry=True, **request)["CertificateArn"]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to request a certificate for {names[0]}")


def update_tags(module: AnsibleAWSModule, acm: Any, arn: str, to_set: dict[str, str], to_unset: list[str]) -> None:
    try:
        if to_unset:
            acm.remove_tags_from_certificate(aws_retry=True, CertificateArn=arn, Tags=[{"Key": k} for k in to_unset])
        if to_set:
            acm.add_tags_to_certificate(aws_retry=True, CertificateArn=arn, Tags=ansible_dict_to_boto3_tag_list(to_set))
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg=f"Failed to update the tags of certificate {arn}")


def _view(certificate: dict[str, Any] | None, names: list[str] | None = None) -> dict[str, Any]:
    if not certificate:
        return {}
    return {
        "certificate_arn": certificate.get("CertificateArn", ""),
        "domain_name": certificate.get("DomainName", names[0] if names else ""),
        "subject_alternative_names": certificate.get("SubjectAlternativeNames", names or []),
        "tags": certificate.get("Tags", {}),
    }


def ensure_present(module: AnsibleAWSModule, acm: Any, route53: Any, zone_id: str | None) -> dict[str, Any]:
    params = module.params
    found = find_certificates(module, acm)
    # Prefer an issued certificate; among equals the oldest.
    existing = next((c for c in found if c["Status"] == "ISSUED"), found[0] if found else None)
    result: dict[str, Any] = {"changed": False}
    if existing is None:
        tags = plan_tags({}, params["tags"], params["purge_tags"])[2]
        result["changed"] = True
        if module.check_mode:
            after = {
                "CertificateArn": "",
                "DomainName": _names(params)[0],
                "SubjectAlternativeNames": _names(params),
                "Tags": tags,
            }
            result.update(certificate_arn="", status="PENDING_VALIDATION", domain_validation_options=[], tags=tags)
            result["diff"] = {"before": {}, "after": _view(after)}
            if zone_id:
                result.update(hosted_zone_id=zone_id, validation_records=[])
            return result
        arn = request_certificate(module, acm, tags)
        certificate = wait_for_records(module, acm, arn)
        certificate["Tags"] = tags
        before = {}
    else:
        certificate = existing
        before = _view(existing)
        to_set, to_unset, tags = plan_tags(existing["Tags"], params["tags"], params["purge_tags"])
        if to_set or to_unset:
            result["changed"] = True
            if not module.check_mode:
                update_tags(module, acm, existing["CertificateArn"], to_set, to_unset)
        certificate = dict(certificate, Tags=tags)
        if certificate["Status"] == "PENDING_VALIDATION" and not validation_records(certificate):
            certificate = dict(wait_for_records(module, acm, certificate["CertificateArn"]), Tags=tags)

    records = validation_records(certificate)
    if zone_id:
        zone_name = _zone_name(module, route53, zone_id)
        wrong = [r for r in records if not _in_zone(r, zone_name)]
        if wrong:
            module.fail_json(
                msg=f"The validation records {', '.join(r['name'] for r in wrong)} are not in hosted zone {zone_id}",
                certificate_arn=certificate["CertificateArn"],
            )
        # Kept after issue too: ACM renews the certificate through the same records.
        result["changed"] = ensure_records(module, route53, zone_id, records) or result["changed"]
        result.update(hosted_zone_id=zone_id, validation_records=records)
    if params["wait"] and not module.check_mode:
        certificate = dict(wait_issued(module, acm, certificate), Tags=certificate["Tags"])
    result.update(
        certificate_arn=certificate["CertificateArn"],
        status=certificate["Status"],
        domain_validation_options=_options(certificate),
        tags=certificate["Tags"],
        diff={"before": before, "after": _view(certificate)},
    )
    return result


_ZONE_NAMES: dict[str, str] = {}


def _zone_name(module: AnsibleAWSModule, route53: Any, zone_id: str) -> str:
    if zone_id not in _ZONE_NAMES:
        try:
            _ZONE_NAMES[zone_id] = _fqdn(route53.get_hosted_zone(aws_retry=True, Id=zone_id)["HostedZone"]["Name"])
        except AWS_ERRORS as e:
            module.fail_json_aws(e, msg=f"Failed to describe hosted zone {zone_id}")
    return _ZONE_NAMES[zone_id]


def ensure_absent(module: AnsibleAWSModule, acm: Any, route53: Any, zone_id: str | None) -> dict[str, Any]:
    params = module.params
    found = find_certificates(module, acm)
    result: dict[str, Any] = {"changed": bool(found), "certificate_arn": found[0]["CertificateArn"] if found else ""}
    deleted_records: list[dict[str, str]] = []
    if zone_id and params["delete_validation_records"] and found:
        records = {r["name"]: r for c in found for r in validation_records(c)}
        # A record ACM also gives another certificate of the account (same name) stays.
        others = _other_certificates_records(module, acm, {c["CertificateArn"] for c in found})
        wanted = [r for name, r in sorted(records.items()) if name not in others]
        existing = zone_records(module, route53, zone_id, wanted)
        deleted_records = [r for r in wanted if r["name"] in existing]
        if deleted_records and not module.check_mode:
            change_records(module, route53, zone_id, "DELETE", [existing[r["name"]] for r in deleted_records])
    if not module.check_mode:
        for certificate in found:
            try:
                acm.delete_certificate(aws_retry=True, CertificateArn=certificate["CertificateArn"])
            except is_boto3_error_code("ResourceNotFoundException"):
                pass
            except AWS_ERRORS as e:  # pylint: disable=duplicate-except
                module.fail_json_aws(
                    e, msg=f"Failed to delete certificate {certificate['CertificateArn']} (still in use by a listener?)"
                )
    if zone_id:
        result.update(hosted_zone_id=zone_id, validation_records=deleted_records)
    result["diff"] = {"before": _view(found[0]) if found else {}, "after": {}}
    return result


def _other_certificates_records(module: AnsibleAWSModule, acm: Any, excluded: set[str]) -> set[str]:
    names = set()
    try:
        summaries = [
            s
            for page in acm.get_paginator("list_certificates").paginate(CertificateStatuses=LIVE_STATUSES)
            for s in page["CertificateSummaryList"]
        ]
    except AWS_ERRORS as e:
        module.fail_json_aws(e, msg="Failed to list the certificates")
    for summary in summaries:
        if summary["CertificateArn"] in excluded:
            continue
        certificate = describe(module, acm, summary["CertificateArn"])
        names.update(r["name"] for r in validation_records(certificate or {}))
    return names


def main() -> None:
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "domain_name": {"type": "str", "required": True},
        "subject_alternative_names": {"type": "list", "elements": "str", "default": []},
        "key_algorithm": {"type": "str", "choices": ["RSA_2048", "EC_prime256v1", "EC_secp384r1"]},
        "hosted_zone_id": {"type": "str"},
        "hosted_zone_name": {"type": "str"},
        "match_tags": {"type": "dict"},
        "wait": {"type": "bool", "default": True},
        "wait_timeout": {"type": "int", "default": 600},
        "delete_validation_records": {"type": "bool", "default": False},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("hosted_zone_id", "hosted_zone_name")],
    )
    if module.params["wait_timeout"] < 0:
        module.fail_json(msg=f"wait_timeout must be 0 or more seconds (got {module.params['wait_timeout']})")
    acm = module.client(
        "acm", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])
    )
    route53 = None
    zone_id = None
    if module.params["hosted_zone_id"] or module.params["hosted_zone_name"]:
        route53 = module.client(
            "route53", retry_decorator=AWSRetry.jittered_backoff(catch_extra_error_codes=["PriorRequestNotComplete"])
        )
        zone_id = find_zone(module, route53)
    if module.params["state"] == "present":
        result = ensure_present(module, acm, route53, zone_id)
    else:
        result = ensure_absent(module, acm, route53, zone_id)
    if not module._diff:  # pylint: disable=protected-access
        result.pop("diff", None)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
