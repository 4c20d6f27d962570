# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge the settings playbooks/audit.yml gathered: one row per control and resource, pass, fail or skip."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.module_utils.cidrs import public_reach, reaches_internet
from ansible_collections.kstore.platform.plugins.module_utils.endpoint_policy import full_access_statements

DOCUMENTATION = r"""
name: audit_controls
short_description: Judge the platform's gathered settings against the audit's controls
version_added: 0.1.0
description:
  - Takes the settings playbooks/audit.yml gathers (the results of the C(*_info) modules and of
    M(kstore.platform.platform_audit_info)) and returns one row per control and resource.
  - A control whose resources do not exist (its tier is not built, or switched off) is C(skip) with the reason,
    never C(pass).
  - The list of controls, what each checks and where its data comes from is in docs/audit.md.
options:
  _input:
    description:
      - The gathered settings, a dict with C(platform_name), C(platform_env) and the keys C(rds_instances),
        C(efs), C(buckets), C(log_groups), C(vpcs), C(security_groups), C(instances), C(kms_keys), C(trails),
        C(load_balancers), C(ecr_repositories), C(launch_templates), C(web_acls), C(secrets), C(task_definitions),
        C(flow_logs), C(sns_topics), C(cache_replication_groups), C(guardduty_detectors), C(efs_policies),
        C(iam_roles), C(vpc_endpoints), C(network_acls) (a missing key is an empty list).
    type: dict
    required: true
  requirements:
    description:
      - C(required), the list of control ids that fail the audit (default all).
      - C(require_multi_az) (C(rds_multi_az) and C(cache_multi_az)), C(require_deletion_protection),
        C(require_cloudtrail), C(require_secrets_rotation), booleans, default true; false makes those controls
        informative only.
      - C(exceptions), a list of dicts C(control), C(resource), C(reason), each an accepted failure of that control
        on the resources matching C(resource) (shell-style C(*) and C(?) allowed), reported but not required.
      - C(world_open_security_groups), the names of the security groups allowed to accept traffic from the
        internet, default C(<platform_name>-<platform_env>-alb).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Judge the gathered settings
  ansible.builtin.set_fact:
    audit_results: "{{ audit_facts | kstore.platform.audit_controls({'require_multi_az': false}) }}"
"""

RETURN = r"""
_value:
  description: One dict per control and resource, in the order of docs/audit.md.
  type: list
  elements: dict
  sample:
    - {control: rds_encrypted, resource: shop-prod-db, status: pass, required: true, detail: storage encrypted}
    - {control: rds_multi_az, resource: shop-prod-db, status: fail, required: false, detail: single-AZ}
    - control: cache_encrypted_at_rest
      resource: "-"
      status: skip
      required: true
      detail: no ElastiCache replication group of shop-prod (cache tier not built or switched off)
"""

ADMIN_PORTS = (22, 3389)
# ELB security policies that allow nothing below TLS 1.2 (ELBSecurityPolicy-TLS13-*, -TLS-1-2-*, -FS-1-2-*).
TLS12_POLICY = re.compile(r"^ELBSecurityPolicy-(TLS13-|TLS-1-2-|FS-1-2-)")
SECRET_NAME = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|CREDENTIAL|COOKIE_(KEY|IV)|AUTH)", re.IGNORECASE
)
# Service principals that pass no aws:SourceAccount / aws:SourceArn when they assume a role: a condition on them
# would stop the service (EC2 instance profiles: the IAM user guide's confused-deputy page lists no source for them).
NO_SOURCE_CONTEXT_SERVICES = ("ec2.amazonaws.com",)
SOURCE_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths")
EFS_CLIENT_ACTIONS = (
    "elasticfilesystem:clientmount",
    "elasticfilesystem:clientwrite",
    "elasticfilesystem:clientrootaccess",
)
# Secrets whose kind Secrets Manager can rotate (a rotation function exists for database / Redis credentials).
ROTATABLE_SUFFIXES = ("/database", "/cache")

