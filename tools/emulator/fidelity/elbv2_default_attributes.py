"""ELBv2 DescribeLoadBalancerAttributes / DescribeTargetGroupAttributes return every default attribute.

AWS behaviour restored: ``DescribeLoadBalancerAttributes`` and ``DescribeTargetGroupAttributes`` list every
attribute the load balancer / target group type supports, defaults included (``LoadBalancerAttribute`` and
``TargetGroupAttribute`` in the ELBv2 API reference), e.g. ``idle_timeout.timeout_seconds=60``,
``routing.http2.enabled=true``, ``access_logs.s3.enabled=false`` on an Application Load Balancer (whose
``load_balancing.cross_zone.enabled`` is always ``true``), ``stickiness.lb_cookie.duration_seconds=86400`` on an
HTTP target group, ``proxy_protocol_v2.enabled=false`` on a TCP one. moto 5.2.5 returns a handful only.
Attributes moto already sets, and any value set through Modify*Attributes, are left alone.

Needed by: ``amazon.aws.elb_application_lb`` / ``elb_network_lb`` (module_utils/elbv2.py reads e.g.
``idle_timeout_timeout_seconds``, ``routing_http2_enabled`` directly) and ``community.aws.elb_target_group``
(reads ``stickiness_lb_cookie_duration_seconds``, ``stickiness_app_cookie_duration_seconds``): on plain moto
they fail with a KeyError or report a change on every run.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch

HTTP_PROTOCOLS = {"HTTP", "HTTPS"}
L4_PROTOCOLS = {"TCP", "TLS", "UDP", "TCP_UDP"}

TARGET_GROUP_COMMON = {
    "deregistration_delay.timeout_seconds": "300",
    "stickiness.enabled": "false",
    "load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
    "target_group_health.dns_failover.minimum_healthy_targets.count": "1",
    "target_group_health.dns_failover.minimum_healthy_targets.percentage": "off",
    "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count": "1",
    "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
}
TARGET_GROUP_HTTP = {
    "stickiness.type": "lb_cookie",
    "stickiness.lb_cookie.duration_seconds": "86400",
    "stickiness.app_cookie.cookie_name": "",
    "stickiness.app_cookie.duration_seconds": "86400",
    "load_balancing.algorithm.type": "round_robin",
    "load_balancing.algorithm.anomaly_mitigation": "off",
    "slow_start.duration_seconds": "0",
}
TARGET_GROUP_L4 = {
    "stickiness.type": "source_ip",
    "deregistration_delay.connection_termination.enabled": "false",
    "proxy_protocol_v2.enabled": "false",
    "target_health_state.unhealthy.connection_termination.enabled": "true",
    "target_health_state.unhealthy.draining_interval_seconds": "0",
}

LOAD_BALANCER_DEFAULTS = {
    "application": {
        "access_logs.s3.enabled": "false",
        "access_logs.s3.bucket": "",
        "access_logs.s3.prefix": "",
        "client_keep_alive.seconds": "3600",
        "connection_logs.s3.enabled": "false",
        "connection_logs.s3.bucket": "",
        "connection_logs.s3.prefix": "",
        "deletion_protection.enabled": "false",
        "idle_timeout.timeout_seconds": "60",
        "routing.http.desync_mitigation_mode": "defensive",
        "routing.http.drop_invalid_header_fields.enabled": "false",
        "routing.http.preserve_host_header.enabled": "false",
        "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
        "routing.http.xff_client_port.enabled": "false",
        "routing.http.xff_header_processing.mode": "append",
        "routing.http2.enabled": "true",
        "waf.fail_open.enabled": "false",
        "zonal_shift.config.enabled": "false",
    },
    "network": {
        "access_logs.s3.enabled": "false",
        "access_logs.s3.bucket": "",
        "access_logs.s3.prefix": "",
        "deletion_protection.enabled": "false",
        "dns_record.client_routing_policy": "any_availability_zone",
        "load_balancing.cross_zone.enabled": "false",
        "zonal_shift.config.enabled": "false",
    },
    "gateway": {
        "deletion_protection.enabled": "false",
        "load_balancing.cross_zone.enabled": "false",
    },
}


def target_group_defaults(protocol: str | None, target_type: str) -> dict[str, str]:
    if target_type == "lambda":
        return {"lambda.multi_value_headers.enabled": "false"}
    defaults = dict(TARGET_GROUP_COMMON)
    if protocol in HTTP_PROTOCOLS:
        defaults.update(TARGET_GROUP_HTTP)
    elif protocol in L4_PROTOCOLS:
        defaults.update(TARGET_GROUP_L4)
        # Client IP preservation is off for IP targets over TCP/TLS and on otherwise.
        ip_over_tcp = target_type == "ip" and protocol in {"TCP", "TLS"}
        defaults["preserve_client_ip.enabled"] = "false" if ip_over_tcp else "true"
    return defaults


def apply() -> None:
    from moto.elbv2.models import FakeLoadBalancer, FakeTargetGroup

    def make_target_group_init(original: Any) -> Any:
        def __init__(self: FakeTargetGroup, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            for key, value in target_group_defaults(self.protocol, self.target_type).items():
                self.attributes.setdefault(key, value)

        return __init__

    def make_load_balancer_init(original: Any) -> Any:
        def __init__(self: FakeLoadBalancer, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            if self.type == "application":
                # Always on for Application Load Balancers (moto says "false").
                self.attrs["load_balancing.cross_zone.enabled"] = "true"
            for key, value in LOAD_BALANCER_DEFAULTS.get(self.type, {}).items():
                self.attrs.setdefault(key, value)

        return __init__

    patch(FakeTargetGroup, "__init__", __name__, make_target_group_init)
    patch(FakeLoadBalancer, "__init__", __name__, make_load_balancer_init)
