"""kstore.platform.ec2_vpc_flow_log: the real module code against the real emulator over HTTP.

Each test runs the module's ``main()`` in-process with module args (as Ansible would), then checks what exists in
the emulator through boto3 and, where it matters, which API calls reached the emulator (its request counter).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.kstore.platform.plugins.modules import ec2_vpc_flow_log
from botocore.awsrequest import AWSResponse

ROLE_ARN = "arn:aws:iam::123456789012:role/flow-logs"
LOG_GROUP = "shop-dev-flow-logs"
MUTATING = ("ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateTags", "ec2:DeleteTags")


@pytest.fixture()
def ec2(clean_emulator: Any) -> Any:
    return boto3.client("ec2", region_name="eu-west-1", endpoint_url=clean_emulator.url)


@pytest.fixture()
def vpc_id(ec2: Any, clean_emulator: Any) -> str:
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    boto3.client("logs", region_name="eu-west-1", endpoint_url=clean_emulator.url).create_log_group(
        logGroupName=LOG_GROUP
    )
    clean_emulator.reset_requests()
    return vpc


@pytest.fixture()
def flow_log(run_module: Callable[..., dict], vpc_id: str) -> Callable[..., dict]:
    """Run the module for the VPC's flow log to LOG_GROUP; keyword arguments add or override module args."""

    def run(check_mode: bool = False, diff: bool = False, **args: Any) -> dict:
        module_args = {
            "resource_id": vpc_id,
            "log_group_name": LOG_GROUP,
            "deliver_logs_permission_arn": ROLE_ARN,
            **args,
        }
        module_args = {key: value for key, value in module_args.items() if value is not None}
        return run_module(ec2_vpc_flow_log.main, module_args, check_mode=check_mode, diff=diff)

    return run


def flow_logs_of(ec2: Any, resource_id: str) -> list[dict]:
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [resource_id]}])["FlowLogs"]


def tags_of(flow_log: dict) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in flow_log.get("Tags", [])}


def mutating_calls(emulator: Any) -> dict[str, int]:
    return {action: count for action, count in emulator.requests()["by_action"].items() if action in MUTATING}


def test_create(flow_log: Callable[..., dict], ec2: Any, vpc_id: str) -> None:
    result = flow_log(max_aggregation_interval=60, tags={"Component": "network"}, diff=True)

    assert result["changed"] is True, result
    [created] = flow_logs_of(ec2, vpc_id)
    assert result["flow_log"]["flow_log_id"] == created["FlowLogId"]
    assert created["TrafficType"] == "ALL"
    assert created["LogDestinationType"] == "cloud-watch-logs"
    assert created["LogGroupName"] == LOG_GROUP
    assert created["DeliverLogsPermissionArn"] == ROLE_ARN
    assert created["MaxAggregationInterval"] == 60
    assert created["DeliverLogsStatus"] == "SUCCESS"
    assert tags_of(created) == {"Component": "network"}
    assert result["flow_log"]["tags"] == {"Component": "network"}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["traffic_type"] == "ALL"


def test_second_run_is_not_changed(flow_log: Callable[..., dict], ec2: Any, vpc_id: str, clean_emulator: Any) -> None:
    first = flow_log(tags={"Component": "network"})
    clean_emulator.reset_requests()

    second = flow_log(tags={"Component": "network"})

    assert second["changed"] is False, second
    assert second["flow_log"]["flow_log_id"] == first["flow_log"]["flow_log_id"]
    assert [fl["FlowLogId"] for fl in flow_logs_of(ec2, vpc_id)] == [first["flow_log"]["flow_log_id"]]
    assert mutating_calls(clean_emulator) == {}


def test_check_mode_create(flow_log: Callable[..., dict], ec2: Any, vpc_id: str, clean_emulator: Any) -> None:
    result = flow_log(tags={"Component": "network"}, check_mode=True, diff=True)

    assert result["changed"] is True, result
    assert "flow_log_id" not in result["flow_log"]
    assert result["flow_log"]["tags"] == {"Component": "network"}
    assert result["diff"]["before"] == {}
    assert flow_logs_of(ec2, vpc_id) == []
    assert mutating_calls(clean_emulator) == {}