# GuardDuty protection plans guardduty_protection requires (roles/observability/README.md says why these).
GUARDDUTY_FEATURES = ("S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "RUNTIME_MONITORING")

Row = dict[str, Any]

# control id -> (what it checks, the tier whose absence makes it a skip)
CONTROLS: dict[str, tuple[str, str]] = {
    "rds_encrypted": ("RDS storage encrypted", "database"),
    "rds_not_public": ("RDS instance not publicly accessible", "database"),
    "rds_multi_az": ("RDS Multi-AZ", "database"),
    "rds_backups": ("RDS automated backups on", "database"),
    "rds_deletion_protection": ("RDS deletion protection on", "database"),
    "cache_encrypted_at_rest": ("ElastiCache encrypted at rest with a customer KMS key", "cache"),
    "cache_encrypted_in_transit": ("ElastiCache TLS required", "cache"),
    "cache_auth": ("ElastiCache AUTH token or RBAC user group", "cache"),
    "cache_multi_az": ("ElastiCache Multi-AZ with automatic failover", "cache"),
    "efs_encrypted": ("EFS encrypted at rest", "storage"),
    "efs_policy_tls": ("EFS file-system policy: TLS only, named principals through access points only", "storage"),
    "s3_encrypted": ("S3 default encryption", "storage"),
    "s3_public_access_blocked": ("S3 public access block, all four settings", "storage"),
    "s3_tls_only": ("S3 bucket policy denies non-TLS requests", "storage"),
    "s3_access_logging": ("S3 server access logging of the media and backups buckets, not into themselves", "storage"),
    "logs_encrypted": ("CloudWatch log group encrypted with KMS", "network"),
    "ecr_encrypted": ("ECR repository encrypted with KMS", "registry"),
    "ecr_scan_on_push": ("ECR scan on push", "registry"),
    "ecr_immutable_tags": ("ECR immutable tags", "registry"),
    "sns_encrypted": ("SNS topic encrypted with KMS", "observability"),
    "secrets_encrypted": ("Secrets Manager secret encrypted with a customer key", "database"),
    "secrets_rotation": ("Secrets Manager rotation on, where the secret allows it", "database"),
    "secret_resource_policy": (
        "Secrets Manager resource policy denies other accounts and other principals",
        "database",
    ),
    "ebs_encrypted": ("EBS volumes of the launch template encrypted", "cluster"),
    "imdsv2_required": ("IMDSv2 required (launch templates and instances)", "cluster"),
    "no_key_pairs": ("No EC2 key pair on launch templates and instances", "cluster"),
    "default_sg_no_rules": ("The VPC's default security group has no rules", "network"),
    "sg_no_admin_ports": ("No security group opens 22/3389 to the world", "security"),
    "sg_world_only_alb": ("Only the ALB's security group accepts traffic from the world", "security"),
    "alb_http_redirect": ("ALB HTTP listeners redirect to HTTPS", "edge"),
    "alb_tls_policy": ("ALB HTTPS listeners use a TLS 1.2+ policy", "edge"),
    "alb_waf": ("ALB protected by a WAF web ACL", "edge"),
    "waf_logging": ("WAF web ACL logging on", "edge"),
    "kms_rotation": ("KMS customer key rotation on", "security"),
    "service_role_confused_deputy": (
        "Service roles trust their service with aws:SourceAccount / aws:SourceArn where it supports them",
        "security",
    ),
    "cloudtrail_logging": ("CloudTrail trail logging", "observability"),
    "cloudtrail_log_validation": ("CloudTrail log file validation on", "observability"),
    "guardduty_protection": ("GuardDuty on with S3, EBS malware and runtime protection", "observability"),
    "flow_logs": ("VPC flow logs active", "network"),
    "vpc_endpoint_policy": ("No VPC endpoint with the default full-access policy", "network"),
    "nacl_no_admin_ports": ("No NACL allows 22/3389 from the internet", "network"),
    "default_nacl_no_allow": ("The VPC's default NACL allows nothing and no subnet uses it", "network"),
    "taskdef_no_plaintext_secrets": ("No secret-like variable in task definitions' plaintext environment", "service"),
}


def _tags(item: dict[str, Any]) -> dict[str, str]:
    tags = item.get("tags") or item.get("Tags") or {}
    if isinstance(tags, list):  # boto3 list of {Key, Value}
        return {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in tags}
    return tags


class Audit:
    def __init__(self, facts: dict[str, Any], requirements: dict[str, Any]) -> None:
        self.facts = facts
        self.name = str(facts.get("platform_name", ""))
        self.env = str(facts.get("platform_env", ""))
        self.prefix = f"{self.name}-{self.env}"
        required = requirements.get("required")
        self.required = set(CONTROLS) if required in (None, "all", ["all"]) else set(required)
        for control, switch in (
            ("rds_multi_az", "require_multi_az"),
            ("cache_multi_az", "require_multi_az"),
            ("rds_deletion_protection", "require_deletion_protection"),
            ("cloudtrail_logging", "require_cloudtrail"),
            ("cloudtrail_log_validation", "require_cloudtrail"),
            ("secrets_rotation", "require_secrets_rotation"),
        ):
            if not _bool(requirements.get(switch, True)):
                self.required.discard(control)
        self.exceptions = [
            (str(e.get("control")), str(e.get("resource")), str(e.get("reason", "")))
            for e in requirements.get("exceptions") or []
        ]
        self.world_open = set(requirements.get("world_open_security_groups") or [f"{self.prefix}-alb"])
        self.rows: list[Row] = []

    # -- helpers ------------------------------------------------------------------------------------------------
    def items(self, key: str) -> list[dict[str, Any]]:
        value = self.facts.get(key) or []
        if not isinstance(value, list):
            raise AnsibleFilterError(f"audit_controls: '{key}' must be a list, got {type(value).__name__}")
        return value

    def ours(self, item: dict[str, Any]) -> bool:
        tags = _tags(item)
        return tags.get("Platform") == self.name and tags.get("Environment") == self.env

    def add(self, control: str, resource: str, ok: bool, detail: str) -> None:
        resource = resource or "-"
        required = control in self.required
        reason = next(
            (
                why
                for name, pattern, why in self.exceptions
                if name == control and fnmatchcase(resource or "-", pattern)
            ),
            None,
        )
        if not ok and reason is not None:
            required, detail = False, f"{detail} (accepted: {reason})"
        self.rows.append(
            {
                "control": control,
                "resource": resource or "-",
                "status": "pass" if ok else "fail",
                "required": required,
                "detail": detail,
            }
        )

    def skip(self, control: str, reason: str) -> None:
        self.rows.append(
            {
                "control": control,
                "resource": "-",
                "status": "skip",
                "required": control in self.required,
                "detail": reason,
            }
        )

    def each(
        self,
        control: str,
        resources: Iterable[tuple[str, dict[str, Any]]],
        judge: Callable[[dict], tuple[bool, str]],
        absent: str,
    ) -> None:
        found = False
        for name, item in resources:
            found = True
            ok, detail = judge(item)
            self.add(control, name, ok, detail)
        if not found:
            self.skip(control, absent)

    # -- controls -----------------------------------------------------------------------------------------------
    def rds(self) -> None:
        instances = [(i.get("db_instance_identifier", ""), i) for i in self.items("rds_instances") if self.ours(i)]
        absent = f"no RDS instance of {self.prefix} (database tier not built)"
        self.each(
            "rds_encrypted",
            instances,
            lambda i: _flag(i.get("storage_encrypted"), "storage encrypted", "storage NOT encrypted"),
            absent,
        )
        self.each(
            "rds_not_public",
            instances,
            lambda i: _flag(not i.get("publicly_accessible"), "not public", "publicly accessible"),
            absent,
        )
        self.each("rds_multi_az", instances, lambda i: _flag(i.get("multi_az"), "Multi-AZ", "single-AZ"), absent)
        self.each(
            "rds_backups",
            instances,
            lambda i: _flag(
                int(i.get("backup_retention_period") or 0) > 0,
                f"retention {i.get('backup_retention_period')} days",
                "automated backups off",
            ),
            absent,
        )
        self.each(
            "rds_deletion_protection",
            instances,
            lambda i: _flag(i.get("deletion_protection"), "on", "deletion protection off"),
            absent,
        )

    def cache(self) -> None:
        groups = [
            (g.get("replication_group_id", ""), g)
            for g in self.items("cache_replication_groups")
            if g.get("replication_group_id", "").startswith(f"{self.prefix}-") or self.ours(g)
        ]
        absent = f"no ElastiCache replication group of {self.prefix} (cache tier not built or switched off)"
        self.each("cache_encrypted_at_rest", groups, _cache_at_rest, absent)
        self.each("cache_encrypted_in_transit", groups, _cache_in_transit, absent)
        self.each("cache_auth", groups, _cache_auth, absent)
        self.each("cache_multi_az", groups, _cache_multi_az, absent)

    def efs(self) -> None:
        systems = [(f.get("name") or f.get("file_system_id", ""), f) for f in self.items("efs") if self.ours(f)]
        self.each(
            "efs_encrypted",
            systems,
            lambda f: _flag(f.get("encrypted"), "encrypted", "NOT encrypted"),
            f"no EFS file system of {self.prefix} (storage tier not built)",
        )
        self.each(
            "efs_policy_tls",
            [(f.get("name") or f.get("file_system_id", ""), f) for f in self.items("efs_policies")],
            lambda f: _efs_policy(f.get("policy")),
            f"no EFS file system of {self.prefix} (storage tier not built)",
        )

    def s3(self) -> None:
        buckets = [(b.get("name", ""), b) for b in self.items("buckets") if b.get("name", "").startswith(self.prefix)]
        absent = f"no S3 bucket named {self.prefix}* (storage tier not built)"
        self.each("s3_encrypted", buckets, _bucket_encryption, absent)
        self.each("s3_public_access_blocked", buckets, _bucket_public_access_block, absent)
        self.each("s3_tls_only", buckets, _bucket_tls_only, absent)
        logged = [
            (name, b)
            for name, b in buckets
            if _tags(b).get("Purpose") in ("media", "backups")
            or _tags({"tags": b.get("bucket_tagging")}).get("Purpose") in ("media", "backups")
            or re.match(rf"^{re.escape(self.prefix)}-(media|backups)-", name)
        ]
        self.each("s3_access_logging", logged, _bucket_logging, f"no media or backups bucket of {self.prefix}")

    def logs(self) -> None:
        markers = (f"/{self.name}/{self.env}/", f"{self.prefix}-", f"{self.prefix}/", f"aws-waf-logs-{self.prefix}")
        groups = [
            (g.get("log_group_name", ""), g)
            for g in self.items("log_groups")
            if self.ours(g) or any(m in g.get("log_group_name", "") for m in markers)
        ]
        self.each(
            "logs_encrypted",
            groups,
            lambda g: _flag(g.get("kms_key_id"), f"KMS {g.get('kms_key_id')}", "no KMS key"),
            f"no log group of {self.prefix}",
        )

    def ecr(self) -> None:
        repos = [(r.get("repository_name", ""), r) for r in self.items("ecr_repositories")]
        absent = f"no ECR repository named {self.prefix}-* (registry tier not built)"

        def encrypted(r: dict) -> tuple[bool, str]:
            kind = (r.get("encryption_configuration") or {}).get("encryption_type", "AES256")
            return kind in ("KMS", "KMS_DSSE"), f"encryption {kind}"

        self.each("ecr_encrypted", repos, encrypted, absent)
        self.each(
            "ecr_scan_on_push",
            repos,
            lambda r: _flag(
                (r.get("image_scanning_configuration") or {}).get("scan_on_push"), "scan on push", "scan on push off"
            ),
            absent,
        )
        self.each(
            "ecr_immutable_tags",
            repos,
            lambda r: (r.get("image_tag_mutability") == "IMMUTABLE", f"tags {r.get('image_tag_mutability')}"),
            absent,
        )

    def sns(self) -> None:
        topics = [(t.get("name", ""), t) for t in self.items("sns_topics")]
        self.each(
            "sns_encrypted",
            topics,
            lambda t: _flag(t.get("kms_master_key_id"), f"KMS {t.get('kms_master_key_id')}", "no KMS key"),
            f"no SNS topic named {self.prefix}-* (observability tier not built)",
        )

    def secrets(self) -> None:
        secrets = [(s.get("name", ""), s) for s in self.items("secrets")]
        absent = f"no secret of {self.prefix} (database tier not built)"

        def encrypted(s: dict) -> tuple[bool, str]:
            key = s.get("kms_key_id") or ""
            if not key or key.endswith("alias/aws/secretsmanager"):
                return False, "AWS managed key aws/secretsmanager, not the platform's key"
            return True, f"KMS {key}"

        self.each("secrets_encrypted", secrets, encrypted, absent)
        self.each("secret_resource_policy", secrets, _secret_policy, absent)
        rotatable = [
            (n, s)
            for n, s in secrets
            if n.endswith(ROTATABLE_SUFFIXES) or s.get("rotation_lambda_arn") or s.get("owning_service")
        ]
        if secrets and not rotatable:
            self.skip("secrets_rotation", "no secret of a rotatable kind (database / cache credentials)")
            return
        self.each(
            "secrets_rotation",
            rotatable,
            lambda s: _flag(
                s.get("rotation_enabled"),
                "rotation on",
                "rotation off" + ("" if s.get("rotation_lambda_arn") else ", no rotation function"),
            ),
            absent,
        )

    def launch_templates(self) -> None:
        templates = [(t.get("launch_template_name", ""), t) for t in self.items("launch_templates")]
        instances = [
            (i.get("instance_id", ""), i)
            for i in self.items("instances")
            if self.ours(i) and (i.get("state") or {}).get("name") not in ("terminated", "shutting-down")
        ]
        absent = f"no launch template of {self.prefix} (cluster tier not built)"
        self.each("ebs_encrypted", templates, _template_ebs, absent)

        def imds(data: dict) -> tuple[bool, str]:
            tokens = (data.get("metadata_options") or {}).get("http_tokens", "optional")
            return tokens == "required", f"http_tokens {tokens}"

        self.each("imdsv2_required", [(n, t.get("launch_template_data") or {}) for n, t in templates], imds, absent)
        for name, instance in instances:
            ok, detail = imds(instance)
            self.add("imdsv2_required", name, ok, detail)

        def no_key(data: dict) -> tuple[bool, str]:
            key = data.get("key_name")
            return (False, f"key pair {key}") if key else (True, "no key pair")

        self.each("no_key_pairs", [(n, t.get("launch_template_data") or {}) for n, t in templates], no_key, absent)
        for name, instance in instances:
            ok, detail = no_key(instance)
            self.add("no_key_pairs", name, ok, detail)

    def security_groups(self) -> None:
        vpc_ids = {v.get("id") or v.get("vpc_id") for v in self.items("vpcs") if self.ours(v)}
        groups = [g for g in self.items("security_groups") if g.get("vpc_id") in vpc_ids]
        if not vpc_ids:
            for control in ("default_sg_no_rules", "sg_no_admin_ports", "sg_world_only_alb"):
                self.skip(control, f"no VPC of {self.prefix} (network tier not built)")
            return
        for group in groups:
            if group.get("group_name") == "default":
                rules = len(group.get("ip_permissions") or []) + len(group.get("ip_permissions_egress") or [])
                self.add(
                    "default_sg_no_rules",
                    f"{group.get('group_id')} ({group.get('vpc_id')})",
                    rules == 0,
                    f"{rules} rule(s)",
                )
        platform_groups = [g for g in groups if g.get("group_name") != "default"]
        if not platform_groups:
            self.skip("sg_no_admin_ports", f"no security group of {self.prefix} (security tier not built)")
            self.skip("sg_world_only_alb", f"no security group of {self.prefix} (security tier not built)")
            return
        for group in groups:
            name = f"{group.get('group_name')} ({group.get('group_id')})"
            permissions = group.get("ip_permissions") or []
            # the internet however it is cut: a /0, or pieces (0.0.0.0/1 + 128.0.0.0/1) in one rule or several
            world = [p for p in permissions if _cidrs(p)] if reaches_internet(_all_cidrs(permissions)) else []
            admin = sorted(
                port
                for port in ADMIN_PORTS
                if reaches_internet(_all_cidrs([p for p in permissions if _covers(p, port)]))
            )
            self.add(
                "sg_no_admin_ports",
                name,
                not admin,
                f"world can reach port(s) {', '.join(map(str, admin))}" if admin else "no 22/3389 from the world",
            )
            allowed = group.get("group_name") in self.world_open
            self.add(
                "sg_world_only_alb",
                name,
                allowed or not world,
                "the ALB's group"
                if allowed and world
                else (
                    "open to the world: " + ", ".join(_describe(p) for p in world) if world else "not open to the world"
                ),
            )

    def load_balancers(self) -> None:
        lbs = [
            (lb.get("load_balancer_name", ""), lb)
            for lb in self.items("load_balancers")
            if lb.get("load_balancer_name", "").startswith(f"{self.prefix}-")
        ]
        absent = f"no load balancer named {self.prefix}-* (edge tier not built)"
        self.each("alb_http_redirect", lbs, _http_redirect, absent)
        self.each("alb_tls_policy", lbs, _tls_policy, absent)
        protected = {arn for acl in self.items("web_acls") for arn in acl.get("resource_arns") or []}
        self.each(
            "alb_waf",
            lbs,
            lambda lb: _flag(lb.get("load_balancer_arn") in protected, "web ACL associated", "no web ACL associated"),
            absent,
        )
        self.each(
            "waf_logging",
            [(a.get("name", ""), a) for a in self.items("web_acls")],
            lambda a: _flag(
                (a.get("logging_configuration") or {}).get("log_destination_configs"),
                "logging to " + ", ".join((a.get("logging_configuration") or {}).get("log_destination_configs") or []),
                "logging off",
            ),
            f"no web ACL named {self.prefix}-* (edge tier not built)",
        )

    def kms(self) -> None:
        keys = [
            (", ".join(k.get("aliases") or []) or k.get("key_arn", ""), k)
            for k in self.items("kms_keys")
            if k.get("key_manager", "CUSTOMER") == "CUSTOMER"
            and k.get("key_state", "Enabled") == "Enabled"
            and (self.ours(k) or f"alias/{self.prefix}" in " ".join(k.get("aliases") or []))
        ]
        self.each(
            "kms_rotation",
            keys,
            lambda k: _flag(k.get("enable_key_rotation"), "rotation on", "rotation off"),
            f"no customer key of {self.prefix} (security tier not built)",
        )

    def service_roles(self) -> None:
        roles = [
            (r.get("role_name", ""), r)
            for r in self.items("iam_roles")
            if _service_principals(r.get("assume_role_policy_document"))
        ]
        self.each(
            "service_role_confused_deputy",
            roles,
            lambda r: _trust_conditions(r.get("assume_role_policy_document")),
            f"no service role named {self.prefix}-* (security tier not built)",
        )

    def cloudtrail(self) -> None:
        trails = self.items("trails")
        ours = [t for t in trails if t.get("name", "").startswith(self.prefix) or self.ours(t)]
        chosen = [(t.get("name", ""), t) for t in (ours or trails)]
        if not chosen:
            observability_built = bool(self.items("sns_topics"))
            for control in ("cloudtrail_logging", "cloudtrail_log_validation"):
                if observability_built:
                    self.add(control, "-", False, "no CloudTrail trail in the region")
                else:
                    self.skip(control, "no trail and observability tier not built")
            return
        for name, trail in chosen:
            self.add(
                "cloudtrail_logging",
                name,
                bool(trail.get("is_logging")),
                "logging" if trail.get("is_logging") else "logging stopped",
            )
        for name, trail in chosen:
            self.add(
                "cloudtrail_log_validation",
                name,
                bool(trail.get("log_file_validation_enabled")),
                "validated" if trail.get("log_file_validation_enabled") else "log file validation off",
            )

    def guardduty(self) -> None:
        detectors = [(d.get("detector_id", ""), d) for d in self.items("guardduty_detectors")]
        if not detectors and self.items("sns_topics"):
            self.add("guardduty_protection", "-", False, "no GuardDuty detector in the region")
            return
        self.each(
            "guardduty_protection",
            detectors,
            _guardduty,
            "no GuardDuty detector and observability tier not built",
        )

    def flow_logs(self) -> None:
        vpcs = [v.get("id") or v.get("vpc_id") for v in self.items("vpcs") if self.ours(v)]
        logs = self.items("flow_logs")

        def active(vpc_id: str) -> tuple[bool, str]:
            mine = [f for f in logs if f.get("resource_id") == vpc_id]
            on = [f for f in mine if f.get("flow_log_status", "ACTIVE") == "ACTIVE"]
            if on:
                return True, ", ".join(f"{f.get('flow_log_id')} {f.get('traffic_type', '')}".strip() for f in on)
            return False, "no active flow log"

        self.each(
            "flow_logs",
            [(v, {"id": v}) for v in vpcs],
            lambda v: active(v["id"]),
            f"no VPC of {self.prefix} (network tier not built)",
        )

    def _vpc_ids(self) -> set[str]:
        return {v.get("id") or v.get("vpc_id") for v in self.items("vpcs") if self.ours(v)}

    def vpc_endpoints(self) -> None:
        vpc_ids = self._vpc_ids()
        if not vpc_ids:
            self.skip("vpc_endpoint_policy", f"no VPC of {self.prefix} (network tier not built)")
            return
        endpoints = [
            (f"{str(e.get('service_name', '')).rsplit('.', 1)[-1]} ({e.get('vpc_endpoint_id')})", e)
            for e in self.items("vpc_endpoints")
            if e.get("vpc_id") in vpc_ids and str(e.get("state", "available")).lower() not in ("deleting", "deleted")
        ]

        def restricted(endpoint: dict) -> tuple[bool, str]:
            try:
                full = full_access_statements(endpoint.get("policy_document"))
            except ValueError:
                return False, "unreadable endpoint policy"
            if full:
                what = "no policy (AWS's default)" if not endpoint.get("policy_document") else "the default policy"
                return False, f"{what}: full access for any principal"
            return True, "restricted policy"

        self.each(
            "vpc_endpoint_policy",
            endpoints,
            restricted,
            f"no VPC endpoint in the VPCs of {self.prefix} (network_endpoints all switched off)",
        )

    def network_acls(self) -> None:
        vpc_ids = self._vpc_ids()
        if not vpc_ids:
            for control in ("nacl_no_admin_ports", "default_nacl_no_allow"):
                self.skip(control, f"no VPC of {self.prefix} (network tier not built)")
            return
        nacls = [n for n in self.items("network_acls") if n.get("vpc_id") in vpc_ids]
        if not nacls:
            for control in ("nacl_no_admin_ports", "default_nacl_no_allow"):
                self.skip(control, f"no NACL read in the VPCs of {self.prefix}")
            return
        for nacl in nacls:
            name = (
                f"{_tags(nacl).get('Name') or ('default' if nacl.get('is_default') else '-')} ({nacl.get('nacl_id')})"
            )
            open_ports = [port for port in ADMIN_PORTS if _nacl_admits_internet(nacl.get("ingress") or [], port)]
            self.add(
                "nacl_no_admin_ports",
                name,
                not open_ports,
                f"the internet reaches port(s) {', '.join(map(str, open_ports))}"
                if open_ports
                else "no 22/3389 from the internet",
            )
        for nacl in (n for n in nacls if n.get("is_default")):
            allows = [
                e for e in (nacl.get("ingress") or []) + (nacl.get("egress") or []) if len(e) > 2 and e[2] == "allow"
            ]
            subnets = nacl.get("subnets") or []
            problems = ([f"{len(allows)} allow entr{'y' if len(allows) == 1 else 'ies'}"] if allows else []) + (
                [f"used by {', '.join(subnets)}"] if subnets else []
            )
            self.add(
                "default_nacl_no_allow",
                f"default ({nacl.get('nacl_id')})",
                not problems,
                ", ".join(problems) if problems else "deny-all only, no subnet",
            )

    def task_definitions(self) -> None:
        definitions = [
            (d.get("task_definition_arn", "").rsplit("/", 1)[-1] or d.get("family", ""), d)
            for d in self.items("task_definitions")
        ]

        def plaintext(d: dict) -> tuple[bool, str]:
            found = [
                f"{c.get('name')}:{n}"
                for c in d.get("containers") or []
                for n in c.get("environment_names") or []
                if SECRET_NAME.search(n)
            ]
            if found:
                return False, "secret-like plaintext environment " + ", ".join(found)
            return True, "secrets from Secrets Manager only"

        self.each(
            "taskdef_no_plaintext_secrets",
            definitions,
            plaintext,
            f"no task definition family {self.prefix}-* (service tier not built)",
        )

    def run(self) -> list[Row]:
        for step in (
            self.rds,
            self.cache,
            self.efs,
            self.s3,
            self.logs,
            self.ecr,
            self.sns,
            self.secrets,
            self.launch_templates,
            self.security_groups,
            self.load_balancers,
            self.kms,
            self.service_roles,
            self.cloudtrail,
            self.guardduty,
            self.flow_logs,
            self.vpc_endpoints,
            self.network_acls,
            self.task_definitions,
        ):
            step()
        order = list(CONTROLS)
        return sorted(self.rows, key=lambda r: order.index(r["control"]))


# -- judges of one resource -------------------------------------------------------------------------------------
def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y")
    return bool(value)


def _flag(condition: Any, good: str, bad: str) -> tuple[bool, str]:
    return (True, good) if condition else (False, bad)


def _bucket_encryption(bucket: dict) -> tuple[bool, str]:
    config = bucket.get("bucket_encryption") or {}
    config = config.get("ServerSideEncryptionConfiguration") or config
    rules = config.get("rules") or config.get("Rules") or []
    algorithms = [
        (r.get("apply_server_side_encryption_by_default") or r.get("ApplyServerSideEncryptionByDefault") or {})
        for r in rules
    ]
    names = [a.get("sse_algorithm") or a.get("SSEAlgorithm") for a in algorithms if a]
    return (True, "default encryption " + ", ".join(names)) if names else (False, "no default encryption")


def _bucket_public_access_block(bucket: dict) -> tuple[bool, str]:
    block = bucket.get("public_access_block") or {}
    block = block.get("PublicAccessBlockConfiguration") or block.get("public_access_block_configuration") or block
    settings = {
        k: block.get(k, block.get(_snake(k)))
        for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    }
    off = [k for k, v in settings.items() if not v]
    return (False, "not blocked: " + ", ".join(off)) if off else (True, "all four blocked")


def _bucket_tls_only(bucket: dict) -> tuple[bool, str]:
    policy = bucket.get("bucket_policy") or {}
    if isinstance(policy, dict) and "Policy" in policy:  # s3_bucket_info returns GetBucketPolicy's answer
        policy = policy["Policy"]
    if isinstance(policy, str):
        try:
            policy = json.loads(policy) if policy else {}
        except ValueError:
            return False, "unreadable bucket policy"
    statements = policy.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        condition = statement.get("Condition") or {}
        secure = {**(condition.get("Bool") or {}), **(condition.get("BoolIfExists") or {})}.get("aws:SecureTransport")
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))
        if statement.get("Effect") == "Deny" and everyone and str(secure).lower() == "false":
            return True, "denies aws:SecureTransport false"
    return False, "no Deny of aws:SecureTransport false in the bucket policy"


