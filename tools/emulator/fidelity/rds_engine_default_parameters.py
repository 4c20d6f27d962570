"""RDS DescribeDBParameters lists the family's engine-default parameters; ModifyDBParameterGroup checks names.

AWS behaviour restored: ``DescribeDBParameters`` on a new DB parameter group lists every parameter of its family
(``ParameterName``, ``DataType``, ``IsModifiable``, ``ApplyType``, ``AllowedValues``, ``Source`` =
``engine-default`` or ``system``, a ``ParameterValue`` only where the engine default has one), with the values set
by ``ModifyDBParameterGroup`` merged in (``Source`` = ``user``); the ``Source`` argument filters them.
``ModifyDBParameterGroup`` refuses a parameter the family does not have (``InvalidParameterValue``, "Could not
find parameter with name: X") and one that cannot be modified (``InvalidParameterValue``, "The parameter X cannot
be modified."). moto 5.2.5 lists only the values set through ModifyDBParameterGroup, so a new group has none.

Needed by: ``amazon.aws.rds_instance_param_group``, which only sets a parameter that DescribeDBParameters lists (it
returns "Parameter X is not an available parameter" errors and changes nothing otherwise): on plain moto the
database tier's parameters (``require_secure_transport``, the character set, the slow query log) were never set,
so the local data plane's MariaDB did not require TLS.

The table holds the MariaDB families RDS offers (10.4 to 11.8) with the parameters a shop tunes and the system
ones RDS manages; it is a subset of the ~500 RDS lists (an unlisted one is refused here, as an unknown one is on
AWS). Other families keep moto's behaviour.
"""

from __future__ import annotations

import re
from typing import Any

from ._patching import patch

# name: (DataType, ApplyType, AllowedValues, engine-default ParameterValue or None, IsModifiable)
_B = "0,1"
_CHARSETS = "big5,latin1,latin2,ascii,utf8,utf8mb3,utf8mb4,binary"
_MARIADB: dict[str, tuple[str, str, str, str | None, bool]] = {
    "autocommit": ("boolean", "dynamic", _B, None, True),
    "binlog_format": ("string", "dynamic", "ROW,STATEMENT,MIXED", "MIXED", True),
    "character_set_client": ("string", "dynamic", _CHARSETS, None, True),
    "character_set_connection": ("string", "dynamic", _CHARSETS, None, True),
    "character_set_database": ("string", "dynamic", _CHARSETS, None, True),
    "character_set_results": ("string", "dynamic", _CHARSETS, None, True),
    "character_set_server": ("string", "dynamic", _CHARSETS, None, True),
    "collation_connection": ("string", "dynamic", "", None, True),
    "collation_server": ("string", "dynamic", "", None, True),
    "datadir": ("string", "static", "", "/rdsdbdata/db/", False),
    "event_scheduler": ("string", "dynamic", "ON,OFF", None, True),
    "general_log": ("boolean", "dynamic", _B, None, True),
    "innodb_buffer_pool_size": (
        "integer",
        "static",
        "5242880-9223372036854775807",
        "{DBInstanceClassMemory*3/4}",
        True,
    ),
    "innodb_lock_wait_timeout": ("integer", "dynamic", "1-1073741824", None, True),
    "innodb_print_all_deadlocks": ("boolean", "dynamic", _B, None, True),
    "interactive_timeout": ("integer", "dynamic", "1-31536000", None, True),
    "local_infile": ("boolean", "dynamic", _B, "1", True),
    "log_bin_trust_function_creators": ("boolean", "dynamic", _B, None, True),
    "log_error": ("string", "static", "", "/rdsdbdata/log/error/mysql-error.log", False),
    "log_output": ("string", "dynamic", "TABLE,FILE,NONE", "TABLE", True),
    "long_query_time": ("float", "dynamic", "0-31536000", None, True),
    "lower_case_table_names": ("integer", "static", "0,1", None, True),
    "max_allowed_packet": ("integer", "dynamic", "1024-1073741824", None, True),
    "max_connections": ("integer", "dynamic", "1-100000", "{DBInstanceClassMemory/12582880}", True),
    "max_heap_table_size": ("integer", "dynamic", "16384-1844674407370954752", None, True),
    "performance_schema": ("boolean", "static", _B, None, True),
    "port": ("integer", "static", "", "{EndPointPort}", False),
    "slow_query_log": ("boolean", "dynamic", _B, None, True),
    "socket": ("string", "static", "", "/tmp/mysql.sock", False),
    "sql_mode": ("string", "dynamic", "", None, True),
    "ssl_ca": ("string", "static", "", "/rdsdbdata/rds-metadata/ca-cert.pem", False),
    "ssl_cert": ("string", "static", "", "/rdsdbdata/rds-metadata/server-cert.pem", False),
    "ssl_key": ("string", "static", "", "/rdsdbdata/rds-metadata/server-key.pem", False),
    "table_open_cache": ("integer", "dynamic", "1-524288", None, True),
    "thread_cache_size": ("integer", "dynamic", "0-16384", None, True),
    "time_zone": ("string", "dynamic", "", None, True),
    "tmp_table_size": ("integer", "dynamic", "1024-18446744073709551615", None, True),
    "tx_isolation": ("string", "dynamic", "READ-UNCOMMITTED,READ-COMMITTED,REPEATABLE-READ,SERIALIZABLE", None, True),
    "wait_timeout": ("integer", "dynamic", "1-31536000", None, True),
}
# MariaDB 10.5 and later: refuse connections that are not TLS.
_MARIADB_105 = {"require_secure_transport": ("boolean", "dynamic", _B, "0", True)}