def test_tags_update_and_purge(flow_log: Callable[..., dict], ec2: Any, vpc_id: str) -> None:
    flow_log_id = flow_log(tags={"Component": "network", "Owner": "ops"})["flow_log"]["flow_log_id"]

    merged = flow_log(tags={"Owner": "platform", "Tier": "1"}, purge_tags=False)
    assert merged["changed"] is True
    [current] = flow_logs_of(ec2, vpc_id)
    assert current["FlowLogId"] == flow_log_id  # tags change in place
    assert tags_of(current) == {"Component": "network", "Owner": "platform", "Tier": "1"}
    assert merged["flow_log"]["tags"] == tags_of(current)

    untouched = flow_log()  # no `tags`: leave them alone, whatever purge_tags says
    assert untouched["changed"] is False
    assert tags_of(flow_logs_of(ec2, vpc_id)[0]) == {"Component": "network", "Owner": "platform", "Tier": "1"}

    check = flow_log(tags={"Tier": "2"}, check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["after"]["tags"] == {"Tier": "2"}
    assert tags_of(flow_logs_of(ec2, vpc_id)[0]) == {"Component": "network", "Owner": "platform", "Tier": "1"}

    purged = flow_log(tags={"Tier": "2"})
    assert purged["changed"] is True
    [current] = flow_logs_of(ec2, vpc_id)
    assert current["FlowLogId"] == flow_log_id
    assert tags_of(current) == {"Tier": "2"}

    emptied = flow_log(tags={})
    assert emptied["changed"] is True
    assert tags_of(flow_logs_of(ec2, vpc_id)[0]) == {}


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"traffic_type": "REJECT"}, "TrafficType", "REJECT"),
        ({"max_aggregation_interval": 60}, "MaxAggregationInterval", 60),
        (
            {"log_format": "${version} ${srcaddr} ${dstaddr} ${action}"},
            "LogFormat",
            "${version} ${srcaddr} ${dstaddr} ${action}",
        ),
        ({"deliver_logs_permission_arn": ROLE_ARN + "-v2"}, "DeliverLogsPermissionArn", ROLE_ARN + "-v2"),
    ],
)
def test_replace_on_immutable_change(
    flow_log: Callable[..., dict], ec2: Any, vpc_id: str, change: dict, field: str, value: Any
) -> None:
    old_id = flow_log(tags={"Component": "network"})["flow_log"]["flow_log_id"]

    result = flow_log(diff=True, **change)

    assert result["changed"] is True, result
    [replacement] = flow_logs_of(ec2, vpc_id)
    assert replacement["FlowLogId"] != old_id
    assert result["flow_log"]["flow_log_id"] == replacement["FlowLogId"]
    assert replacement[field] == value
    assert tags_of(replacement) == {"Component": "network"}  # carried over: the task did not set tags
    assert result["diff"]["before"]["flow_log_id"] == old_id
    assert result["diff"]["after"]["flow_log_id"] == replacement["FlowLogId"]
    assert ec2.describe_flow_logs(FlowLogIds=[old_id])["FlowLogs"] == []

    assert flow_log(**change)["changed"] is False


def test_check_mode_replace(flow_log: Callable[..., dict], ec2: Any, vpc_id: str, clean_emulator: Any) -> None:
    old_id = flow_log()["flow_log"]["flow_log_id"]
    clean_emulator.reset_requests()

    result = flow_log(traffic_type="REJECT", check_mode=True, diff=True)

    assert result["changed"] is True, result
    assert result["diff"]["before"]["traffic_type"] == "ALL"
    assert result["diff"]["after"]["traffic_type"] == "REJECT"
    assert "flow_log_id" not in result["flow_log"]
    [unchanged] = flow_logs_of(ec2, vpc_id)
    assert (unchanged["FlowLogId"], unchanged["TrafficType"]) == (old_id, "ALL")
    assert mutating_calls(clean_emulator) == {}