def _policy_document(policy: Any) -> dict:
    if isinstance(policy, str):
        try:
            policy = json.loads(policy) if policy else {}
        except ValueError:
            return {}
    return policy if isinstance(policy, dict) else {}


def _statements(policy: Any) -> list[dict]:
    statements = _policy_document(policy).get("Statement") or []
    return [statements] if isinstance(statements, dict) else [s for s in statements if isinstance(s, dict)]


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value] if value is not None else []


def _everyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))


def _condition_keys(statement: dict) -> dict[str, Any]:
    """Every condition key of a statement (lower-cased, whatever the operator) with its value."""
    keys: dict[str, Any] = {}
    for operator in (statement.get("Condition") or {}).values():
        if isinstance(operator, dict):
            keys.update({str(k).lower(): v for k, v in operator.items()})
    return keys


def _efs_policy(policy: Any) -> tuple[bool, str]:
    statements = _statements(policy)
    if not statements:
        return False, "no file-system policy: EFS's default lets any client that reaches a mount target in"
    tls = any(
        s.get("Effect") == "Deny"
        and _everyone(s.get("Principal"))
        and str(_condition_keys(s).get("aws:securetransport")).lower() == "false"
        for s in statements
    )
    open_allows = [
        s.get("Sid") or "(no Sid)"
        for s in statements
        if s.get("Effect") == "Allow" and _everyone(s.get("Principal")) and not _condition_keys(s)
    ]
    through_access_points = any(
        "elasticfilesystem:accesspointarn" in _condition_keys(s)
        and {a.lower() for a in _as_list(s.get("Action"))} & set(EFS_CLIENT_ACTIONS)
        for s in statements
    )
    problems = (
        ([] if tls else ["no Deny of aws:SecureTransport false"])
        + ([f"unconditional Allow to everyone ({', '.join(open_allows)})"] if open_allows else [])
        + ([] if through_access_points else ["client access not tied to access points"])
    )
    if problems:
        return False, "; ".join(problems)
    return True, "TLS only; client actions through the platform's access points only"


