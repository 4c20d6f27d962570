"""The local edge (work in progress, issue 14): an ALB as the emulator records it, as an HAProxy configuration.

``haproxy_config(lb, ...)`` turns one load balancer (listeners with their default actions and rules in priority
order, target groups with their health checks, registered targets and deregistration delay, and the WAF's
rate-based rule when one is associated) into an HAProxy configuration. It is a pure function: the data plane runs
HAProxy (Debian's) in a container on the VPC's network with this configuration, publishes the listeners on loopback
only, and reloads it (master-worker mode, SIGUSR2: old workers finish their connections) when the targets change.

Input (AWS's shapes, as the bridge gives them):

    {"name": "...", "dns_name": "...",
     "listeners": [{"port": 443, "protocol": "HTTPS", "certificate": "<name of a PEM in certs_dir>",
                    "default_actions": [{"Type": "forward", "TargetGroupArn": "..."}],
                    "rules": [{"priority": 10, "conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
                               "actions": [...]}]}],
     "target_groups": {"<arn>": {"name": "...", "port": 8080, "protocol": "HTTP",
                                 "health_check": {"path": "/health", "interval": 15, "timeout": 5, "healthy": 2,
                                                  "unhealthy": 3, "matcher": "200-399"},
                                 "deregistration_delay": 30, "targets": [{"id": "172.18.0.5", "port": 8080}]}},
     "waf": {"rate_limit": 2000, "window": 300} | None}
"""

from __future__ import annotations

import re
from typing import Any

# What ALB answers itself (fixed responses and failures), as HAProxy errorfiles would; kept minimal.
_STATUS = {"HTTP_301": 301, "HTTP_302": 302}


def _ident(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:60]


def _backend_name(groups: dict[str, Any], arn: str) -> str:
    group = groups.get(arn)
    return f"tg_{_ident(group['name'])}" if group else "tg_missing"


def _path_acl(pattern: str) -> str:
    """ALB path patterns are case-sensitive globs (* and ?) over the path."""
    regex = "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return f"path -m reg {regex}"


def _host_acl(pattern: str) -> str:
    regex = "^" + re.escape(pattern.lower()).replace(r"\*", ".*").replace(r"\?", ".") + "(:[0-9]+)?$"
    return f"hdr(host) -m reg -i {regex}"


def _conditions(rule: dict[str, Any], index: int) -> tuple[list[str], str]:
    """ACL lines and the combined condition of one rule (conditions ANDed, values within one ORed)."""
    acls, names = [], []
    for number, condition in enumerate(rule.get("conditions") or []):
        field = condition.get("Field")
        values = condition.get("Values") or (condition.get("PathPatternConfig") or {}).get("Values") or []
        if field == "host-header":
            values = values or (condition.get("HostHeaderConfig") or {}).get("Values") or []
            make = _host_acl
        elif field == "path-pattern":
            make = _path_acl
        else:
            raise ValueError(f"listener rule condition {field!r} is not supported by the local edge")
        name = f"r{index}_c{number}"
        for value in values:
            acls.append(f"    acl {name} {make(value)}")
        names.append(name)
    return acls, " ".join(names)


def _action_lines(
    actions: list[dict[str, Any]], groups: dict[str, Any], condition: str = "", public: dict[int, int] | None = None
) -> list[str]:
    """HAProxy lines for a rule's (or the default) action; ``public`` maps a listener port to where it is published
    (a redirect to port 443 goes to the host port that stands for 443 locally)."""
    suffix = f" if {condition}" if condition else ""
    action = sorted(actions, key=lambda a: a.get("Order", 0))[-1] if actions else {}
    kind = action.get("Type")
    if kind == "forward":
        arn = action.get("TargetGroupArn") or ((action.get("ForwardConfig") or {}).get("TargetGroups") or [{}])[0].get(
            "TargetGroupArn", ""
        )
        return [f"    use_backend {_backend_name(groups, arn)}{suffix}"]
    if kind == "redirect":
        config = action.get("RedirectConfig") or {}
        code = _STATUS.get(config.get("StatusCode", "HTTP_301"), 301)
        scheme = (config.get("Protocol") or "#{protocol}").lower()
        if scheme == "#{protocol}":
            return [f"    http-request redirect code {code} location %[path]{suffix}"]
        port = str(config.get("Port") or "#{port}")
        if port.isdigit():
            shown = (public or {}).get(int(port), int(port))
            default = {"https": 443, "http": 80}.get(scheme)
            authority = "%[req.hdr(host),field(1,:)]" + ("" if shown == default else f":{shown}")
            return [f"    http-request redirect code {code} location {scheme}://{authority}%[capture.req.uri]{suffix}"]
        return [f"    http-request redirect scheme {scheme} code {code}{suffix}"]
    if kind == "fixed-response":
        config = action.get("FixedResponseConfig") or {}
        return [f"    http-request return status {int(config.get('StatusCode', 503))}{suffix}"]
    raise ValueError(f"listener action {kind!r} is not supported by the local edge")


