"""EC2 DescribeTags reports NAT gateways as resource type ``natgateway``.

AWS behaviour restored: in EC2 ``DescribeTags`` the ``resource-type`` filter and each returned
``TagDescription.ResourceType`` name a NAT gateway (``nat-*`` id) ``natgateway``, the same value as
``TagSpecification.ResourceType``. moto 5.2.5 derives the type from its own id-prefix table, which calls it
``nat-gateway``, so a ``resource-type=natgateway`` filter matches nothing.

Needed by: ``amazon.aws.ec2_vpc_nat_gateway``, which reads and reconciles tags with
``DescribeTags(resource-id=nat-..., resource-type=natgateway)``; on plain moto it sees no tags, re-tags the
gateway on every run and never converges.
"""

from __future__ import annotations

AWS_RESOURCE_TYPE = "natgateway"


def apply() -> None:
    from moto.ec2 import utils

    # moto.ec2.models.tags reads this very dict object (prefix -> resource type) for DescribeTags only.
    utils.EC2_PREFIX_TO_RESOURCE[utils.EC2_RESOURCE_TO_PREFIX["nat-gateway"]] = AWS_RESOURCE_TYPE