def _bucket_logging(bucket: dict) -> tuple[bool, str]:
    config = bucket.get("bucket_logging") or {}
    enabled = config.get("LoggingEnabled") or config.get("logging_enabled") or {}
    target = enabled.get("TargetBucket") or enabled.get("target_bucket")
    if not target:
        return False, "server access logging off"
    if target == bucket.get("name"):
        return False, "logs into itself (an endless loop of log writes)"
    prefix = enabled.get("TargetPrefix") or enabled.get("target_prefix") or ""
    return True, f"logs to {target}/{prefix}"


def _secret_policy(secret: dict) -> tuple[bool, str]:
    statements = _statements(secret.get("resource_policy"))
    if not statements:
        return False, "no resource policy"
    other_accounts = any(
        s.get("Effect") == "Deny" and _everyone(s.get("Principal")) and "aws:principalaccount" in _condition_keys(s)
        for s in statements
    )
    other_principals = any(
        s.get("Effect") == "Deny"
        and _everyone(s.get("Principal"))
        and {"aws:principalarn", "aws:userid", "aws:principaltag"} & set(_condition_keys(s))
        for s in statements
    )
    if not other_accounts:
        return False, "no Deny of other accounts (aws:PrincipalAccount)"
    if not other_principals:
        return False, "no Deny of other principals of the account (aws:PrincipalArn)"
    return True, "other accounts and other principals denied"


