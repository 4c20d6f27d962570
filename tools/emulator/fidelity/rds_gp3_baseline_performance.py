"""RDS gp3 DB instances report their baseline Iops and StorageThroughput.

AWS behaviour restored: a DB instance on ``gp3`` storage always reports ``Iops`` and ``StorageThroughput`` in
``CreateDBInstance`` / ``DescribeDBInstances`` / ``ModifyDBInstance``; unless provisioned higher, they are the
gp3 baseline of the RDS User Guide ("gp3 storage"): 3,000 IOPS and 125 MiB/s below the engine's threshold,
12,000 IOPS and 500 MiB/s from it (400 GiB for MariaDB, MySQL, PostgreSQL and Db2, 200 GiB for Oracle;
SQL Server stays at 3,000 / 125). The baseline follows AllocatedStorage changes. moto 5.2.5 reports neither
unless the request set them.

Needed by: ``amazon.aws.rds_instance``, which reads ``Iops`` and ``StorageThroughput`` of an existing gp3
instance unconditionally: on plain moto its second run fails with a KeyError.
"""

from __future__ import annotations

from typing import Any

BASELINE = (3000, 125)
ABOVE_THRESHOLD = (12000, 500)
THRESHOLD_GIB = {"mariadb": 400, "mysql": 400, "postgres": 400, "db2": 400, "oracle": 200}


def baseline(engine: str | None, allocated_storage: int | None) -> tuple[int, int]:
    family = (engine or "").split("-")[0]
    threshold = THRESHOLD_GIB.get(family)
    if threshold is not None and (allocated_storage or 0) >= threshold:
        return ABOVE_THRESHOLD
    return BASELINE


class Gp3Baseline(property):
    """A property answering the gp3 baseline when nothing was set on a gp3 instance (its type marks it applied)."""


def with_gp3_baseline(name: str, index: int, original: property | None) -> Gp3Baseline:
    """Wrap moto's property (``storage_throughput``) or plain attribute (``iops``, kept under another key)."""
    key = f"_kstore_{name}"

    def get(self: Any) -> Any:
        try:
            value = original.fget(self) if original and original.fget else self.__dict__.get(key)
        except AttributeError:  # never set (instances of a cluster)
            value = None
        if value is None and getattr(self, "storage_type", None) == "gp3":
            return baseline(getattr(self, "engine", None), getattr(self, "allocated_storage", None))[index]
        return value

    def set_(self: Any, value: Any) -> None:
        if original and original.fset:
            original.fset(self, value)
        else:
            self.__dict__[key] = value

    return Gp3Baseline(get, set_)


def apply() -> None:
    from moto.rds.models import DBInstance

    for index, name in enumerate(("iops", "storage_throughput")):
        current = DBInstance.__dict__.get(name)
        if not isinstance(current, Gp3Baseline):
            original = current if isinstance(current, property) else None
            setattr(DBInstance, name, with_gp3_baseline(name, index, original))
