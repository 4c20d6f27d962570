"""Launch-template tags stay out of version 1's LaunchTemplateData (fidelity/ec2_launch_template_tags_not_in_data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AnsibleRuns = Callable[..., list[dict[str, Any]]]
TEMPLATE_TAGS = [{"ResourceType": "launch-template", "Tags": [{"Key": "Name", "Value": "web"}]}]


def _tags(tags: list[dict[str, str]]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in tags}


def test_template_tags_not_in_version_data(aws: Callable[[str], Any]) -> None:
    ec2 = aws("ec2")
    data = {
        "ImageId": "ami-12345678",
        "InstanceType": "t3.micro",
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Role", "Value": "web"}]}],
    }
    created = ec2.create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData=data, TagSpecifications=TEMPLATE_TAGS
    )
    assert _tags(created["LaunchTemplate"]["Tags"]) == {"Name": "web"}

    (version,) = ec2.describe_launch_template_versions(LaunchTemplateName="web")["LaunchTemplateVersions"]
    assert version["LaunchTemplateData"]["TagSpecifications"] == data["TagSpecifications"]
    (template,) = ec2.describe_launch_templates(LaunchTemplateNames=["web"])["LaunchTemplates"]
    assert _tags(template["Tags"]) == {"Name": "web"}


def test_no_tag_specifications_without_instance_tags(aws: Callable[[str], Any]) -> None:
    ec2 = aws("ec2")
    ec2.create_launch_template(
        LaunchTemplateName="bare", LaunchTemplateData={"ImageId": "ami-12345678"}, TagSpecifications=TEMPLATE_TAGS
    )
    (version,) = ec2.describe_launch_template_versions(LaunchTemplateName="bare")["LaunchTemplateVersions"]
    assert "TagSpecifications" not in version["LaunchTemplateData"]


def test_ec2_launch_template_module_converges(ansible_runs: AnsibleRuns) -> None:
    args = {
        "name": "web",
        "image_id": "ami-12345678",
        "instance_type": "t3.micro",
        "tags": {"Name": "web"},
        "tag_specifications": [{"resource_type": "instance", "tags": {"Role": "web"}}],
    }
    first, second = ansible_runs("amazon.aws.ec2_launch_template", args, args)
    assert first["changed"] is True
    assert second["changed"] is False
    assert second["latest_version"] == 1