def test_absent(flow_log: Callable[..., dict], ec2: Any, vpc_id: str, clean_emulator: Any) -> None:
    flow_log_id = flow_log()["flow_log"]["flow_log_id"]

    check = flow_log(state="absent", check_mode=True, diff=True)
    assert check["changed"] is True
    assert check["diff"]["after"] == {}
    assert check["diff"]["before"]["flow_log_id"] == flow_log_id
    assert len(flow_logs_of(ec2, vpc_id)) == 1

    result = flow_log(state="absent")
    assert result["changed"] is True, result
    assert "flow_log" not in result
    assert flow_logs_of(ec2, vpc_id) == []

    clean_emulator.reset_requests()
    again = flow_log(state="absent", deliver_logs_permission_arn=None)
    assert again["changed"] is False, again
    assert mutating_calls(clean_emulator) == {}


def test_missing_role_for_cloudwatch_fails_clearly(
    flow_log: Callable[..., dict], ec2: Any, vpc_id: str, clean_emulator: Any
) -> None:
    result = flow_log(deliver_logs_permission_arn=None)

    assert result.get("failed") is True
    assert "deliver_logs_permission_arn is required when log_destination_type=cloud-watch-logs" in result["msg"]
    assert flow_logs_of(ec2, vpc_id) == []
    assert clean_emulator.requests()["by_action"].get("ec2:CreateFlowLogs") is None


def test_log_group_given_by_arn_is_the_same_flow_log(flow_log: Callable[..., dict], ec2: Any, vpc_id: str) -> None:
    flow_log_id = flow_log()["flow_log"]["flow_log_id"]

    by_arn = flow_log(log_group_name=None, log_destination=f"arn:aws:logs:eu-west-1:123456789012:log-group:{LOG_GROUP}")

    assert by_arn["changed"] is False, by_arn
    assert by_arn["flow_log"]["flow_log_id"] == flow_log_id
    assert len(flow_logs_of(ec2, vpc_id)) == 1


def test_s3_destination(run_module: Callable[..., dict], ec2: Any, vpc_id: str, clean_emulator: Any) -> None:
    s3 = boto3.client("s3", region_name="eu-west-1", endpoint_url=clean_emulator.url)
    s3.create_bucket(Bucket="shop-dev-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    args = {
        "resource_id": vpc_id,
        "log_destination_type": "s3",
        "log_destination": "arn:aws:s3:::shop-dev-logs",
        "traffic_type": "REJECT",
    }

    created = run_module(ec2_vpc_flow_log.main, args)

    assert created["changed"] is True, created
    [flow] = flow_logs_of(ec2, vpc_id)
    assert flow["LogDestinationType"] == "s3"
    assert flow["LogDestination"] == "arn:aws:s3:::shop-dev-logs"
    assert flow["TrafficType"] == "REJECT"
    assert "LogGroupName" not in flow
    assert run_module(ec2_vpc_flow_log.main, args)["changed"] is False

    # A flow log to CloudWatch Logs for the same VPC is another flow log, not a change of this one.
    to_cloudwatch = run_module(
        ec2_vpc_flow_log.main,
        {"resource_id": vpc_id, "log_group_name": LOG_GROUP, "deliver_logs_permission_arn": ROLE_ARN},
    )
    assert to_cloudwatch["changed"] is True
    assert sorted(fl["LogDestinationType"] for fl in flow_logs_of(ec2, vpc_id)) == ["cloud-watch-logs", "s3"]

    # AWS rejects a role for S3 delivery ("not applicable for s3 delivery"); the module says so before calling AWS.
    with_role = run_module(ec2_vpc_flow_log.main, dict(args, deliver_logs_permission_arn=ROLE_ARN, traffic_type="ALL"))
    assert with_role.get("failed") is True
    assert "not applicable to log_destination_type=s3" in with_role["msg"]
    assert flow_logs_of(ec2, vpc_id)[0]["FlowLogId"] == flow["FlowLogId"]


# Retries. Not Stubber tests: botocore's Stubber answers every call of the client it is attached to, so nothing
# would reach the emulator. Instead a botocore event handler is registered on the very client the module creates
# (through amazon.aws's AnsibleAWSModule.client) and answers the first N calls of one operation with an AWS error;
# every later call goes to the emulator, whose state the tests then check.


class InjectedErrors:
    def __init__(self, code: str, status: int, times: int) -> None:
        self.code = code
        self.status = status
        self.remaining = times
        self.injected = 0

    def take(self) -> bool:
        if self.remaining == 0:
            return False
        self.remaining -= 1
        self.injected += 1
        return True


