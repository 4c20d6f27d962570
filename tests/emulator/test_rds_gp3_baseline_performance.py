"""RDS gp3 instances report baseline Iops / StorageThroughput (fidelity/rds_gp3_baseline_performance)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AnsibleRuns = Callable[..., list[dict[str, Any]]]


def _create(rds: Any, name: str, storage: int, storage_type: str = "gp3", **extra: Any) -> dict[str, Any]:
    return rds.create_db_instance(
        DBInstanceIdentifier=name,
        Engine="mariadb",
        EngineVersion="10.11.8",
        DBInstanceClass="db.t4g.micro",
        AllocatedStorage=storage,
        StorageType=storage_type,
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
        **extra,
    )["DBInstance"]


def _performance(instance: dict[str, Any]) -> tuple[Any, Any]:
    return instance.get("Iops"), instance.get("StorageThroughput")


def test_gp3_baseline(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    assert _performance(_create(rds, "small", 20)) == (3000, 125)
    (small,) = rds.describe_db_instances(DBInstanceIdentifier="small")["DBInstances"]
    assert _performance(small) == (3000, 125)
    assert _performance(_create(rds, "large", 400)) == (12000, 500)
    assert _performance(_create(rds, "old", 20, storage_type="gp2")) == (None, None)  # not gp3: none


def test_baseline_follows_storage_and_explicit_values_win(aws: Callable[[str], Any]) -> None:
    rds = aws("rds")
    _create(rds, "grow", 100)
    modified = rds.modify_db_instance(DBInstanceIdentifier="grow", AllocatedStorage=500, ApplyImmediately=True)
    assert _performance(modified["DBInstance"]) == (12000, 500)
    assert _performance(_create(rds, "fast", 500, Iops=15000, StorageThroughput=750)) == (15000, 750)


def test_rds_instance_module_converges(aws: Callable[[str], Any], ansible_runs: AnsibleRuns) -> None:
    ec2 = aws("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"eu-west-1{az}")["Subnet"][
            "SubnetId"
        ]
        for i, az in enumerate("ab")
    ]
    aws("rds").create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="data", SubnetIds=subnets)
    args = {
        "db_subnet_group_name": "data",
        "id": "shop",
        "state": "present",
        "engine": "mariadb",
        "engine_version": "10.11.8",
        "db_instance_class": "db.t4g.micro",
        "allocated_storage": 20,
        "storage_type": "gp3",
        "username": "admin",
        "password": "not-a-secret-1",
        "wait": False,
    }
    first, second = ansible_runs("amazon.aws.rds_instance", args, args)
    assert (first["changed"], second["changed"]) == (True, False)