def _service_principals(document: Any) -> list[str]:
    return sorted(
        {
            service
            for s in _statements(document)
            if s.get("Effect") == "Allow" and isinstance(s.get("Principal"), dict)
            for service in _as_list(s["Principal"].get("Service"))
        }
    )


def _trust_conditions(document: Any) -> tuple[bool, str]:
    unguarded, exempt = [], []
    for statement in _statements(document):
        principal = statement.get("Principal")
        if statement.get("Effect") != "Allow" or not isinstance(principal, dict):
            continue
        services = _as_list(principal.get("Service"))
        if not services or set(SOURCE_KEYS) & set(_condition_keys(statement)):
            continue
        exempt += [s for s in services if s in NO_SOURCE_CONTEXT_SERVICES]
        unguarded += [s for s in services if s not in NO_SOURCE_CONTEXT_SERVICES]
    if unguarded:
        return False, "trusts " + ", ".join(unguarded) + " without aws:SourceAccount / aws:SourceArn"
    if exempt:
        return True, ", ".join(exempt) + " sets no source keys (AWS): no condition possible"
    return True, "aws:SourceAccount / aws:SourceArn on " + ", ".join(_service_principals(document))


def _cache_at_rest(group: dict) -> tuple[bool, str]:
    if not _bool(group.get("at_rest_encryption_enabled")):
        return False, "NOT encrypted at rest"
    if not group.get("kms_key_id"):
        return False, "encrypted at rest with the ElastiCache default key, not a customer KMS key"
    return True, f"KMS {group.get('kms_key_id')}"


