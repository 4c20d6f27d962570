"""kstore.platform.acm_certificate_request: the real module code against the real emulator over HTTP.

The emulator (moto) issues a DNS-validated certificate MOTO_ACM_VALIDATION_WAIT seconds after the request (60 by
default) without looking at DNS; the test that waits for ISSUED allows for that.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.kstore.platform.plugins.modules import acm_certificate_request

DOMAIN = "shop.kstore.test"
ZONE = "kstore.test"
TAGS = {"Name": "unit-edge", "Platform": "unit"}


@pytest.fixture()
def acm(clean_emulator: Any) -> Any:
    return boto3.client("acm", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def route53(clean_emulator: Any) -> Any:
    return boto3.client("route53", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def zone_id(route53: Any) -> str:
    zone = route53.create_hosted_zone(Name=ZONE, CallerReference="unit")["HostedZone"]
    return zone["Id"].rsplit("/", 1)[-1]


@pytest.fixture()
def cert(run_module: Callable[..., dict]) -> Callable[..., dict]:
    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        defaults = {"domain_name": DOMAIN, "region": "eu-west-1", "tags": TAGS, "wait": False}
        return run_module(acm_certificate_request.main, {**defaults, **args}, check_mode=check_mode, diff=diff)

    return run


def cnames(route53: Any, zone_id: str) -> dict[str, str]:
    sets = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    return {s["Name"]: s["ResourceRecords"][0]["Value"] for s in sets if s["Type"] == "CNAME"}


def arns(acm: Any) -> list[str]:
    return [c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]]


def test_request_writes_records_then_no_change(
    cert: Callable[..., dict], acm: Any, route53: Any, zone_id: str, clean_emulator: Any
) -> None:
    planned = cert(check_mode=True, diff=True, hosted_zone_name=ZONE, subject_alternative_names=[f"www.{DOMAIN}"])
    assert planned["changed"] is True, planned
    assert planned["diff"]["after"]["domain_name"] == DOMAIN
    assert arns(acm) == [] and cnames(route53, zone_id) == {}

    result = cert(hosted_zone_name=ZONE, subject_alternative_names=[f"www.{DOMAIN}", DOMAIN])
    assert result["changed"] is True, result
    assert result["status"] == "PENDING_VALIDATION"
    assert result["hosted_zone_id"] == zone_id
    assert arns(acm) == [result["certificate_arn"]]
    names = {o["domain_name"] for o in result["domain_validation_options"]}
    assert names == {DOMAIN, f"www.{DOMAIN}"}
    records = cnames(route53, zone_id)
    for record in result["validation_records"]:
        assert records[record["name"]] == record["value"]
    assert acm.describe_certificate(CertificateArn=result["certificate_arn"])["Certificate"]["Type"] == "AMAZON_ISSUED"

    clean_emulator.reset_requests()
    again = cert(hosted_zone_id=zone_id, subject_alternative_names=[f"www.{DOMAIN}"])
    assert again["changed"] is False, again
    assert again["certificate_arn"] == result["certificate_arn"]
    calls = clean_emulator.requests()["by_action"]
    writes = [action for action in calls if action == "acm:RequestCertificate" or action.startswith("route53:POST")]
    assert writes == [], calls
    assert len(arns(acm)) == 1


def test_other_tags_or_names_are_another_certificate(cert: Callable[..., dict], acm: Any) -> None:
    first = cert()["certificate_arn"]
    assert cert(tags={"Name": "other"})["certificate_arn"] != first
    assert cert(subject_alternative_names=[f"www.{DOMAIN}"])["certificate_arn"] != first
    assert len(arns(acm)) == 3


def test_tags_updated_on_the_match(cert: Callable[..., dict], acm: Any) -> None:
    arn = cert()["certificate_arn"]
    result = cert(match_tags={"Name": "unit-edge"}, tags={"Name": "unit-edge", "Owner": "shop"})
    assert result["changed"] is True and result["certificate_arn"] == arn
    tags = {t["Key"]: t.get("Value") for t in acm.list_tags_for_certificate(CertificateArn=arn)["Tags"]}
    assert tags == {"Name": "unit-edge", "Owner": "shop"}


def test_wait_timeout_fails_with_status_and_records(cert: Callable[..., dict], zone_id: str) -> None:
    result = cert(hosted_zone_id=zone_id, wait=True, wait_timeout=0)
    assert result["failed"] is True
    assert result["status"] == "PENDING_VALIDATION"
    assert result["validation_records"] and result["validation_records"][0]["type"] == "CNAME"
    assert "was not issued within 0 s" in result["msg"]


def test_wait_until_issued(cert: Callable[..., dict], zone_id: str) -> None:
    result = cert(hosted_zone_id=zone_id, wait=True, wait_timeout=150)
    assert result["changed"] is True
    assert result["status"] == "ISSUED", result
    assert {o["validation_status"] for o in result["domain_validation_options"]} == {"SUCCESS"}


def test_absent_deletes_certificate_and_records(
    cert: Callable[..., dict], acm: Any, route53: Any, zone_id: str
) -> None:
    cert(hosted_zone_id=zone_id)
    assert cert(state="absent", hosted_zone_id=zone_id, delete_validation_records=True, check_mode=True)["changed"]
    assert len(arns(acm)) == 1 and cnames(route53, zone_id)

    result = cert(state="absent", hosted_zone_id=zone_id, delete_validation_records=True)
    assert result["changed"] is True and result["validation_records"]
    assert arns(acm) == [] and cnames(route53, zone_id) == {}
    assert cert(state="absent", hosted_zone_id=zone_id, delete_validation_records=True)["changed"] is False


def test_missing_zone_fails(cert: Callable[..., dict], acm: Any) -> None:
    result = cert(hosted_zone_name="missing.test")
    assert result["failed"] is True
    assert "Found 0 public hosted zones named missing.test." in result["msg"]
    assert arns(acm) == []
