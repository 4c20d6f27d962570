"""The data plane runs the emulator's ECS tasks on the real Docker engine and reports what really happened.

A private emulator (over HTTP, with the bridge) and the real engine; the image is the local ``debian:bookworm-slim``
(the base image every local build starts from). Each test runs cycles of tools/dataplane/main.py's ``DataPlane``
until the task has the state it waits for, and reads the outcome through the ECS and CloudWatch Logs APIs, as
kstore.platform.ecs_run_task does.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from tools.dataplane.docker import LABEL
from tools.dataplane.main import DataPlane

IMAGE = "debian:bookworm-slim"
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def world(start_emulator: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A private emulator with a cluster that has one container instance, a secret, a log group, and a data plane."""
    with start_emulator() as emulator:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        clients = {
            name: session.client(name, endpoint_url=emulator.url) for name in ("ec2", "ecs", "secretsmanager", "logs")
        }
        ec2, ecs = clients["ec2"], clients["ecs"]
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        # (ENIs of awsvpc tasks get a private DNS name: moto needs DNS host names on, as the network tier sets them)
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
        ecs.create_cluster(clusterName="dp")
        instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]
        ecs.register_container_instance(
            cluster="dp",
            instanceIdentityDocument=json.dumps({"instanceId": instance["InstanceId"], "region": REGION}),
            instanceIdentityDocumentSignature=base64.b64encode(b"test").decode(),
            totalResources=[
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 4096},
            ],
        )
        secret = clients["secretsmanager"].create_secret(
            Name="dp/db", SecretString=json.dumps({"username": "shop", "password": "s3cr3t-Value"})
        )["ARN"]
        clients["logs"].create_log_group(logGroupName="/dp/app")
        state = tmp_path_factory.mktemp("dataplane-state")
        plane = DataPlane(emulator.url, state)
        plane.cycle()  # attached: RunTask now waits for this data plane
        yield {"plane": plane, "secret": secret, "subnet": subnet, "group": group, **clients}
        subprocess.run(
            f"docker ps -aq --filter label={LABEL}={plane.instance} | xargs -r docker rm -f",
            shell=True,
            capture_output=True,
            check=False,
        )
        subprocess.run(
            f"docker network ls -q --filter label={LABEL}={plane.instance} | xargs -r docker network rm",
            shell=True,
            capture_output=True,
            check=False,
        )


def _register(
    world: dict[str, Any], family: str, command: str, secrets: list[dict[str, str]], image: str = IMAGE
) -> str:
    return world["ecs"].register_task_definition(
        family=family,
        networkMode="awsvpc",
        containerDefinitions=[
            {
                "name": "app",
                "image": image,
                "essential": True,
                "memory": 128,
                "command": ["sh", "-c", command],
                "environment": [{"name": "GREETING", "value": "hello"}],
                "secrets": secrets,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/dp/app", "awslogs-region": REGION, "awslogs-stream-prefix": "run"},
                },
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]


def _run(world: dict[str, Any], definition: str) -> str:
    answer = world["ecs"].run_task(
        cluster="dp",
        taskDefinition=definition,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [world["subnet"]], "securityGroups": [world["group"]]}
        },
    )
    assert answer["tasks"], answer["failures"]
    return answer["tasks"][0]["taskArn"]