def family_parameters(family: str | None) -> dict[str, dict[str, Any]] | None:
    """The engine-default parameters of a DB parameter group family, or None for a family this table lacks."""
    match = re.fullmatch(r"mariadb(\d+)\.(\d+)", (family or "").lower())
    if not match:
        return None
    table = dict(_MARIADB)
    if (int(match[1]), int(match[2])) >= (10, 5):
        table.update(_MARIADB_105)
    parameters = {}
    for name, (data_type, apply_type, allowed, value, modifiable) in sorted(table.items()):
        parameter: dict[str, Any] = {
            "ParameterName": name,
            "Description": name.replace("_", " "),
            "Source": "engine-default" if modifiable else "system",
            "ApplyType": apply_type,
            "DataType": data_type,
            "IsModifiable": modifiable,
            "ApplyMethod": "pending-reboot",
        }
        if allowed:
            parameter["AllowedValues"] = allowed
        if value is not None:
            parameter["ParameterValue"] = value
        parameters[name] = parameter
    return parameters


def apply() -> None:
    from moto.core.responses import ActionResult
    from moto.rds.exceptions import DBParameterGroupNotFoundError, InvalidParameterValue
    from moto.rds.models import RDSBackend
    from moto.rds.responses import RDSResponse

    def make_describe(original: Any) -> Any:
        def describe_db_parameters(self: RDSResponse) -> Any:
            name = self.params.get("DBParameterGroupName")
            groups = self.backend.describe_db_parameter_groups({"db_parameter_group_name": name})
            if not groups:
                raise DBParameterGroupNotFoundError(name)
            group = groups[0]
            defaults = family_parameters(group.family)
            if defaults is None:
                return original(self)
            for key, stored in group.parameters.items():
                merged = dict(defaults.get(key, {"ParameterName": key}))
                merged.update({k: v for k, v in stored.items() if v is not None})
                merged["Source"] = "user"
                defaults[key] = merged
            source = self.params.get("Source")
            listed = [p for p in defaults.values() if not source or p.get("Source") == source]
            return ActionResult({"Parameters": listed})

        return describe_db_parameters

    def make_modify(original: Any) -> Any:
        def modify_db_parameter_group(self: RDSBackend, db_parameter_group_name: str, parameters: Any) -> Any:
            group = self.db_parameter_groups.get(db_parameter_group_name)
            defaults = family_parameters(group.family) if group is not None else None
            parameters = list(parameters)
            if defaults is not None:
                for parameter in parameters:
                    name = parameter.get("ParameterName")
                    if name not in defaults:
                        raise InvalidParameterValue(f"Could not find parameter with name: {name}")
                    if not defaults[name]["IsModifiable"]:
                        raise InvalidParameterValue(f"The parameter {name} cannot be modified.")
            return original(self, db_parameter_group_name, parameters)

        return modify_db_parameter_group

    patch(RDSResponse, "describe_db_parameters", __name__, make_describe)
    patch(RDSBackend, "modify_db_parameter_group", __name__, make_modify)
