# Copyright: kstore.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live platform as a Graphviz DOT graph (playbooks/diagram.yml renders it to SVG and PNG)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: platform_diagram
short_description: The platform that exists as a Graphviz DOT graph
version_added: 0.2.0
description:
  - Draws the result of P(kstore.platform.platform_view#filter) - what was read from the live account, not what
    the inventory asks for - as a DOT digraph - the VPC with one box per subnet tier (public, app, data) holding
    its subnets (with their availability zone and CIDR) and that tier's resources (ALB and NAT gateways; ECS
    service and EFS; RDS and Redis), the VPC endpoints, the S3 buckets and the ECR repository outside it.
  - The request path is drawn as edges - internet to ALB, ALB to ECS service, ECS service to RDS, EFS and Redis,
    ECR to the service (the image it runs); dotted grey edges place the ALB, RDS, EFS and NAT gateways in their
    subnets.
  - Every node is named C(<kind>/<identifier>) (C(subnet/subnet-0a1), C(alb/shop-prod-alb), C(ecs-service/...),
    C(rds/...), C(efs/fs-...), C(redis/...), C(s3/<bucket>), C(ecr/<repository>), C(nat/...), C(vpce/...),
    C(internet)); a resource that does not exist has no node. Nothing that exists means an empty graph with a
    label saying so.
options:
  _input:
    description: The dict kstore.platform.platform_view returns.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: The DOT source of the live platform
  ansible.builtin.set_fact:
    diagram_dot: "{{ platform_view | kstore.platform.platform_diagram }}"
"""

RETURN = r"""
_value:
  description: The DOT source (C(digraph)), for C(dot -Tsvg) or M(kstore.platform.graphviz_render).
  type: str
"""

TIER_STYLE = {
    "public": ("public tier", "#e8f4fd"),
    "app": ("app tier", "#eaf7ea"),
    "data": ("data tier", "#fdf1e6"),
    "other": ("other subnets", "#f2f2f2"),
}
NODE_COLOURS = {
    "subnet": "#ffffff",
    "alb": "#8fc3f0",
    "nat": "#cfe3f5",
    "ecs-service": "#9fd89f",
    "efs": "#c9e9a6",
    "rds": "#f5b971",
    "redis": "#f19a9a",
    "vpce": "#e0d4f5",
    "s3": "#f7e08a",
    "ecr": "#f7c98a",
}


def _q(text: Any) -> str:
    """A DOT double-quoted string; a newline becomes DOT's centred line break."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


class _Dot:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1

    def add(self, line: str) -> None:
        self.lines.append("  " * self.depth + line)

    def node(self, name: str, label: str, kind: str, shape: str = "box") -> None:
        style = "filled" if shape != "box" else "rounded,filled"
        self.add(
            f"{_q(name)} [label={_q(label)}, shape={shape}, style={_q(style)}, fillcolor={_q(NODE_COLOURS[kind])}];"
        )

    def edge(self, tail: str, head: str, label: str = "", placement: bool = False, **attrs: str) -> None:
        parts = [f"label={_q(label)}"] if label else []
        if placement:
            parts += ['style="dotted"', 'color="#9a9a9a"', 'arrowhead="none"', 'constraint="false"']
        parts += [f"{k}={_q(v)}" for k, v in attrs.items()]
        self.add(f"{_q(tail)} -> {_q(head)}" + (f" [{', '.join(parts)}]" if parts else "") + ";")

    def open(self, name: str, label: str, colour: str = "", style: str = "rounded") -> None:
        self.add(f"subgraph {_q('cluster_' + name)} {{")
        self.depth += 1
        self.add(f"label={_q(label)}; style={_q(style + (',filled' if colour else ''))};")
        if colour:
            self.add(f"fillcolor={_q(colour)};")

    def close(self) -> None:
        self.depth -= 1
        self.add("}")


def _short_service(name: str) -> str:
    """com.amazonaws.eu-west-1.ecr.dkr -> ecr.dkr"""
    parts = name.split(".")
    return ".".join(parts[3:]) if len(parts) > 3 and parts[0] == "com" else name