def _until(world: dict[str, Any], task_arn: str, done: Callable[[dict[str, Any]], bool], seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        world["plane"].cycle()
        task = world["ecs"].describe_tasks(cluster="dp", tasks=[task_arn])["tasks"][0]
        if done(task) or time.monotonic() > deadline:
            return task
        time.sleep(0.5)


def test_a_task_runs_with_its_secrets_and_reports_its_exit_code_and_log_lines(world: dict[str, Any]) -> None:
    secret = world["secret"]
    definition = _register(
        world,
        "exit3",
        'echo "greeting=$GREETING user=$DB_USER"; [ "$DB_PASSWORD" = s3cr3t-Value ] && exit 3; exit 9',
        [
            {"name": "DB_USER", "valueFrom": f"{secret}:username::"},
            {"name": "DB_PASSWORD", "valueFrom": f"{secret}:password::"},
        ],
    )
    task_arn = _run(world, definition)
    first = world["ecs"].describe_tasks(cluster="dp", tasks=[task_arn])["tasks"][0]
    assert first["lastStatus"] != "STOPPED", "moto's own immediate stop must be off while a data plane is attached"
    task = _until(world, task_arn, lambda t: t["lastStatus"] == "STOPPED")
    assert task["lastStatus"] == "STOPPED", task
    assert task["stopCode"] == "EssentialContainerExited"
    assert task["stoppedReason"] == "Essential container in task exited"
    assert task["containers"][0]["exitCode"] == 3, task["containers"]
    stream = f"run/app/{task_arn.rsplit('/', 1)[-1]}"
    events = world["logs"].get_log_events(logGroupName="/dp/app", logStreamName=stream)["events"]
    assert [e["message"] for e in events] == ["greeting=hello user=shop"]
    # the secret never reached the docker CLI's arguments: nothing of it in the container's recorded config
    leftovers = subprocess.run(
        [
            "docker",
            "ps",
            "-aq",
            "--filter",
            f"label={LABEL}={world['plane'].instance}",
            "--filter",
            f"label={LABEL}.task={task_arn}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert leftovers == [], "a stopped task's container is removed once its logs are shipped"


def test_a_missing_json_key_stops_the_task_before_it_starts_with_ecs_reason(world: dict[str, Any]) -> None:
    definition = _register(world, "badkey", "exit 0", [{"name": "X", "valueFrom": f"{world['secret']}:nokey::"}])
    task = _until(world, _run(world, definition), lambda t: t["lastStatus"] == "STOPPED", seconds=20)
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("ResourceInitializationError: unable to pull secrets or registry auth")
    assert "did not contain json key nokey" in task["stoppedReason"]
    assert task["containers"][0].get("exitCode") is None


def test_an_unknown_secret_and_a_missing_image_stop_the_task_with_ecs_reasons(world: dict[str, Any]) -> None:
    gone = world["secret"].rsplit(":", 1)[0] + ":secret:dp/nothing-AbCdEf"
    task = _until(
        world,
        _run(world, _register(world, "nosecret", "exit 0", [{"name": "X", "valueFrom": gone}])),
        lambda t: t["lastStatus"] == "STOPPED",
        seconds=20,
    )
    assert "ResourceNotFoundException" in task["stoppedReason"], task["stoppedReason"]
    missing = "127.0.0.1:1/kstore/none@sha256:" + "0" * 64
    task = _until(
        world,
        _run(world, _register(world, "noimage", "exit 0", [], image=missing)),
        lambda t: t["lastStatus"] == "STOPPED",
        seconds=60,
    )
    assert task["stopCode"] == "TaskFailedToStart"
    assert task["stoppedReason"].startswith("CannotPullContainerError"), task["stoppedReason"]


def test_a_running_task_is_left_alone_by_the_next_cycles_and_stop_task_stops_its_container(
    world: dict[str, Any],
) -> None:
    definition = _register(world, "sleeper", "echo up; exec sleep 300", [])
    task_arn = _run(world, definition)
    task = _until(world, task_arn, lambda t: t["lastStatus"] == "RUNNING", seconds=30)
    assert task["lastStatus"] == "RUNNING"
    name = f"kstore-dp-{world['plane'].instance}-task-{task_arn.rsplit('/', 1)[-1]}-app"
    started = json.loads(
        subprocess.run(["docker", "inspect", name], capture_output=True, text=True, check=True).stdout
    )[0]
    world["plane"].cycle()
    world["plane"].cycle()
    again = json.loads(subprocess.run(["docker", "inspect", name], capture_output=True, text=True, check=True).stdout)[
        0
    ]
    assert (again["Id"], again["State"]["StartedAt"]) == (started["Id"], started["State"]["StartedAt"])
    world["ecs"].stop_task(cluster="dp", task=task_arn, reason="test says stop")
    world["plane"].cycle()
    assert subprocess.run(["docker", "inspect", name], capture_output=True, check=False).returncode != 0
    task = world["ecs"].describe_tasks(cluster="dp", tasks=[task_arn])["tasks"][0]
    assert task["stoppedReason"] == "test says stop"
    assert task["containers"][0]["exitCode"] is not None


def test_the_bridge_shows_databases_and_caches_with_what_the_data_plane_needs(world: dict[str, Any]) -> None:
    """RDS and ElastiCache as the stores need them: endpoint, credentials, VPC, parameter group values, TLS/AUTH."""
    import urllib.request

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    url = world["plane"].emulator
    rds = session.client("rds", endpoint_url=url)
    elasticache = session.client("elasticache", endpoint_url=url)
    rds.create_db_subnet_group(DBSubnetGroupName="dp", DBSubnetGroupDescription="dp", SubnetIds=[world["subnet"]])
    rds.create_db_parameter_group(DBParameterGroupName="dp", DBParameterGroupFamily="mariadb10.11", Description="dp")
    rds.modify_db_parameter_group(
        DBParameterGroupName="dp",
        Parameters=[{"ParameterName": "require_secure_transport", "ParameterValue": "1", "ApplyMethod": "immediate"}],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="dp-db",
        DBInstanceClass="db.t4g.micro",
        Engine="mariadb",
        EngineVersion="10.11.9",
        MasterUsername="admin",
        MasterUserPassword="pw-Not-Shown-1",
        DBName="shop",
        AllocatedStorage=20,
        DBSubnetGroupName="dp",
        DBParameterGroupName="dp",
    )
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName="dp", CacheSubnetGroupDescription="dp", SubnetIds=[world["subnet"]]
    )
    elasticache.create_replication_group(
        ReplicationGroupId="dp-redis",
        ReplicationGroupDescription="dp",
        Engine="redis",
        CacheNodeType="cache.t4g.micro",
        NumCacheClusters=1,
        CacheSubnetGroupName="dp",
        TransitEncryptionEnabled=True,
        AuthToken="a" * 32,
    )
    with urllib.request.urlopen(f"{url}/_kstore/dataplane/state", timeout=30) as answer:
        state = json.loads(answer.read())
    vpc = world["ec2"].describe_subnets(SubnetIds=[world["subnet"]])["Subnets"][0]["VpcId"]
    (db,) = [d for d in state["rds_instances"] if d["id"] == "dp-db"]
    assert (db["master_username"], db["master_password"], db["db_name"]) == ("admin", "pw-Not-Shown-1", "shop")
    assert db["vpc_id"] == vpc and db["port"] == 3306 and db["address"].startswith("dp-db.")
    assert db["parameters"]["require_secure_transport"] == "1"
    (cache,) = [c for c in state["cache_groups"] if c["id"] == "dp-redis"]
    assert cache["transit_encryption"] is True and cache["auth_token"] == "a" * 32
    # the address the shop is given (DescribeReplicationGroups' primary endpoint) is the one the container answers on
    (group,) = elasticache.describe_replication_groups(ReplicationGroupId="dp-redis")["ReplicationGroups"]
    primary = group["NodeGroups"][0]["PrimaryEndpoint"]
    assert cache["vpc_id"] == vpc and (cache["address"], cache["port"]) == (primary["Address"], primary["Port"])


def test_an_unknown_access_point_stops_the_task_and_a_known_one_is_mounted_with_its_owner(
    world: dict[str, Any],
) -> None:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    efs = session.client("efs", endpoint_url=world["plane"].emulator)
    fs_id = efs.create_file_system(CreationToken="dp")["FileSystemId"]
    point = efs.create_access_point(
        FileSystemId=fs_id,
        PosixUser={"Uid": 33, "Gid": 33},
        RootDirectory={"Path": "/img", "CreationInfo": {"OwnerUid": 33, "OwnerGid": 33, "Permissions": "750"}},
    )["AccessPointId"]

    def register(family: str, access_point: str) -> str:
        return world["ecs"].register_task_definition(
            family=family,
            networkMode="awsvpc",
            containerDefinitions=[
                {
                    "name": "app",
                    "image": IMAGE,
                    "memory": 64,
                    "command": ["sh", "-c", 'stat -c "%u:%g %a" /data'],
                    "mountPoints": [{"sourceVolume": "img", "containerPath": "/data"}],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": "/dp/app",
                            "awslogs-region": REGION,
                            "awslogs-stream-prefix": "ap",
                        },
                    },
                }
            ],
            volumes=[
                {
                    "name": "img",
                    "efsVolumeConfiguration": {
                        "fileSystemId": fs_id,
                        "transitEncryption": "ENABLED",
                        "authorizationConfig": {"accessPointId": access_point, "iam": "ENABLED"},
                    },
                }
            ],
        )["taskDefinition"]["taskDefinitionArn"]

    task = _until(
        world, _run(world, register("noap", "fsap-00000000000000000")), lambda t: t["lastStatus"] == "STOPPED"
    )
    assert task["stopCode"] == "TaskFailedToStart" and "fsap-00000000000000000" in task["stoppedReason"], task
    arn = _run(world, register("withap", point))
    task = _until(world, arn, lambda t: t["lastStatus"] == "STOPPED")
    assert task["containers"][0]["exitCode"] == 0, task
    stream = f"ap/app/{arn.rsplit('/', 1)[-1]}"
    events = world["logs"].get_log_events(logGroupName="/dp/app", logStreamName=stream)["events"]
    assert [e["message"] for e in events] == ["33:33 750"]