@pytest.fixture()
def inject(monkeypatch: pytest.MonkeyPatch) -> Callable[..., InjectedErrors]:
    def install(event: str, operation: str, code: str, status: int, times: int) -> InjectedErrors:
        errors = InjectedErrors(code, status, times)
        original_client = AnsibleAWSModule.client

        def before_call(**_: Any) -> tuple[AWSResponse, dict] | None:
            # Like Stubber: an answer here skips the HTTP request *and* botocore's own retry handler.
            if not errors.take():
                return None
            parsed = {
                "Error": {"Code": code, "Message": "Rate exceeded"},
                "ResponseMetadata": {"HTTPStatusCode": status},
            }
            return AWSResponse(None, status, {}, None), parsed

        def before_send(**_: Any) -> AWSResponse | None:
            # An HTTP answer: botocore parses it and its retry handler sees it, as with a real AWS answer.
            if not errors.take():
                return None
            body = (
                f"<Response><Errors><Error><Code>{code}</Code><Message>Rate exceeded</Message></Error></Errors>"
                "<RequestID>injected</RequestID></Response>"
            ).encode()
            return AWSResponse("https://ec2.injected", status, {}, types.SimpleNamespace(stream=lambda: [body]))

        def client(self: AnsibleAWSModule, service: str, retry_decorator: Any = None, **kwargs: Any) -> Any:
            wrapped = original_client(self, service, retry_decorator=retry_decorator, **kwargs)
            boto_client = getattr(wrapped, "client", wrapped)  # RetryingBotoClientWrapper keeps it as .client
            handler = before_call if event == "before-call" else before_send
            boto_client.meta.events.register(f"{event}.ec2.{operation}", handler)
            return wrapped

        monkeypatch.setattr(AnsibleAWSModule, "client", client)
        return errors

    return install


@pytest.fixture()
def backoff_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record AWSRetry's back-off sleeps instead of sleeping (up to 3 s each with the default jittered back-off)."""
    sleeps: list[float] = []
    monkeypatch.setattr(cloud, "time", types.SimpleNamespace(sleep=sleeps.append))
    return sleeps


@pytest.mark.parametrize("operation", ["DescribeFlowLogs", "CreateFlowLogs"])
def test_request_limit_exceeded_is_retried_by_the_module(
    flow_log: Callable[..., dict],
    inject: Callable[..., InjectedErrors],
    backoff_sleeps: list[float],
    ec2: Any,
    vpc_id: str,
    clean_emulator: Any,
    operation: str,
) -> None:
    """EC2 throttles with RequestLimitExceeded (HTTP 503); the module's AWSRetry.jittered_backoff() retries it."""
    errors = inject("before-call", operation, "RequestLimitExceeded", 503, times=2)

    result = flow_log()

    assert result["changed"] is True, result
    assert errors.injected == 2
    assert len(backoff_sleeps) == 2  # the retries came from AWSRetry, not from botocore
    assert [fl["FlowLogId"] for fl in flow_logs_of(ec2, vpc_id)] == [result["flow_log"]["flow_log_id"]]
    assert clean_emulator.requests()["by_action"]["ec2:CreateFlowLogs"] == 1


def test_throttling_exception_is_retried(
    flow_log: Callable[..., dict],
    inject: Callable[..., InjectedErrors],
    backoff_sleeps: list[float],
    ec2: Any,
    vpc_id: str,
) -> None:
    """A ThrottlingException answer is retried inside the module's client by botocore's retry handler.

    amazon.aws's AWSRetry does not list ThrottlingException (it retries RequestLimitExceeded, Throttling, ...), so
    here the retries come from botocore (no AWSRetry sleep is recorded). EC2 itself throttles with
    RequestLimitExceeded, covered above.
    """
    errors = inject("before-send", "CreateFlowLogs", "ThrottlingException", 400, times=2)

    result = flow_log()

    assert result["changed"] is True, result
    assert errors.injected == 2
    assert backoff_sleeps == []
    assert [fl["FlowLogId"] for fl in flow_logs_of(ec2, vpc_id)] == [result["flow_log"]["flow_log_id"]]