def _cache_in_transit(group: dict) -> tuple[bool, str]:
    if not _bool(group.get("transit_encryption_enabled")):
        return False, "in-transit encryption off: clients connect in plaintext"
    mode = group.get("transit_encryption_mode")
    if mode and str(mode).lower() != "required":
        return False, f"TLS mode {mode}: plaintext connections still accepted"
    return True, f"TLS {mode}" if mode else "TLS on"


def _cache_auth(group: dict) -> tuple[bool, str]:
    user_groups = group.get("user_group_ids") or []
    if user_groups:
        return True, "RBAC user group(s) " + ", ".join(user_groups)
    if _bool(group.get("auth_token_enabled")):
        return True, "AUTH token"
    return False, "no AUTH token and no RBAC user group"


def _cache_multi_az(group: dict) -> tuple[bool, str]:
    failover = str(group.get("automatic_failover") or "disabled").lower()
    multi_az = str(group.get("multi_az") or "disabled").lower()
    off = [f"automatic failover {failover}"] if failover != "enabled" else []
    off += [f"Multi-AZ {multi_az}"] if multi_az != "enabled" else []
    return (False, ", ".join(off)) if off else (True, "Multi-AZ with automatic failover")


def _guardduty(detector: dict) -> tuple[bool, str]:
    features = {f.get("name"): f for f in detector.get("features") or []}
    off = [name for name in GUARDDUTY_FEATURES if (features.get(name) or {}).get("status") != "ENABLED"]
    if detector.get("status") != "ENABLED":
        return False, f"detector {detector.get('status') or 'not enabled'}"
    if off:
        return False, "protection off: " + ", ".join(off)
    agent = {
        e.get("name"): e.get("status")
        for e in (features.get("RUNTIME_MONITORING") or {}).get("additional_configuration") or []
    }.get("EC2_AGENT_MANAGEMENT")
    managed = "agent managed by GuardDuty" if agent == "ENABLED" else "agent installed by the operator"
    return True, f"{', '.join(GUARDDUTY_FEATURES)} on ({managed})"


