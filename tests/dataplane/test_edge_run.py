"""The local edge running: HAProxy (Debian's, in a container) configured by ``edge.reconcile`` from a load balancer
as the bridge gives it, in front of a real backend on the VPC network; TLS from the local CA for the certificate's
names, 80 -> 443 with 301, the WAF's rate limit, a reload (not a restart) when the targets change.

The backend is a second HAProxy container that answers ``/health`` and ``/`` itself (a stand-in for a task: the
edge only needs an HTTP server at the target's address). Real Docker engine; edge ports of their own.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tools.dataplane import edge
from tools.dataplane.ca import LocalCA
from tools.dataplane.docker import docker, inspect, labelled, labels, vpc_network
from tools.dataplane.stores import ensure_image
from tools.edge_load import fetch

HTTP_PORT, HTTPS_PORT = 18380, 18743
DOMAIN = "shop.edge-test.kstore.test"
TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/edge-test-app/0123456789abcdef"
BACKEND_CFG = """global
    log stdout format raw local0
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend app
    bind :8080
    http-request return status 200 content-type text/plain string "task {name}" if {{ path /health }}
    http-request return status 200 content-type text/html string "<html><title>{name}</title></html>"
"""


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> Iterator[Any]:
    state_dir = tmp_path_factory.mktemp("edge-state")
    key = "edgetest01"
    monkeypatch_module.setenv("KSTORE_EDGE_HTTP_PORT", str(HTTP_PORT))
    monkeypatch_module.setenv("KSTORE_EDGE_HTTPS_PORT", str(HTTPS_PORT))
    ca = LocalCA(state_dir / "dataplane" / "ca")
    ca.ensure()
    yield {"key": key, "state_dir": state_dir, "ca": ca, "network": vpc_network(key, "vpc-edge")}
    for what in ("edge", "task"):
        for name in labelled("container", key, what):
            docker(["rm", "-f", name], check=False)
    docker(["network", "rm", vpc_network(key, "vpc-edge")], check=False)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _backend(instance: dict[str, Any], name: str) -> str:
    """A 'task' container on the VPC network answering with its name; returns its address."""
    image = ensure_image(edge.HAPROXY_DIR, "haproxy")
    container = f"kstore-dp-{instance['key']}-task-{name}"
    running = (inspect("container", container) or {}).get("State", {}).get("Running")
    if running:
        networks = (inspect("container", container) or {})["NetworkSettings"]["Networks"]
        return next(n["IPAddress"] for n in networks.values() if n.get("IPAddress"))
    docker(["rm", "-f", container], check=False)
    docker(
        [
            "run",
            "-d",
            "--name",
            container,
            *labels(instance["key"], "task"),
            "--network",
            instance["network"],
            "--entrypoint",
            "sh",
            image,
            "-c",
            f"printf '%s' '{BACKEND_CFG.format(name=name)}' > /tmp/b.cfg && exec haproxy -db -f /tmp/b.cfg",
        ]
    )
    time.sleep(1)  # HAProxy binds its port within milliseconds of starting
    networks = (inspect("container", container) or {})["NetworkSettings"]["Networks"]
    return next(n["IPAddress"] for n in networks.values() if n.get("IPAddress"))


def _snapshot(targets: list[str], rate_limit: int | None = None) -> dict[str, Any]:
    return {
        "load_balancers": [
            {
                "arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/edge-test/1",
                "name": "edge-test",
                "dns_name": "edge-test-1.eu-west-1.elb.amazonaws.com",
                "vpc_id": "vpc-edge",
                "listeners": [
                    {
                        "port": 443,
                        "protocol": "HTTPS",
                        "certificate_domains": [DOMAIN],
                        "default_actions": [{"Type": "forward", "TargetGroupArn": TG}],
                        "rules": [],
                    },
                    {
                        "port": 80,
                        "protocol": "HTTP",
                        "default_actions": [
                            {
                                "Type": "redirect",
                                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"},
                            }
                        ],
                        "rules": [],
                    },
                ],
                "target_groups": {
                    TG: {
                        "name": "edge-test-app",
                        "port": 8080,
                        "protocol": "HTTP",
                        "health_check": {
                            "path": "/health",
                            "interval": 2,
                            "timeout": 2,
                            "healthy": 2,
                            "unhealthy": 2,
                            "matcher": "200",
                        },
                        "deregistration_delay": 5,
                        "targets": [{"id": t, "port": 8080} for t in targets],
                    }
                },
                "waf": {"rate_limit": rate_limit, "window": 60} if rate_limit else None,
            }
        ]
    }


def _get(ca: LocalCA, path: str = "/", port: int = HTTPS_PORT) -> tuple[int, dict[str, str], str]:
    """GET over TLS to the edge on loopback, verifying its certificate for DOMAIN against the local CA (the load
    loop's own request, tools/edge_load.py)."""
    return fetch(f"https://{DOMAIN}:{port}{path}", ca.bundle)


def _wait_for(check: Any, seconds: float = 30) -> Any:
    deadline, last = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (OSError, ssl.SSLError, http.client.HTTPException) as error:
            last = error
        time.sleep(0.5)
    raise AssertionError(f"not within {seconds} s: {last!r}")


def test_config_is_valid_for_haproxy() -> None:
    image = ensure_image(edge.HAPROXY_DIR, "haproxy")
    lb = {**_snapshot(["10.0.0.5"], rate_limit=100)["load_balancers"][0]}
    lb["listeners"] = [{**listener, "certificate": "none.pem"} for listener in lb["listeners"]]
    text = edge.haproxy_config(lb, published=edge.CONTAINER_PORTS).replace(" ssl crt /etc/haproxy/certs/none.pem", "")
    checked = subprocess.run(
        ["docker", "run", "--rm", "-i", "--network", "none", "--entrypoint", "sh", image, "-c",
         "cat > /tmp/h.cfg && haproxy -c -f /tmp/h.cfg"],
        input=text, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_edge_serves_tls_for_the_domain_and_redirects_http(instance: dict[str, Any]) -> None:
    first = _backend(instance, "one")
    report = edge.reconcile(
        _snapshot([first]), instance=instance["key"], state_dir=instance["state_dir"], ca=instance["ca"]
    )
    assert report["edge-test"]["state"] == "started", report
    body = _wait_for(lambda: (r := _get(instance["ca"])) and r[0] == 200 and r)[2]
    assert "task one" in body or "<title>one</title>" in body, body

    connection = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
    connection.request("GET", "/en/?q=1", headers={"Host": DOMAIN})
    redirect = connection.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location") == f"https://{DOMAIN}:{HTTPS_PORT}/en/?q=1"

    cert = instance["ca"].paths(f"edge-{instance['key']}-edge-test-443")[0]
    names = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", str(cert)],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert DOMAIN in names and "edge-test-1.eu-west-1.elb.amazonaws.com" in names, names

    # published on loopback only
    ports = (inspect("container", report["edge-test"]["container"]) or {})["NetworkSettings"]["Ports"]
    assert {b["HostIp"] for bindings in ports.values() if bindings for b in bindings} == {"127.0.0.1"}


def test_a_target_change_reloads_without_a_restart(instance: dict[str, Any]) -> None:
    second = _backend(instance, "two")
    first = _backend(instance, "one")
    report = edge.reconcile(
        _snapshot([first]), instance=instance["key"], state_dir=instance["state_dir"], ca=instance["ca"]
    )
    container = report["edge-test"]["container"]
    started = (inspect("container", container) or {})["State"]["StartedAt"]
    report = edge.reconcile(
        _snapshot([second]), instance=instance["key"], state_dir=instance["state_dir"], ca=instance["ca"]
    )
    assert report["edge-test"]["state"] == "reloaded", report
    _wait_for(lambda: "two" in _get(instance["ca"])[2])
    for _attempt in range(5):
        assert "two" in _get(instance["ca"])[2]
    assert (inspect("container", container) or {})["State"]["StartedAt"] == started, "restarted, not reloaded"
    again = edge.reconcile(
        _snapshot([second]), instance=instance["key"], state_dir=instance["state_dir"], ca=instance["ca"]
    )
    assert again["edge-test"]["state"] == "running"


def _tls_ready(ca: LocalCA) -> bool:
    """The edge completes a TLS handshake (no HTTP request: nothing is counted by the rate limit)."""
    context = ssl.create_default_context(cafile=str(ca.bundle))
    with (
        socket.create_connection(("127.0.0.1", HTTPS_PORT), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=DOMAIN),
    ):
        return True


def test_the_waf_rate_limit_answers_403_over_the_limit(instance: dict[str, Any]) -> None:
    first = _backend(instance, "one")
    args = {"instance": instance["key"], "state_dir": instance["state_dir"], "ca": instance["ca"]}
    # a fresh edge with the rule (a reload's old worker, without the rule, would answer a few requests more)
    edge.reconcile({"load_balancers": []}, **args)
    assert edge.reconcile(_snapshot([first], rate_limit=10), **args)["edge-test"]["state"] == "started"
    _wait_for(lambda: _tls_ready(instance["ca"]))
    statuses = [_get(instance["ca"], "/health")[0] for _attempt in range(16)]
    # the limit's 10 requests pass, every one over it is refused
    assert statuses == [200] * 10 + [403] * 6, statuses


def test_a_removed_load_balancer_removes_its_edge(instance: dict[str, Any]) -> None:
    edge.reconcile({"load_balancers": []}, instance=instance["key"], state_dir=instance["state_dir"], ca=instance["ca"])
    assert labelled("container", instance["key"], "edge") == []