def platform_diagram(view: dict[str, Any]) -> str:
    if not isinstance(view, dict) or "platform" not in view:
        raise AnsibleFilterError("platform_diagram: the input must be the result of kstore.platform.platform_view")
    net, db, storage, cache = view.get("network"), view.get("database"), view.get("storage"), view.get("cache")
    service, edge, registry, cluster = view.get("service"), view.get("edge"), view.get("registry"), view.get("cluster")
    efs = (storage or {}).get("efs")
    buckets = (storage or {}).get("buckets") or []

    dot = _Dot()
    dot.add(f"label={_q(view['platform'] + ' - what exists (' + (view.get('region') or '') + ')')};")
    dot.add('labelloc="t"; fontname="Helvetica"; rankdir="LR"; compound="true"; newrank="true"; nodesep="0.3";')
    dot.add('node [fontname="Helvetica", fontsize="10"]; edge [fontname="Helvetica", fontsize="9"];')
    names = {
        "alb": f"alb/{edge['load_balancer_name']}" if edge else "",
        "service": f"ecs-service/{service['service_name']}" if service else "",
        "rds": f"rds/{db['instance_id']}" if db else "",
        "efs": f"efs/{efs['id']}" if efs else "",
        "redis": f"redis/{cache['replication_group_id']}" if cache else "",
        "ecr": f"ecr/{registry['repository_name']}" if registry else "",
    }
    placed: set[str] = set()  # resources drawn inside the VPC

    if net:
        dot.open(f"vpc_{net['vpc_id']}", f"VPC {net['vpc_id']}  {net['cidr']}\nAZs: {', '.join(net['azs'])}")
        by_tier: dict[str, list[dict[str, Any]]] = {}
        for subnet in net["subnets"]:
            by_tier.setdefault(subnet["tier"], []).append(subnet)
        residents = {
            "public": ["alb"],
            "app": ["service", "efs"],
            "data": ["rds", "redis"],
        }
        for tier, (label, colour) in TIER_STYLE.items():
            subnets = by_tier.get(tier, [])
            here = [r for r in residents.get(tier, []) if names[r]]
            nats = net["nat_gateways"] if tier == "public" else []
            if not subnets and not here and not nats:
                continue
            dot.open(f"tier_{tier}", label, colour)
            for subnet in subnets:
                dot.node(f"subnet/{subnet['id']}", f"{subnet['id']}\n{subnet['az']}  {subnet['cidr']}", "subnet")
            if subnets:
                dot.add("{rank=same; " + " ".join(_q(f"subnet/{s['id']}") for s in subnets) + "}")
            for nat in nats:
                dot.node(f"nat/{nat['id']}", f"NAT gateway\n{nat['id']}", "nat")
            for resident in here:
                placed.add(resident)
                if resident == "alb":
                    dot.node(names["alb"], f"ALB {edge['load_balancer_name']}\n{edge['dns_name']}", "alb")
                elif resident == "service":
                    label = f"ECS service {service['service_name']}\n"
                    label += f"cluster {cluster['cluster_name']}\n" if cluster else ""
                    label += f"{service['running_count']}/{service['desired_count']} tasks running"
                    dot.node(names["service"], label, "ecs-service")
                elif resident == "efs":
                    dot.node(names["efs"], f"EFS {efs['id']}\n{efs['name']}", "efs", shape="folder")
                elif resident == "rds":
                    label = f"RDS {db['instance_id']}\n{db['engine']} {db['engine_version']}"
                    label += "  Multi-AZ" if db["multi_az"] else ""
                    dot.node(names["rds"], f"{label}\n{db['endpoint']}:{db['port']}", "rds", shape="cylinder")
                elif resident == "redis":
                    label = f"Redis {cache['replication_group_id']}\n{cache['endpoint']}:{cache['port']}"
                    dot.node(names["redis"], label, "redis", shape="cylinder")
            dot.close()
        if net["vpc_endpoints"]:
            dot.open("endpoints", "VPC endpoints", "#f7f3fd")
            for endpoint in net["vpc_endpoints"]:
                label = f"{_short_service(endpoint['service'])} ({endpoint['type'].lower()})\n{endpoint['id']}"
                dot.node(f"vpce/{endpoint['id']}", label, "vpce")
            dot.close()
        dot.close()

    # What lives outside the VPC, or inside it without subnets to hold it.
    for resident in ("alb", "service", "efs", "rds", "redis"):
        if names[resident] and resident not in placed:
            label = {
                "alb": lambda: f"ALB {edge['load_balancer_name']}\n{edge['dns_name']}",
                "service": lambda: f"ECS service {service['service_name']}",
                "efs": lambda: f"EFS {efs['id']}",
                "rds": lambda: f"RDS {db['instance_id']}\n{db['endpoint']}:{db['port']}",
                "redis": lambda: f"Redis {cache['replication_group_id']}",
            }[resident]()
            kind = {"service": "ecs-service"}.get(resident, resident)
            dot.node(names[resident], label, kind)
    if buckets:
        dot.open("s3", "S3", "#fffbea")
        for bucket in buckets:
            dot.node(f"s3/{bucket}", bucket, "s3", shape="folder")
        dot.close()
    if registry:
        dot.open("ecr", "ECR", "#fff4e6")
        image = view.get("image") or ""
        digest = image.split("@", 1)[1][:19] + "..." if "@" in image else ""
        dot.node(names["ecr"], f"{registry['repository_name']}" + (f"\n{digest}" if digest else ""), "ecr", "box3d")
        dot.close()

    # The request path, then where things sit.
    if edge:
        dot.add('"internet" [label="Internet", shape="ellipse", style="dashed"];')
        ports = "/".join(str(p) for p in edge.get("listener_ports") or []) or "443"
        dot.edge("internet", names["alb"], f"HTTP(S) {ports}")
    if edge and service:
        shared = set(edge.get("target_group_arns") or []) & set(service.get("target_group_arns") or [])
        target_groups = sorted(shared or service.get("target_group_arns") or [])
        label = (
            "target group " + ", ".join(t.split("/")[-2] for t in target_groups if "/" in t) if target_groups else ""
        )
        dot.edge(names["alb"], names["service"], label)
    if service:
        for resident, label in (("rds", "MySQL 3306"), ("efs", "NFS 2049"), ("redis", "Redis 6379")):
            if names[resident]:
                dot.edge(names["service"], names[resident], label)
        if registry:
            dot.edge(names["ecr"], names["service"], "image", style="dashed")
    if net:
        subnet_ids = {s["id"] for s in net["subnets"]}
        for resident, ids in (
            ("alb", (edge or {}).get("subnet_ids") or []),
            ("rds", (db or {}).get("subnet_ids") or []),
            ("efs", (efs or {}).get("mount_target_subnet_ids") or []),
        ):
            for subnet_id in ids:
                if names[resident] and subnet_id in subnet_ids:
                    dot.edge(names[resident], f"subnet/{subnet_id}", placement=True)
        for nat in net["nat_gateways"]:
            if nat["subnet_id"] in subnet_ids:
                dot.edge(f"nat/{nat['id']}", f"subnet/{nat['subnet_id']}", placement=True)
        gateways = [e for e in net["vpc_endpoints"] if e["service"].endswith(".s3") and e["type"].lower() == "gateway"]
        for endpoint in gateways:
            if buckets:
                dot.edge(f"vpce/{endpoint['id']}", f"s3/{buckets[0]}", "", lhead="cluster_s3", style="dashed")
    if not any((net, db, storage, cache, service, edge, registry, cluster)):
        dot.add(f"label={_q(view['platform'] + ': nothing of the platform exists')};")
    safe_name = _q(view["platform"])
    return "digraph " + safe_name + " {\n" + "\n".join(dot.lines) + "\n}\n"


class FilterModule:
    def filters(self) -> dict[str, Callable[..., Any]]:
        return {"platform_diagram": platform_diagram}