def _template_ebs(template: dict) -> tuple[bool, str]:
    mappings = (template.get("launch_template_data") or {}).get("block_device_mappings") or []
    volumes = [m for m in mappings if m.get("ebs") is not None]
    if not volumes:
        return False, "no EBS mapping: the root volume's encryption is left to the account default"
    plain = [m.get("device_name", "?") for m in volumes if not _bool((m.get("ebs") or {}).get("encrypted"))]
    return (False, "not encrypted: " + ", ".join(plain)) if plain else (True, f"{len(volumes)} volume(s) encrypted")


def _listeners(lb: dict, protocol: str) -> list[dict]:
    return [listener for listener in lb.get("listeners") or [] if listener.get("protocol") == protocol]


def _http_redirect(lb: dict) -> tuple[bool, str]:
    http = _listeners(lb, "HTTP")
    if not http:
        return True, "no HTTP listener"
    bad = [
        str(listener.get("port"))
        for listener in http
        if not any(
            a.get("type") == "redirect" and (a.get("redirect_config") or {}).get("protocol") == "HTTPS"
            for a in listener.get("default_actions") or []
        )
    ]
    return (
        (False, "HTTP listener(s) on port " + ", ".join(bad) + " do not redirect to HTTPS")
        if bad
        else (True, "HTTP redirects to HTTPS")
    )


