"""kstore.platform.platform_view, platform_view_lines and platform_diagram, on settings read from a real emulator.

fixtures/live_platform.json is what playbooks/tasks/views/gather.yml read from the emulator after `make up` on
inventories/local (trimmed to the keys the filters use; no secret is ever read)."""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.kstore.platform.plugins.filter.platform_diagram import FilterModule as DiagramFilters
from ansible_collections.kstore.platform.plugins.filter.platform_diagram import platform_diagram
from ansible_collections.kstore.platform.plugins.filter.platform_view import FilterModule as ViewFilters
from ansible_collections.kstore.platform.plugins.filter.platform_view import platform_view, platform_view_lines
from ansible_collections.kstore.platform.plugins.modules import graphviz_render

LIVE = json.loads((Path(__file__).parent / "fixtures/live_platform.json").read_text())
NODE = re.compile(r'^\s*"([^"]+)" \[', re.MULTILINE)


def live() -> dict[str, Any]:
    return copy.deepcopy(LIVE)


def nodes(dot: str) -> set[str]:
    return set(NODE.findall(dot))


def test_filters_are_registered() -> None:
    assert set(ViewFilters().filters()) == {"platform_view", "platform_view_lines"}
    assert set(DiagramFilters().filters()) == {"platform_diagram"}


def test_urls_carry_a_port_other_than_443() -> None:
    """The local edge publishes 443 on a loopback port (8443): the summary's URLs are the ones a browser opens."""
    local = platform_view(live(), edge_domain="shop.kstore.test", admin_dir="admin-kstore", edge_port=8443)
    assert local["edge"]["shop_url"] == "https://shop.kstore.test:8443/"
    assert local["edge"]["back_office_url"] == "https://shop.kstore.test:8443/admin-kstore/"
    aws = platform_view(live(), edge_domain="shop.kstore.test", admin_dir="admin-kstore", edge_port=443)
    assert aws["edge"]["back_office_url"] == "https://shop.kstore.test/admin-kstore/"


def test_view_of_the_live_platform() -> None:
    facts = live()
    view = platform_view(facts, edge_domain="shop.kstore.test", admin_dir="admin-kstore")
    vpc = facts["vpcs"][0]
    assert view["platform"] == "kstore-local" and view["region"] == "eu-west-1"
    assert view["network"]["vpc_id"] == vpc["id"] and view["network"]["cidr"] == vpc["cidr_block"]
    assert {s["id"] for s in view["network"]["subnets"]} == {s["subnet_id"] for s in facts["subnets"]}
    assert [s["tier"] for s in view["network"]["subnets"]] == ["public"] * 2 + ["app"] * 2 + ["data"] * 2
    assert view["network"]["azs"] == ["eu-west-1a", "eu-west-1b"]
    assert len(view["network"]["vpc_endpoints"]) == len(facts["vpc_endpoints"])
    db = facts["rds_instances"][0]
    assert view["database"]["endpoint"] == db["endpoint"]["address"] and view["database"]["port"] == 3306
    assert view["storage"]["efs"]["id"] == facts["efs"][0]["file_system_id"]
    assert view["storage"]["buckets"] == sorted(b["name"] for b in facts["buckets"])
    assert view["cache"]["replication_group_id"] == "kstore-local-redis" and view["cache"]["port"] == 6379
    assert view["image"].startswith("127.0.0.1:") and "/kstore-local-prestashop@sha256:" in view["image"]
    assert view["cluster"]["cluster_name"] == "kstore-local-cluster"
    assert view["service"]["service_name"] == "kstore-local-shop"
    assert view["edge"]["dns_name"] == facts["load_balancers"][0]["dns_name"]
    assert view["edge"]["shop_url"] == "https://shop.kstore.test/"
    assert view["edge"]["back_office_url"] == "https://shop.kstore.test/admin-kstore/"
    assert view["observability"] == {"dashboard_name": "kstore-local"}
    assert view["audit"] is None  # no rows given
    json.dumps(view)  # the summary file is this, as JSON


def test_view_keeps_only_the_platforms_resources() -> None:
    facts = live()
    other = {"Platform": "other", "Environment": "prod"}
    facts["vpcs"].insert(0, {"id": "vpc-0other", "cidr_block": "10.9.0.0/16", "tags": other})
    facts["subnets"].append({"subnet_id": "subnet-0other", "vpc_id": "vpc-0other", "tags": {"Tier": "app"}})
    facts["rds_instances"].insert(0, {"db_instance_identifier": "aaa-other-db", "tags": other, "endpoint": {}})
    facts["buckets"].append({"name": "other-prod-media"})
    facts["efs"].insert(0, {"file_system_id": "fs-0other", "name": "other", "tags": other})
    view = platform_view(facts)
    dot = platform_diagram(view)
    assert view["network"]["vpc_id"] != "vpc-0other" and view["database"]["instance_id"] == "kstore-local-db"
    assert "other-prod-media" not in view["storage"]["buckets"] and view["storage"]["efs"]["id"] != "fs-0other"
    assert not {n for n in nodes(dot) if "other" in n}


def test_nothing_exists() -> None:
    view = platform_view({"platform_name": "shop", "platform_env": "prod"})
    assert {k for k, v in view.items() if v} == {"platform"}
    lines = platform_view_lines(view)
    assert "network      (none)" in lines and "cache        disabled" in lines
    dot = platform_diagram(view)
    assert nodes(dot) == set() and "nothing of the platform exists" in dot


