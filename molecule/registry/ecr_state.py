"""Print what ECR holds for one repository, as JSON (molecule verify reads it; no ECR *_info module exists).

Usage: ecr_state.py REPOSITORY [--put-image TAG]   (AWS_ENDPOINT_URL etc. from the environment)
"""

from __future__ import annotations

import json
import sys

import boto3


def main() -> None:
    name = sys.argv[1]
    ecr = boto3.client("ecr")
    if len(sys.argv) == 4 and sys.argv[2] == "--put-image":
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 2,
                "digest": "sha256:" + "a" * 64,
            },
            "layers": [],
        }
        ecr.put_image(repositoryName=name, imageManifest=json.dumps(manifest), imageTag=sys.argv[3])
    repository = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    policy = ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
    tags = ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"])["tags"]
    images = ecr.list_images(repositoryName=name)["imageIds"]
    print(
        json.dumps(
            {
                "repository": repository,
                "lifecycle_policy": json.loads(policy),
                "tags": {tag["Key"]: tag["Value"] for tag in tags},
                "images": images,
            },
            default=str,
        )
    )


if __name__ == "__main__":
    main()