def _tls_policy(lb: dict) -> tuple[bool, str]:
    https = _listeners(lb, "HTTPS")
    if not https:
        return False, "no HTTPS listener"
    bad = [
        f"{listener.get('port')}: {listener.get('ssl_policy')}"
        for listener in https
        if not TLS12_POLICY.match(listener.get("ssl_policy") or "")
    ]
    if bad:
        return False, "policy allows TLS < 1.2: " + ", ".join(bad)
    return True, ", ".join(sorted({listener.get("ssl_policy", "") for listener in https}))


def _cidrs(permission: dict) -> list[str]:
    v4 = [r.get("cidr_ip") for r in permission.get("ip_ranges") or []]
    v6 = [r.get("cidr_ipv6") for r in permission.get("ipv6_ranges") or []]
    return [c for c in v4 + v6 if c]


def _all_cidrs(permissions: list[dict]) -> list[str]:
    return [cidr for permission in permissions for cidr in _cidrs(permission)]


def _covers(permission: dict, port: int) -> bool:
    if str(permission.get("ip_protocol")) == "-1":
        return True
    if permission.get("ip_protocol") not in ("tcp", "6", "udp", "17"):
        return False
    low, high = permission.get("from_port"), permission.get("to_port")
    if low is None or high is None:
        return True
    return int(low) <= port <= int(high) or int(low) == -1


def _describe(permission: dict) -> str:
    if str(permission.get("ip_protocol")) == "-1":
        return "all traffic"
    low, high = permission.get("from_port"), permission.get("to_port")
    ports = str(low) if low == high else f"{low}-{high}"
    return f"{permission.get('ip_protocol')}/{ports}"


def _nacl_covers(entry: list, port: int) -> bool:
    """Whether a NACL entry (amazon.aws.ec2_vpc_nacl_info's list form) matches TCP traffic to ``port``."""
    protocol = str(entry[1]).lower()
    if protocol in ("all", "-1"):
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = entry[6], entry[7]
    return low is None or high is None or int(low) <= port <= int(high)


def _nacl_admits_internet(ingress: list[list], port: int) -> bool:
    """NACL entries are evaluated lowest rule number first: is there an allow for ``port`` from public addresses
    that no earlier deny of a CIDR containing it (for that port) shadows?"""
    denied: list[ipaddress._BaseNetwork] = []
    for entry in sorted((e for e in ingress if len(e) > 3 and e[3]), key=lambda e: int(e[0])):
        if not _nacl_covers(entry, port):
            continue
        try:
            network = ipaddress.ip_network(str(entry[3]), strict=False)
        except ValueError:
            continue
        if entry[2] == "deny":
            denied.append(network)
            continue
        reach = public_reach([str(network)])
        if not (reach.get("ipv4") or reach.get("ipv6")):
            continue
        if not any(network.version == d.version and network.subnet_of(d) for d in denied):
            return True
    return False


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def audit_controls(facts: dict[str, Any], requirements: dict[str, Any] | None = None) -> list[Row]:
    if not isinstance(facts, dict):
        raise AnsibleFilterError(f"audit_controls expects a dict of gathered settings, got {type(facts).__name__}")
    requirements = requirements or {}
    unknown = set(requirements.get("required") or []) - set(CONTROLS) - {"all"}
    if isinstance(requirements.get("required"), list) and unknown:
        raise AnsibleFilterError(f"audit_controls: unknown control id(s) {sorted(unknown)}; known: {list(CONTROLS)}")
    return Audit(facts, requirements).run()


def audit_table(rows: list[Row]) -> list[str]:
    """The rows as fixed-width lines: control | resource | status | detail."""
    header = ("control", "resource", "status", "detail")
    cells = [header] + [
        (
            r["control"],
            str(r["resource"]),
            r["status"].upper() + ("" if r["required"] or r["status"] != "fail" else " (not required)"),
            str(r["detail"]),
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(3)]
    lines = [" | ".join(c[i].ljust(widths[i]) for i in range(3)) + " | " + c[3] for c in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths) + "-+-" + "-" * 6)
    return lines


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"audit_controls": audit_controls, "audit_table": audit_table}