def test_cache_switched_off_and_no_service_yet() -> None:
    facts = live()
    facts["cache_replication_groups"] = []
    facts["ecs_services"][0]["services"] = []
    view = platform_view(facts)
    assert view["cache"] is None and view["service"] is None and view["image"] == ""
    assert "cache        disabled" in platform_view_lines(view)
    names = nodes(platform_diagram(view))
    assert not any(n.startswith(("redis/", "ecs-service/")) for n in names)
    assert "alb/kstore-local-alb" in names and "rds/kstore-local-db" in names


def test_audit_verdict() -> None:
    rows = [
        {"control": "rds_encrypted", "resource": "kstore-local-db", "status": "pass", "required": True},
        {"control": "waf_logging", "resource": "kstore-local-web", "status": "fail", "required": True},
        {"control": "rds_multi_az", "resource": "kstore-local-db", "status": "fail", "required": False},
        {"control": "cloudtrail_logging", "resource": "-", "status": "skip", "required": True},
    ]
    view = platform_view(live(), audit=rows)
    assert view["audit"] == {
        "verdict": "fail",
        "pass": 1,
        "fail": 2,
        "skip": 1,
        "failed_required": ["waf_logging: kstore-local-web"],
    }
    assert platform_view_lines(view)[-1] == "audit        FAIL (waf_logging: kstore-local-web): 1 pass, 2 fail, 1 skip"
    assert platform_view(live(), audit=rows[:1])["audit"]["verdict"] == "pass"


def test_lines_name_every_tier() -> None:
    view = platform_view(live(), edge_domain="shop.kstore.test", admin_dir="admin-kstore")
    text = "\n".join(platform_view_lines(view))
    for value in (
        view["network"]["vpc_id"],
        view["network"]["cidr"],
        view["database"]["endpoint"],
        view["storage"]["efs"]["id"],
        view["cache"]["endpoint"],
        view["image"],
        "kstore-local-cluster",
        "kstore-local-shop (1/1 running)",
        view["edge"]["dns_name"],
        "https://shop.kstore.test/admin-kstore/",
        "dashboard    kstore-local",
    ):
        assert value in text, value
    assert len(platform_view_lines(view)) <= 16


def test_diagram_has_a_node_for_each_resource_and_no_other() -> None:
    facts = live()
    view = platform_view(facts)
    dot = platform_diagram(view)
    expected = (
        {f"subnet/{s['subnet_id']}" for s in facts["subnets"]}
        | {f"nat/{n['nat_gateway_id']}" for n in facts["nat_gateways"]}
        | {f"vpce/{e['vpc_endpoint_id']}" for e in facts["vpc_endpoints"]}
        | {f"s3/{b['name']}" for b in facts["buckets"]}
        | {
            "internet",
            "alb/kstore-local-alb",
            "ecs-service/kstore-local-shop",
            f"efs/{facts['efs'][0]['file_system_id']}",
            "rds/kstore-local-db",
            "redis/kstore-local-redis",
            "ecr/kstore-local-prestashop",
        }
    )
    assert nodes(dot) == expected
    assert f"cluster_vpc_{view['network']['vpc_id']}" in dot
    for tier in ("public", "app", "data"):
        assert f'"cluster_tier_{tier}"' in dot
    # the request path
    for tail, head in (
        ("internet", "alb/kstore-local-alb"),
        ("alb/kstore-local-alb", "ecs-service/kstore-local-shop"),
        ("ecs-service/kstore-local-shop", "rds/kstore-local-db"),
        ("ecs-service/kstore-local-shop", "redis/kstore-local-redis"),
        ("ecr/kstore-local-prestashop", "ecs-service/kstore-local-shop"),
    ):
        assert f'"{tail}" -> "{head}"' in dot, (tail, head)


def test_diagram_escapes_labels() -> None:
    view = platform_view(live())
    view["storage"]["buckets"] = ['odd"name\\x']
    dot = platform_diagram(view)
    assert '"s3/odd\\"name\\\\x"' in dot


def test_bad_input() -> None:
    with pytest.raises(AnsibleFilterError, match="platform_name"):
        platform_view({"vpcs": []})
    with pytest.raises(AnsibleFilterError, match="must be a list"):
        platform_view({"platform_name": "a", "platform_env": "b", "vpcs": {"id": "vpc-1"}})
    with pytest.raises(AnsibleFilterError, match="platform_view"):
        platform_diagram({})
    with pytest.raises(AnsibleFilterError, match="platform_view"):
        platform_view_lines([])


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed (apt-get install graphviz)")
def test_render_svg_and_png(run_module: Callable[..., dict], tmp_path: Path) -> None:
    source = platform_diagram(platform_view(live()))
    svg, png = tmp_path / "d.svg", tmp_path / "d.png"
    predicted = run_module(graphviz_render.main, {"source": source, "dest": str(svg)}, check_mode=True)
    assert predicted["changed"] is True and not svg.exists()
    first = run_module(graphviz_render.main, {"source": source, "dest": str(svg)})
    again = run_module(graphviz_render.main, {"source": source, "dest": str(svg)})
    assert first["changed"] is True and again["changed"] is False
    assert "<svg" in svg.read_text() and "ECS service kstore&#45;local&#45;shop" in svg.read_text()
    assert run_module(graphviz_render.main, {"source": source, "dest": str(png)})["format"] == "png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20000
    broken = run_module(graphviz_render.main, {"source": "digraph {", "dest": str(tmp_path / "x.svg")})
    assert broken["failed"] and "dot failed" in broken["msg"]
    unknown = run_module(graphviz_render.main, {"source": source, "dest": str(tmp_path / "x.jpeg")})
    assert unknown["failed"] and "format" in unknown["msg"]
