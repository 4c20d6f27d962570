"""EC2 instances launched from a launch template carry its instance profile, metadata options and volumes.

AWS behaviour restored: ``RunInstances`` with ``LaunchTemplate`` (and every instance an Auto Scaling group launches
from its launch template) takes each parameter the request leaves out from the template version's
``LaunchTemplateData``: the instance profile (``IamInstanceProfile`` ``Name`` or ``Arn``, associated with every
instance of the call: ``DescribeInstances`` shows it, ``DescribeIamInstanceProfileAssociations`` lists it), the
instance metadata options (``MetadataOptions``: ``HttpTokens``, ``HttpPutResponseHopLimit``, ``HttpEndpoint``,
``InstanceMetadataTags``; a field the request sets wins) and the block device mappings (``BlockDeviceMappings``,
with ``Encrypted`` / ``KmsKeyId`` / ``VolumeType``; the template's mapping of the root device replaces the AMI's
default root volume). moto 5.2.5 copies the template's image, type, user data, key and security groups only: its
instances have no instance profile, ``HttpTokens: optional`` whatever the template says, and an unencrypted 8 GiB
default root volume next to the template's volumes. The template version is the one the request names, else the
default version (moto's Auto Scaling groups name none: they launch the default version).

Needed by: the cluster tier's Auto Scaling group (``roles/cluster``), whose instances must carry the
``P-E-ecs-instance`` profile to become SSM managed nodes (``kstore.platform.ssm``, inventories/local/ssm.yml), and
IMDSv2 for ``kstore.platform.platform_audit_info``'s ``imdsv2_required`` control.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def _template_data(backend: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    if not kwargs.get("launch_template"):
        return {}
    return backend._get_template_from_args(kwargs["launch_template"]).data or {}


def apply() -> None:
    from moto.ec2.models.instances import InstanceBackend

    def make(original: Any) -> Any:
        def run_instances(
            self: Any, image_id: str, count: int, user_data: Any, security_group_names: list[str], **kwargs: Any
        ) -> Any:
            data = _template_data(self, kwargs)
            if data.get("MetadataOptions"):
                kwargs["metadata_options"] = {**data["MetadataOptions"], **(kwargs.get("metadata_options") or {})}
            if data.get("BlockDeviceMappings") and not kwargs.get("block_device_mappings"):
                kwargs["block_device_mappings"] = data["BlockDeviceMappings"]
            reservation = original(self, image_id, count, user_data, security_group_names, **kwargs)
            profile = data.get("IamInstanceProfile") or {}
            requested = kwargs.get("iam_instance_profile_name") or kwargs.get("iam_instance_profile_arn")
            if (profile.get("Name") or profile.get("Arn")) and not requested:
                for instance in reservation.instances:
                    if instance.id not in self.iam_instance_profile_associations:
                        self.associate_iam_instance_profile(
                            instance_id=instance.id,
                            iam_instance_profile_name=profile.get("Name"),
                            iam_instance_profile_arn=profile.get("Arn"),
                        )
            return reservation

        return run_instances

    patch(InstanceBackend, "run_instances", __name__, make)