def matcher_regex(matcher: str) -> str:
    """An ALB health check matcher ("200", "200,302", "200-399") as a regular expression over the status code."""
    parts = []
    for item in matcher.split(","):
        low, high = [*item.strip().split("-", 1), ""][:2]
        first, last = int(low), int(high or low)
        if first % 100 == 0 and last % 100 == 99:
            hundreds = "".join(str(h) for h in range(first // 100, last // 100 + 1))
            parts.append(f"[{hundreds}][0-9][0-9]")
        else:
            parts += [str(code) for code in range(first, last + 1)]
    return "^(" + "|".join(parts) + ")$"


def haproxy_config(
    lb: dict[str, Any],
    *,
    published: dict[int, int],
    public: dict[int, int] | None = None,
    certs_dir: str = "/etc/haproxy/certs",
) -> str:
    """The HAProxy configuration of one ALB; ``published`` maps a listener port to the container port it binds,
    ``public`` to the port clients reach it on (the host's loopback port locally; default: the listener's)."""
    groups = lb.get("target_groups") or {}
    lines = [
        "global",
        "    log stdout format raw local0",
        "    stats socket /run/haproxy/admin.sock mode 600 level admin",
        # a reload's old workers finish their requests, for at most the longest deregistration delay
        f"    hard-stop-after {max([int(g.get('deregistration_delay', 300)) for g in groups.values()] or [30]) + 5}s",
        "",
        "defaults",
        "    mode http",
        "    log global",
        "    option httplog",
        "    option forwardfor",
        # a connection that never reached a target (it just went away) is tried on another one
        "    option redispatch",
        "    retries 2",
        "    retry-on conn-failure empty-response",
        "    timeout connect 5s",
        f"    timeout client {int(lb.get('idle_timeout', 60))}s",
        f"    timeout server {int(lb.get('idle_timeout', 60))}s",
        "",
    ]
    waf = lb.get("waf") or {}
    for listener in sorted(lb.get("listeners") or [], key=lambda item: item["port"]):
        port = published[int(listener["port"])]
        name = f"listener_{int(listener['port'])}"
        lines.append(f"frontend {name}")
        if listener.get("protocol") == "HTTPS":
            lines.append(f"    bind :{port} ssl crt {certs_dir}/{listener['certificate']}")
            lines.append("    http-request set-header X-Forwarded-Proto https")
        else:
            lines.append(f"    bind :{port}")
            lines.append("    http-request set-header X-Forwarded-Proto http")
        lines.append(f"    http-request set-header X-Forwarded-Port {int(listener['port'])}")
        if waf.get("rate_limit"):
            window = int(waf.get("window", 300))
            lines += [
                f"    stick-table type ip size 100k expire {window}s store http_req_rate({window}s)",
                "    http-request track-sc0 src",
                f"    http-request deny deny_status 403 if {{ sc_http_req_rate(0) gt {int(waf['rate_limit'])} }}",
            ]
        for index, rule in enumerate(sorted(listener.get("rules") or [], key=lambda r: int(r["priority"]))):
            acls, condition = _conditions(rule, index)
            lines += acls
            lines += _action_lines(rule.get("actions") or [], groups, condition, public)
        lines += _action_lines(listener.get("default_actions") or [], groups, public=public)
        lines.append("")
    for arn, group in sorted(groups.items(), key=lambda item: item[1]["name"]):
        check = group.get("health_check") or {}
        lines.append(f"backend {_backend_name(groups, arn)}")
        lines.append(f"    option httpchk GET {check.get('path', '/')}")
        lines.append(f"    http-check expect rstatus {matcher_regex(str(check.get('matcher', '200')))}")
        lines.append(f"    timeout check {int(check.get('timeout', 5))}s")
        options = (
            f"check inter {int(check.get('interval', 30))}s rise {int(check.get('healthy', 5))} "
            f"fall {int(check.get('unhealthy', 2))}"
        )
        for number, target in enumerate(sorted(group.get("targets") or [], key=lambda t: (t["id"], t["port"]))):
            lines.append(f"    server t{number} {target['id']}:{int(target['port'])} {options}")
        lines.append("")
    return "\n".join(lines)


# --- runtime (work in progress: written, not yet run end to end) ------------------------------------------------
HAPROXY_DIR = __import__("pathlib").Path(__file__).resolve().parent / "haproxy"
# Inside the container HAProxy binds unprivileged ports; on the host they are published on loopback only.
CONTAINER_PORTS = {80: 8080, 443: 8443}


def host_ports() -> dict[int, int]:
    import os

    return {
        80: int(os.environ.get("KSTORE_EDGE_HTTP_PORT", "8080")),
        443: int(os.environ.get("KSTORE_EDGE_HTTPS_PORT", "8443")),
    }


def reconcile(snapshot: dict[str, Any], *, instance: str, state_dir: Any, ca: Any) -> dict[str, Any]:
    """One HAProxy container per load balancer, configured from the emulator's records; reloaded (not restarted)
    when only the configuration changed (targets come and go on every rollout)."""
    import hashlib
    import json

    from .docker import docker, docker_input, inspect, labelled, labels, vpc_network
    from .stores import _tar, ensure_image, image_ids

    seen, report = set(), {}
    for lb in snapshot.get("load_balancers", []):
        image = ensure_image(HAPROXY_DIR, "haproxy")  # built once, when the first load balancer appears
        ids = image_ids(image, "haproxy")
        name = f"kstore-dp-{instance}-edge-{_ident(lb['name'])}"
        seen.add(name)
        try:
            files: dict[str, bytes] = {}
            listeners = []
            for listener in lb.get("listeners", []):
                listener = dict(listener)
                if listener.get("protocol") == "HTTPS":
                    hostnames = sorted({*listener.get("certificate_domains", []), lb["dns_name"].lower()})
                    cert, key = ca.issue(f"edge-{instance}-{_ident(lb['name'])}-{listener['port']}", hostnames)
                    listener["certificate"] = f"listener-{listener['port']}.pem"
                    files[f"etc/haproxy/certs/{listener['certificate']}"] = cert.read_bytes() + key.read_bytes()
                listeners.append(listener)
            ports = host_ports()
            text = haproxy_config({**lb, "listeners": listeners}, published=CONTAINER_PORTS, public=ports)
            static = {
                "image": image,
                "network": vpc_network(instance, lb.get("vpc_id") or "default"),
                "ports": {str(p): ports[p] for p in sorted(int(x["port"]) for x in listeners) if p in ports},
                "files": {k: hashlib.sha256(v).hexdigest() for k, v in files.items()},
            }
            static_hash = hashlib.sha256(json.dumps(static, sort_keys=True).encode()).hexdigest()[:16]
            info = inspect("container", name)
            labels_now = ((info or {}).get("Config") or {}).get("Labels") or {}
            if info is not None and labels_now.get("io.kstore.dataplane.config") != static_hash:
                docker(["rm", "-f", name])
                info = None
            config_file = state_dir / "dataplane" / "edge" / f"{name}.cfg"
            config_file.parent.mkdir(parents=True, exist_ok=True)
            entries = [("etc/haproxy/haproxy.cfg", text.encode(), 0o440, ids)]
            if info is None:
                publish = [
                    a for p, h in static["ports"].items() for a in ("-p", f"127.0.0.1:{h}:{CONTAINER_PORTS[int(p)]}")
                ]
                docker(
                    [
                        "create",
                        "--name",
                        name,
                        *labels(instance, "edge", lb=lb["name"], config=static_hash),
                        "--network",
                        static["network"],
                        "--network-alias",
                        lb["dns_name"].lower(),
                        *publish,
                        image,
                    ]
                )
                entries += [(path, data, 0o400, ids) for path, data in files.items()]
                docker_input(["cp", "-", f"{name}:/"], _tar(entries))
                docker(["start", name])
                config_file.write_text(text)
                report[lb["name"]] = {"container": name, "state": "started"}
            elif not config_file.exists() or config_file.read_text() != text:
                docker_input(["cp", "-", f"{name}:/"], _tar(entries))
                docker(["kill", "-s", "USR2", name])  # master-worker reload: old workers finish their connections
                config_file.write_text(text)
                report[lb["name"]] = {"container": name, "state": "reloaded"}
            else:
                report[lb["name"]] = {"container": name, "state": "running"}
        except Exception as e:  # one load balancer's failure is reported, the others go on
            report[lb["name"]] = {"container": name, "state": "failed", "message": str(e)[-500:]}
    for name in labelled("container", instance, "edge"):
        if name not in seen:
            docker(["rm", "-f", name], check=False)
    return report
