# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What exists of one platform, from what the *_info modules read: the summary of playbooks/summary.yml."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: platform_view
short_description: What exists of the platform, tier by tier, from the settings read from the live account
version_added: 0.2.0
description:
  - Takes the settings playbooks/tasks/views/gather.yml read (the results of the C(*_info) modules and of
    M(kstore.platform.platform_audit_info)) and returns what exists of the platform, one key per tier, with its
    main identifiers. A tier of which nothing exists is C(null) (the cache tier when it is switched off, too).
  - Only the platform's own resources are kept (named C(<platform_name>-<platform_env>-*) or tagged with
    C(Platform)/C(Environment)). No secret is read, so none is returned.
  - The result is the JSON summary of playbooks/summary.yml and the input of
    P(kstore.platform.platform_view_lines#filter) and P(kstore.platform.platform_diagram#filter).
options:
  _input:
    description:
      - The gathered settings, a dict with C(platform_name), C(platform_env), C(platform_region) and the lists
        C(vpcs), C(subnets), C(nat_gateways), C(vpc_endpoints), C(rds_instances), C(efs), C(buckets),
        C(cache_replication_groups), C(ecr_repositories), C(ecs_services), C(load_balancers), C(dashboards)
        (a missing key is an empty list).
    type: dict
    required: true
  edge_domain:
    description: The shop's public name; empty, the load balancer's DNS name makes the URLs.
    type: str
    default: ""
  admin_dir:
    description: The back office folder of the golden image (C(golden_image_admin_dir)).
    type: str
    default: ""
  audit:
    description:
      - The rows of P(kstore.platform.audit_controls#filter) on the same settings; empty, the summary has no
        audit verdict (C(audit) is C(null)).
    type: list
    elements: dict
    default: []
  edge_port:
    description:
      - The port the shop's HTTPS listener is reached on; other than 443 it appears in the URLs (the local
        environment publishes the local edge's 443 on a loopback port, 8443 by default).
    type: int
    default: 443
"""

EXAMPLES = r"""
- name: What exists
  ansible.builtin.set_fact:
    platform_view: >-
      {{ views__facts | kstore.platform.platform_view(edge_domain='shop.example.com', admin_dir='admin-shop',
                                                      audit=audit_results) }}
"""

RETURN = r"""
_value:
  description:
    - C(platform), C(region) and one key per tier - C(network), C(database), C(storage), C(cache), C(registry),
      C(image) (C(repository@sha256:digest) the service runs), C(cluster), C(service), C(edge) (with C(shop_url)
      and C(back_office_url)), C(observability), C(audit) (C(verdict) C(pass) or C(fail) and the counts).
  type: dict
  sample:
    platform: shop-prod
    network: {vpc_id: vpc-0a1, cidr: 10.20.0.0/16, azs: [eu-west-1a], subnets: [{id: subnet-1, tier: public}]}
    database: {instance_id: shop-prod-db, endpoint: shop-prod-db.abc.eu-west-1.rds.amazonaws.com, port: 3306}
    cache: null
    edge: {dns_name: shop-prod-alb-1.eu-west-1.elb.amazonaws.com, shop_url: "https://shop.example.com/"}
"""

TIERS = ("public", "app", "data")


def _tags(item: dict[str, Any]) -> dict[str, str]:
    tags = item.get("tags") or item.get("Tags") or {}
    if isinstance(tags, list):  # boto3 list of {Key, Value}
        return {t.get("Key", t.get("key")): t.get("Value", t.get("value")) for t in tags}
    return dict(tags)


class _Facts:
    def __init__(self, facts: Any) -> None:
        if not isinstance(facts, dict):
            raise AnsibleFilterError(f"platform_view: the input must be a dict, got {type(facts).__name__}")
        self.facts = facts
        self.name = str(facts.get("platform_name", ""))
        self.env = str(facts.get("platform_env", ""))
        if not self.name or not self.env:
            raise AnsibleFilterError("platform_view: the input needs platform_name and platform_env")
        self.prefix = f"{self.name}-{self.env}"

    def items(self, key: str) -> list[dict[str, Any]]:
        value = self.facts.get(key) or []
        if not isinstance(value, list):
            raise AnsibleFilterError(f"platform_view: '{key}' must be a list, got {type(value).__name__}")
        return value

    def ours(self, item: dict[str, Any], name: str = "") -> bool:
        tags = _tags(item)
        tagged = tags.get("Platform") == self.name and tags.get("Environment") == self.env
        return tagged or name == self.prefix or name.startswith(f"{self.prefix}-")


def _network(f: _Facts) -> dict[str, Any] | None:
    vpcs = [v for v in f.items("vpcs") if f.ours(v)]
    if not vpcs:
        return None
    vpc = sorted(vpcs, key=lambda v: v.get("id", v.get("vpc_id", "")))[0]
    vpc_id = vpc.get("id") or vpc.get("vpc_id", "")
    subnets = []
    for s in f.items("subnets"):
        if s.get("vpc_id") != vpc_id:
            continue
        tier = _tags(s).get("Tier", "")
        subnets.append(
            {
                "id": s.get("subnet_id") or s.get("id", ""),
                "tier": tier if tier in TIERS else "other",
                "az": s.get("availability_zone", ""),
                "cidr": s.get("cidr_block", ""),
            }
        )
    order = {t: i for i, t in enumerate((*TIERS, "other"))}
    subnets.sort(key=lambda s: (order[s["tier"]], s["az"], s["cidr"]))
    nats = [
        {"id": n.get("nat_gateway_id", ""), "subnet_id": n.get("subnet_id", "")}
        for n in f.items("nat_gateways")
        if n.get("vpc_id") == vpc_id and n.get("state") not in ("deleted", "deleting", "failed")
    ]
    endpoints = [
        {
            "id": e.get("vpc_endpoint_id", ""),
            "service": e.get("service_name", ""),
            "type": e.get("vpc_endpoint_type", ""),
        }
        for e in f.items("vpc_endpoints")
        if e.get("vpc_id") == vpc_id and str(e.get("state", "available")).lower() not in ("deleted", "deleting")
    ]
    return {
        "vpc_id": vpc_id,
        "cidr": vpc.get("cidr_block", ""),
        "azs": sorted({s["az"] for s in subnets if s["az"]}),
        "subnets": subnets,
        "nat_gateways": sorted(nats, key=lambda n: n["id"]),
        "vpc_endpoints": sorted(endpoints, key=lambda e: e["service"]),
    }


def _database(f: _Facts) -> dict[str, Any] | None:
    ours = [
        d
        for d in f.items("rds_instances")
        if f.ours(d, d.get("db_instance_identifier", "")) and d.get("db_instance_status") != "deleting"
    ]
    if not ours:
        return None
    db = sorted(ours, key=lambda d: d["db_instance_identifier"])[0]
    endpoint = db.get("endpoint") or {}
    group = db.get("db_subnet_group") or {}
    return {
        "instance_id": db["db_instance_identifier"],
        "endpoint": endpoint.get("address", ""),
        "port": endpoint.get("port", 0),
        "engine": db.get("engine", ""),
        "engine_version": db.get("engine_version", ""),
        "status": db.get("db_instance_status", ""),
        "multi_az": bool(db.get("multi_az", False)),
        "subnet_ids": sorted(s.get("subnet_identifier", "") for s in group.get("subnets", [])),
    }


def _storage(f: _Facts) -> dict[str, Any] | None:
    efs = [e for e in f.items("efs") if f.ours(e, e.get("name", "")) and e.get("life_cycle_state") != "deleted"]
    buckets = sorted(b.get("name", "") for b in f.items("buckets") if b.get("name", "").startswith(f"{f.prefix}-"))
    if not efs and not buckets:
        return None
    fs = sorted(efs, key=lambda e: e.get("file_system_id", ""))[0] if efs else None
    return {
        "efs": {
            "id": fs.get("file_system_id", ""),
            "name": fs.get("name", ""),
            "mount_target_subnet_ids": sorted(m.get("subnet_id", "") for m in fs.get("mount_targets") or []),
        }
        if fs
        else None,
        "buckets": buckets,
    }


def _cache(f: _Facts) -> dict[str, Any] | None:
    groups = [
        g
        for g in f.items("cache_replication_groups")
        if f.ours(g, g.get("replication_group_id", "")) and g.get("status") != "deleting"
    ]
    if not groups:
        return None
    group = sorted(groups, key=lambda g: g["replication_group_id"])[0]
    endpoint = ((group.get("node_groups") or [{}])[0]).get("primary_endpoint") or {}
    if not endpoint:
        endpoint = group.get("configuration_endpoint") or {}
    return {
        "replication_group_id": group["replication_group_id"],
        "endpoint": endpoint.get("address", ""),
        "port": endpoint.get("port", 0),
        "status": group.get("status", ""),
    }


def _registry(f: _Facts) -> dict[str, Any] | None:
    repos = [r for r in f.items("ecr_repositories") if r.get("repository_name", "").startswith(f"{f.prefix}-")]
    if not repos:
        return None
    repo = sorted(repos, key=lambda r: r["repository_name"])[0]
    return {"repository_name": repo["repository_name"], "repository_uri": repo.get("repository_uri", "")}


def _cluster_and_service(f: _Facts) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    clusters = [c for c in f.items("ecs_services") if c.get("cluster_name", "").startswith(f"{f.prefix}-")]
    if not clusters:
        return None, None
    cluster = sorted(clusters, key=lambda c: c["cluster_name"])[0]
    services = [s for s in cluster.get("services") or [] if s.get("service_name", "").startswith(f"{f.prefix}-")]
    view = {"cluster_name": cluster["cluster_name"], "cluster_arn": cluster.get("cluster_arn", "")}
    if not services:
        return view, None
    s = sorted(services, key=lambda s: s["service_name"])[0]
    return view, {
        "service_name": s["service_name"],
        "status": s.get("status", ""),
        "desired_count": s.get("desired_count", 0),
        "running_count": s.get("running_count", 0),
        "task_definition": s.get("task_definition", ""),
        "target_group_arns": list(s.get("target_group_arns") or []),
        "images": [i.get("image", "") for i in s.get("images") or []],
    }


def _edge(f: _Facts, edge_domain: str, admin_dir: str, edge_port: int = 443) -> dict[str, Any] | None:
    lbs = [lb for lb in f.items("load_balancers") if lb.get("load_balancer_name", "").startswith(f"{f.prefix}-")]
    if not lbs:
        return None
    lb = sorted(lbs, key=lambda lb: lb["load_balancer_name"])[0]
    target_groups = set()
    for listener in lb.get("listeners") or []:
        for action in listener.get("default_actions") or []:
            if action.get("target_group_arn"):
                target_groups.add(action["target_group_arn"])
            for group in (action.get("forward_config") or {}).get("target_groups") or []:
                target_groups.add(group.get("target_group_arn", ""))
    host = edge_domain or lb.get("dns_name", "")
    if host and int(edge_port) != 443:
        host = f"{host}:{int(edge_port)}"
    return {
        "load_balancer_name": lb["load_balancer_name"],
        "dns_name": lb.get("dns_name", ""),
        "scheme": lb.get("scheme", ""),
        "subnet_ids": sorted(z.get("subnet_id", "") for z in lb.get("availability_zones") or []),
        "listener_ports": sorted({int(li["port"]) for li in lb.get("listeners") or [] if "port" in li}),
        "target_group_arns": sorted(target_groups - {""}),
        "shop_url": f"https://{host}/" if host else "",
        "back_office_url": f"https://{host}/{admin_dir.strip('/')}/" if host and admin_dir else "",
    }


def _audit(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    failed = [r for r in rows if r.get("status") == "fail" and r.get("required")]
    return {
        "verdict": "fail" if failed else "pass",
        "pass": sum(1 for r in rows if r.get("status") == "pass"),
        "fail": sum(1 for r in rows if r.get("status") == "fail"),
        "skip": sum(1 for r in rows if r.get("status") == "skip"),
        "failed_required": [f"{r.get('control')}: {r.get('resource')}" for r in failed],
    }


def platform_view(
    facts: dict[str, Any],
    edge_domain: str = "",
    admin_dir: str = "",
    audit: list[dict[str, Any]] | None = None,
    edge_port: int = 443,
) -> dict[str, Any]:
    f = _Facts(facts)
    cluster, service = _cluster_and_service(f)
    images = service["images"] if service else []
    pinned = [i for i in images if "@sha256:" in i]
    dashboards = [d.get("dashboard_name", "") for d in f.items("dashboards") if f.ours({}, d.get("dashboard_name", ""))]
    return {
        "platform": f.prefix,
        "region": str(facts.get("platform_region", "")),
        "network": _network(f),
        "database": _database(f),
        "storage": _storage(f),
        "cache": _cache(f),
        "registry": _registry(f),
        "image": (pinned or images or [""])[0],
        "cluster": cluster,
        "service": service,
        "edge": _edge(f, str(edge_domain or ""), str(admin_dir or ""), int(edge_port or 443)),
        "observability": {"dashboard_name": sorted(dashboards)[0]} if dashboards else None,
        "audit": _audit(list(audit or [])),
    }


def platform_view_lines(view: dict[str, Any]) -> list[str]:
    """The view in a few readable lines (the debug message at the end of site.yml)."""
    if not isinstance(view, dict) or "platform" not in view:
        raise AnsibleFilterError("platform_view_lines: the input must be the result of kstore.platform.platform_view")
    absent = "(none)"
    net, db, storage, cache = view.get("network"), view.get("database"), view.get("storage"), view.get("cache")
    cluster, service, edge = view.get("cluster"), view.get("service"), view.get("edge")
    efs = (storage or {}).get("efs")
    tiers = (
        ", ".join(
            f"{t} {sum(1 for s in net['subnets'] if s['tier'] == t)}"
            for t in TIERS
            if any(s["tier"] == t for s in net["subnets"])
        )
        if net
        else ""
    )
    lines = [
        f"platform     {view['platform']} ({view.get('region', '')})",
        f"network      {net['vpc_id']} {net['cidr']}, {len(net['azs'])} AZ, subnets: {tiers or 'none'}"
        if net
        else f"network      {absent}",
        f"database     {db['endpoint']}:{db['port']} ({db['instance_id']}, {db['engine']} {db['engine_version']})"
        if db
        else f"database     {absent}",
        f"efs          {efs['id']}" if efs else f"efs          {absent}",
        f"buckets      {', '.join(storage['buckets'])}" if storage and storage["buckets"] else f"buckets      {absent}",
        f"cache        {cache['endpoint']}:{cache['port']} ({cache['replication_group_id']})"
        if cache
        else "cache        disabled",
        f"image        {view.get('image') or absent}",
        f"cluster      {cluster['cluster_name']}" if cluster else f"cluster      {absent}",
        f"service      {service['service_name']} ({service['running_count']}/{service['desired_count']} running)"
        if service
        else f"service      {absent}",
        f"alb          {edge['dns_name']}" if edge else f"alb          {absent}",
    ]
    if edge and edge.get("shop_url"):
        lines.append(f"shop         {edge['shop_url']}")
    if edge and edge.get("back_office_url"):
        lines.append(f"back office  {edge['back_office_url']}")
    observability = view.get("observability")
    lines.append(f"dashboard    {observability['dashboard_name']}" if observability else f"dashboard    {absent}")
    audit = view.get("audit")
    if audit:
        verdict = "PASS" if audit["verdict"] == "pass" else f"FAIL ({', '.join(audit['failed_required'])})"
        lines.append(f"audit        {verdict}: {audit['pass']} pass, {audit['fail']} fail, {audit['skip']} skip")
    return lines


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"platform_view": platform_view, "platform_view_lines": platform_view_lines}
