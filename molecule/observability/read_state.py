"""Print, as JSON, the state no amazon.aws / community.aws *_info module reads: the topic's attributes, the
GuardDuty detectors, the dashboard and the web ACL's logging configuration. Usage: read_state.py PREFIX REGION."""

from __future__ import annotations

import json
import sys

import boto3


def main() -> None:
    prefix, region = sys.argv[1], sys.argv[2]
    sns = boto3.client("sns", region_name=region)
    guardduty = boto3.client("guardduty", region_name=region)
    cloudwatch = boto3.client("cloudwatch", region_name=region)
    wafv2 = boto3.client("wafv2", region_name=region)
    account = boto3.client("sts", region_name=region).get_caller_identity()["Account"]
    state: dict = {"topic": None, "subscriptions": [], "detectors": [], "dashboard": None, "waf_logging": None}

    topic_arn = f"arn:aws:sns:{region}:{account}:{prefix}-alarms"
    try:
        state["topic"] = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
        state["subscriptions"] = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    except sns.exceptions.NotFoundException:
        pass
    for detector_id in guardduty.list_detectors()["DetectorIds"]:
        detector = guardduty.get_detector(DetectorId=detector_id)
        state["detectors"].append(
            {
                "id": detector_id,
                "status": detector["Status"],
                "tags": detector.get("Tags", {}),
                "frequency": detector.get("FindingPublishingFrequency"),
                "features": {
                    feature["Name"]: {
                        "status": feature["Status"],
                        "additional": {
                            extra["Name"]: extra["Status"] for extra in feature.get("AdditionalConfiguration", [])
                        },
                    }
                    for feature in detector.get("Features", [])
                },
            }
        )
    try:
        state["dashboard"] = json.loads(cloudwatch.get_dashboard(DashboardName=prefix)["DashboardBody"])
    except cloudwatch.exceptions.ResourceNotFound:
        pass
    acls = [acl for acl in wafv2.list_web_acls(Scope="REGIONAL")["WebACLs"] if acl["Name"] == f"{prefix}-web"]
    if acls:
        try:
            state["waf_logging"] = wafv2.get_logging_configuration(ResourceArn=acls[0]["ARN"])["LoggingConfiguration"]
        except wafv2.exceptions.WAFNonexistentItemException:
            pass
    print(json.dumps(state, default=str))


if __name__ == "__main__":
    main()
