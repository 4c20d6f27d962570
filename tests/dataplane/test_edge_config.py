"""The local edge's HAProxy configuration from an ALB as the emulator records it (pure: no Docker).
Work in progress for issue 14: the configuration is checked here; running HAProxy with it is the next step."""

from __future__ import annotations

import re

import pytest

from tools.dataplane.edge import haproxy_config, matcher_regex

APP, API = "arn:tg/app", "arn:tg/api"
LB = {
    "name": "kstore-local-alb",
    "listeners": [
        {
            "port": 443,
            "protocol": "HTTPS",
            "certificate": "shop.pem",
            "default_actions": [{"Type": "forward", "TargetGroupArn": APP}],
            "rules": [
                {
                    "priority": 20,
                    "conditions": [{"Field": "host-header", "Values": ["admin.*"]}],
                    "actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "403"}}],
                },
                {
                    "priority": 10,
                    "conditions": [{"Field": "path-pattern", "Values": ["/api/*"]}],
                    "actions": [{"Type": "forward", "TargetGroupArn": API}],
                },
            ],
        },
        {
            "port": 80,
            "protocol": "HTTP",
            "default_actions": [
                {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
            ],
        },
    ],
    "target_groups": {
        APP: {
            "name": "kstore-local-app",
            "port": 8080,
            "health_check": {
                "path": "/health",
                "interval": 15,
                "timeout": 5,
                "healthy": 2,
                "unhealthy": 3,
                "matcher": "200-399",
            },
            "targets": [{"id": "172.18.0.7", "port": 8080}, {"id": "172.18.0.5", "port": 8080}],
        },
        API: {"name": "kstore-local-api", "port": 8080, "health_check": {"path": "/health"}, "targets": []},
    },
    "waf": {"rate_limit": 100, "window": 300},
}


def test_listeners_rules_in_priority_order_and_the_redirect() -> None:
    text = haproxy_config(LB, published={80: 8080, 443: 8443})
    blocks = {block.split("\n", 1)[0]: block for block in text.split("\n\n")}
    https = blocks["frontend listener_443"]
    assert "bind :8443 ssl crt /etc/haproxy/certs/shop.pem" in https
    # priority 10 (path) before priority 20 (host), then the default action last
    assert https.index("use_backend tg_kstore-local-api if r0_c0") < https.index(
        "http-request return status 403 if r1_c0"
    )
    assert https.rstrip().endswith("use_backend tg_kstore-local-app")
    assert "acl r0_c0 path -m reg ^/api/.*$" in https
    http = blocks["frontend listener_80"]
    assert "bind :8080" in http
    # to the listener's port 443 as clients reach it: the same host, without a port when it is 443 itself
    assert "http-request redirect code 301 location https://%[req.hdr(host),field(1,:)]%[capture.req.uri]" in http
    local = haproxy_config(LB, published={80: 8080, 443: 8443}, public={80: 8080, 443: 8443})
    assert "location https://%[req.hdr(host),field(1,:)]:8443%[capture.req.uri]" in local


def test_targets_health_checks_and_the_waf_rate_limit() -> None:
    text = haproxy_config(LB, published={80: 8080, 443: 8443})
    app = text[text.index("backend tg_kstore-local-app") :]
    assert "option httpchk GET /health" in app
    assert re.search(r"server t0 172\.18\.0\.5:8080 check inter 15s rise 2 fall 3", app)
    assert "server t1 172.18.0.7:8080" in app
    assert "http-request deny deny_status 403 if { sc_http_req_rate(0) gt 100 }" in text


@pytest.mark.parametrize(
    ("matcher", "regex"),
    [("200", "^(200)$"), ("200,302", "^(200|302)$"), ("200-399", "^([23][0-9][0-9])$"), ("200-202", "^(200|201|202)$")],
)
def test_matcher_regex(matcher: str, regex: str) -> None:
    assert matcher_regex(matcher) == regex


def test_an_unsupported_condition_is_refused_by_name() -> None:
    lb = {
        **LB,
        "listeners": [
            {**LB["listeners"][0], "rules": [{"priority": 1, "conditions": [{"Field": "source-ip"}], "actions": []}]}
        ],
    }
    with pytest.raises(ValueError, match="source-ip"):
        haproxy_config(lb, published={443: 8443})