def test_a_read_only_task_writes_only_to_its_tmpfs_under_an_init_without_capabilities(world: dict[str, Any]) -> None:
    """readonlyRootFilesystem, linuxParameters.tmpfs, initProcessEnabled and capabilities.drop, as the service role
    registers them for the shop, reach the container: the task reports what it could and could not do."""
    probe = (
        "touch /etc/probe 2>/dev/null && echo root=writable || echo root=read-only; "
        "touch /scratch/probe && echo scratch=writable; "
        'echo "pid1=$(cat /proc/1/comm)"; '
        "echo \"caps=$(awk '/^CapEff/ {print $2}' /proc/self/status)\""
    )
    definition = world["ecs"].register_task_definition(
        family="readonly",
        networkMode="awsvpc",
        containerDefinitions=[
            {
                "name": "app",
                "image": IMAGE,
                "essential": True,
                "memory": 128,
                "command": ["sh", "-c", probe],
                "readonlyRootFilesystem": True,
                "linuxParameters": {
                    "initProcessEnabled": True,
                    "capabilities": {"drop": ["ALL"]},
                    "tmpfs": [{"containerPath": "/scratch", "size": 8, "mountOptions": ["nosuid", "nodev", "noexec"]}],
                },
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {"awslogs-group": "/dp/app", "awslogs-region": REGION, "awslogs-stream-prefix": "ro"},
                },
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    task_arn = _run(world, definition)
    task = _until(world, task_arn, lambda t: t["lastStatus"] == "STOPPED")
    assert task["containers"][0]["exitCode"] == 0, task
    stream = f"ro/app/{task_arn.rsplit('/', 1)[-1]}"
    events = world["logs"].get_log_events(logGroupName="/dp/app", logStreamName=stream)["events"]
    lines = [e["message"] for e in events]
    assert lines == ["root=read-only", "scratch=writable", "pid1=docker-init", "caps=0000000000000000"], lines
