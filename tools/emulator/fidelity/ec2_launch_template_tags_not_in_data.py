"""EC2 CreateLaunchTemplate: the launch template's own tags stay out of version 1's LaunchTemplateData.

AWS behaviour restored: ``CreateLaunchTemplate``'s request-level ``TagSpecifications`` (``ResourceType``
``launch-template``) tag the launch template resource only; ``DescribeLaunchTemplateVersions`` returns version 1's
``LaunchTemplateData`` exactly as given, whose own ``TagSpecifications`` hold only the resource types tagged at
launch (``instance``, ``volume``, ``network-interface``, ``spot-instances-request``). moto 5.2.5 appends the
launch-template tags to version 1's ``LaunchTemplateData.TagSpecifications``.

Needed by: ``amazon.aws.ec2_launch_template``, which compares the desired data with the default version's data:
on plain moto the leaked entry makes every run create a new template version.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch

TEMPLATE_RESOURCE_TYPE = "launch-template"


def apply() -> None:
    from moto.ec2.models.launch_templates import LaunchTemplateBackend

    def make(original: Any) -> Any:
        def create_launch_template(
            self: LaunchTemplateBackend, name: str, description: str, template_data: dict[str, Any], tag_spec: Any
        ) -> Any:
            specs = template_data.get("TagSpecifications")
            if specs:
                kept = [s for s in specs if s.get("ResourceType") != TEMPLATE_RESOURCE_TYPE]
                if kept:
                    template_data["TagSpecifications"] = kept
                else:
                    del template_data["TagSpecifications"]
            return original(self, name, description, template_data, tag_spec)

        return create_launch_template

    patch(LaunchTemplateBackend, "create_launch_template", __name__, make)
