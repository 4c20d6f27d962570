"""Stores of the local data plane: RDS DB instances as real MariaDB, ElastiCache replication groups as real Redis.

``reconcile(snapshot, ...)`` makes the Docker engine match what the emulator records:

* one container ``kstore-dp-<instance>-rds-<id>`` per DB instance, from the collection's test-DB image
  (``files/mariadb``), on the VPC's network with the instance's endpoint address as network alias, data in the
  labelled volume of the same name (kept across container recreation and data plane restarts);
* one container ``kstore-dp-<instance>-cache-<id>`` per replication group, from ``tools/dataplane/redis``, with TLS
  and AUTH exactly when the group has them, data (append-only file) in the labelled volume of the same name.

TLS material (the local CA's bundle, a server certificate for the endpoint address and its key) and the generated
configuration are copied into the container before its first start (``docker cp -a`` of a tar stream whose entries
belong to the container's service user: the key is 0400 mysql/redis, whatever user runs the data plane). Secrets
(master password, AUTH token) reach the container by environment only (``-e NAME`` without value).

Every object carries the instance's labels and a config hash: unchanged input changes nothing, changed input
recreates the container (the volume stays). Objects of items gone from the snapshot are removed, only this
instance's labelled ones.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .ca import LocalCA
from .docker import LABEL, DockerError, docker, docker_input, inspect, labelled, labels, vpc_network

HERE = Path(__file__).resolve().parent
RDS_ENTRYPOINT = HERE / "mariadb-rds-entrypoint"
CNF_PATH = "etc/mysql/mariadb.conf.d/95-kstore-dataplane.cnf"
RDS_TLS = "etc/mysql/kstore-tls"
CONFIG_LABEL = f"{LABEL}.config"
GONE = {"deleting", "deleted", "failed-deleting"}
STOPPED = {"stopped", "stopping"}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
# DB parameter group values the data plane applies (others are ignored): the value must be a plain token.
RDS_PARAMETERS = {
    "character_set_server",
    "collation_server",
    "max_connections",
    "max_allowed_packet",
    "wait_timeout",
    "interactive_timeout",
    "sql_mode",
    "transaction_isolation",
    "tx_isolation",
    "innodb_lock_wait_timeout",
    "long_query_time",
    "slow_query_log",
    "log_bin_trust_function_creators",
    "time_zone",
}
VALUE_RE = re.compile(r"^[A-Za-z0-9_,.:+-]{1,200}$")

_images: dict[str, str] = {}
_uids: dict[tuple[str, str], tuple[int, int]] = {}


# ---------------------------------------------------------------------------------------------------------- images
def content_hash(directory: Path) -> str:
    """sha256 of a directory's files (relative path, executable bit, content), in a stable order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(b"x" if path.stat().st_mode & 0o111 else b"-")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_image(directory: Path, repo: str) -> str:
    """``kstore-dp/<repo>:<8 hex of the directory's content hash>``, built once (images are shared by instances)."""
    key = str(directory.resolve())
    tag = f"kstore-dp/{repo}:{content_hash(directory)[:8]}"
    if _images.get(key) == tag:
        return tag
    if inspect("image", tag) is None:
        docker(["build", "-q", "--label", f"{LABEL}.image={repo}", "-t", tag, str(directory)], timeout=1800)
    _images[key] = tag
    return tag


def image_ids(image: str, user: str) -> tuple[int, int]:
    """(uid, gid) of a user inside an image (Debian's system users have no fixed ids)."""
    if (image, user) not in _uids:
        script = f"id -u {user} && id -g {user}"
        out = docker(["run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", script]).stdout.split()
        _uids[(image, user)] = (int(out[0]), int(out[1]))
    return _uids[(image, user)]


# ------------------------------------------------------------------------------------------------------ containers
def _tar(entries: list[tuple[str, bytes | None, int, tuple[int, int]]]) -> bytes:
    """A tar stream of (path, content or None for a directory, mode, (uid, gid)) entries."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, content, mode, ids in entries:
            info = tarfile.TarInfo(path)
            info.mode, (info.uid, info.gid), info.mtime = mode, ids, 0
            if content is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _config_hash(config: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()[:16]


def _status(name: str) -> dict[str, Any]:
    """The report of one container: state running / starting / stopped / failed, health and a message."""
    info = inspect("container", name)
    if info is None:
        return {"container": name, "state": "failed", "health": None, "message": "container missing"}
    state = info.get("State") or {}
    health = (state.get("Health") or {}).get("Status")
    report: dict[str, Any] = {"container": name, "health": health, "message": ""}
    if state.get("Running") and not state.get("Restarting"):
        if health in (None, "healthy"):
            report["state"] = "running"
        elif health == "starting":
            report["state"] = "starting"
        else:
            log = (state.get("Health") or {}).get("Log") or []
            report["state"] = "failed"
            report["message"] = f"unhealthy: {(log[-1].get('Output') or '').strip()[-300:]}" if log else "unhealthy"
    else:
        report["state"] = "failed"
        report["message"] = (
            f"{state.get('Status')} (exit code {state.get('ExitCode')}) {state.get('Error') or ''}".strip()
            + f"; logs: {_logs_tail(name)}"
        )
    return report


def _logs_tail(name: str) -> str:
    result = docker(["logs", "--tail", "5", name], check=False)
    return " | ".join((result.stdout + result.stderr).strip().splitlines()[-5:])[-400:]


def _apply(
    *,
    instance: str,
    kind: str,
    item_id: str,
    config: dict[str, Any],
    create: Callable[[str, str], None],
    stopped: bool,
) -> dict[str, Any]:
    """Make container ``kstore-dp-<instance>-<kind>-<id>`` match ``config`` (``create(name, hash)`` creates it,
    not started); the volume of the same name is created once and kept."""
    name = f"kstore-dp-{instance}-{kind}-{item_id}"
    wanted = _config_hash(config)
    if inspect("volume", name) is None:
        docker(["volume", "create", *labels(instance, kind, id=item_id), name])
    info = inspect("container", name)
    if info is not None and (info.get("Config") or {}).get("Labels", {}).get(CONFIG_LABEL) != wanted:
        docker(["rm", "-f", name])
        info = None
    if info is None:
        create(name, wanted)
        info = inspect("container", name)
    running = bool(info and (info.get("State") or {}).get("Running"))
    if stopped:
        if running:
            docker(["stop", name], timeout=120)
        return {"container": name, "state": "stopped", "health": None, "message": ""}
    if not running:
        docker(["start", name])
    return _status(name)


def final_dump(name: str, path: Path) -> None:
    """A deleted DB instance's final snapshot, locally: ``mariadb-dump`` of every database into ``path`` (0600),
    run inside the (running) container as root through its socket; the password stays in the container's env."""
    if path.exists():
        return
    if not ((inspect("container", name) or {}).get("State") or {}).get("Running"):
        docker(["start", name])
        for _attempt in range(60):
            if ((inspect("container", name) or {}).get("State") or {}).get("Health", {}).get("Status") == "healthy":
                break
            time.sleep(1)
    dump = docker(
        [
            "exec",
            name,
            "sh",
            "-c",
            'MYSQL_PWD="$MARIADB_ROOT_PASSWORD" exec mariadb-dump -uroot --all-databases --single-transaction',
        ],
        timeout=600,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.touch(mode=0o600)
    partial.write_text(dump.stdout)
    partial.rename(path)


def _remove_absent(instance: str, kind: str, keep: set[str], dumps: dict[str, Path] | None = None) -> None:
    """Remove this instance's containers and volumes of ``kind`` whose name is not in ``keep``; first dump those
    ``dumps`` names (container name -> file: the final snapshot their deletion asked for)."""
    for name in labelled("container", instance, kind):
        if name not in keep:
            if dumps and name in dumps:
                final_dump(name, dumps[name])
            docker(["rm", "-f", "-v", name], check=False)
    for name in labelled("volume", instance, kind):
        if name not in keep:
            docker(["volume", "rm", "-f", name], check=False)


def _check_id(item: dict[str, Any]) -> str:
    item_id = str(item.get("id") or "")
    if not NAME_RE.match(item_id):
        raise ValueError(f"unusable id {item_id!r}")
    return item_id


# ------------------------------------------------------------------------------------------------------------- RDS
def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "on", "true", "yes"}


def rds_cnf(item: dict[str, Any]) -> tuple[str, list[str]]:
    """The generated server configuration of one DB instance, and the parameters it ignored."""
    parameters = {str(k): str(v) for k, v in (item.get("parameters") or {}).items() if v is not None}
    lines = [
        "# Generated by the kstore.platform local data plane (tools/dataplane/stores.py); recreated on change.",
        "[mysqld]",
        f"port = {int(item.get('port') or 3306)}",
        f"ssl_ca = /{RDS_TLS}/ca.pem",
        f"ssl_cert = /{RDS_TLS}/server.pem",
        f"ssl_key = /{RDS_TLS}/server.key",
        f"require_secure_transport = {'ON' if _truthy(parameters.pop('require_secure_transport', '0')) else 'OFF'}",
    ]
    ignored = []
    for key in sorted(parameters):
        value = parameters[key]
        if key == "time_zone" and VALUE_RE.match(value):
            lines.append(f"default_time_zone = {value}")
        elif key in RDS_PARAMETERS and VALUE_RE.match(value):
            lines.append(f"{key} = {value}")
        else:
            ignored.append(key)
    return "\n".join(lines) + "\n", ignored


def _rds(item: dict[str, Any], *, instance: str, ca: LocalCA, image: str) -> dict[str, Any]:
    item_id = _check_id(item)
    address = str(item["address"])
    port = int(item.get("port") or 3306)
    network = vpc_network(instance, str(item.get("vpc_id") or "default"))
    cnf, ignored = rds_cnf(item)
    cert, key = ca.issue(f"rds-{instance}-{item_id}", [address])
    master = str(item.get("master_username") or "root")
    password = str(item.get("master_password") or "")
    if not password:
        raise ValueError("no master password")
    files = {
        "ca": ca.bundle.read_bytes(),
        "cert": cert.read_bytes(),
        "key": key.read_bytes(),
        "entrypoint": RDS_ENTRYPOINT.read_bytes(),
    }
    config = {
        "image": image,
        "network": network,
        "address": address,
        "port": port,
        "cnf": cnf,
        "master": master,
        "db_name": item.get("db_name") or "",
        "files": {k: hashlib.sha256(v).hexdigest() for k, v in files.items()},
    }

    def create(name: str, config_hash: str) -> None:
        ids = image_ids(image, "mysql")
        env_args = ["-e", "MARIADB_ROOT_PASSWORD", "-e", f"KSTORE_MASTER_USER={master}"]
        if config["db_name"]:
            env_args += ["-e", f"MARIADB_DATABASE={config['db_name']}"]
        docker(
            [
                *_create_args(name, instance, "rds", item_id, config_hash, network, address),
                "--health-interval",
                "2s",
                *env_args,
                "-v",
                f"{name}:/var/lib/mysql",
                "--entrypoint",
                "/etc/mysql/kstore-rds-entrypoint",
                image,
                "mariadbd",
            ],
            env={"MARIADB_ROOT_PASSWORD": password},
        )
        data = _tar(
            [
                ("etc/mysql/kstore-rds-entrypoint", files["entrypoint"], 0o755, (0, 0)),
                (CNF_PATH, cnf.encode(), 0o644, (0, 0)),
                (RDS_TLS, None, 0o750, ids),
                (f"{RDS_TLS}/ca.pem", files["ca"], 0o444, ids),
                (f"{RDS_TLS}/server.pem", files["cert"], 0o444, ids),
                (f"{RDS_TLS}/server.key", files["key"], 0o400, ids),
            ]
        )
        docker_input(["cp", "-", f"{name}:/"], data)

    report = _apply(
        instance=instance,
        kind="rds",
        item_id=item_id,
        config=config,
        create=create,
        stopped=str(item.get("status") or "") in STOPPED,
    )
    if ignored and not report["message"]:
        report["message"] = f"parameters not applied: {', '.join(ignored)}"
    return report


# ------------------------------------------------------------------------------------------------------ ElastiCache
def _cache(item: dict[str, Any], *, instance: str, ca: LocalCA, image: str) -> dict[str, Any]:
    item_id = _check_id(item)
    address = str(item["address"])
    port = int(item.get("port") or 6379)
    network = vpc_network(instance, str(item.get("vpc_id") or "default"))
    tls = bool(item.get("transit_encryption"))
    token = item.get("auth_token") or ""
    files: dict[str, bytes] = {}
    if tls:
        # localhost: the HEALTHCHECK inside the container connects to itself with certificate verification.
        cert, key = ca.issue(f"cache-{instance}-{item_id}", [address, "localhost"])
        files = {"ca": ca.bundle.read_bytes(), "cert": cert.read_bytes(), "key": key.read_bytes()}
    config = {
        "image": image,
        "network": network,
        "address": address,
        "port": port,
        "tls": tls,
        # Whether there is a token (not the token itself, nor a hash of it: labels are readable by anyone).
        "auth": bool(token),
        "files": {k: hashlib.sha256(v).hexdigest() for k, v in files.items()},
    }

    def create(name: str, config_hash: str) -> None:
        env_args = ["-e", f"REDIS_PORT={port}"]
        env: dict[str, str] = {}
        if token:
            env_args += ["-e", "REDIS_AUTH_TOKEN"]
            env["REDIS_AUTH_TOKEN"] = str(token)
        if tls:
            env_args += ["-e", "REDIS_TLS=1"]
        docker(
            [
                *_create_args(name, instance, "cache", item_id, config_hash, network, address),
                *env_args,
                "-v",
                f"{name}:/var/lib/redis",
                image,
            ],
            env=env,
        )
        if tls:
            ids = image_ids(image, "redis")
            data = _tar(
                [
                    ("tls/ca.pem", files["ca"], 0o444, ids),
                    ("tls/server.pem", files["cert"], 0o444, ids),
                    ("tls/server.key", files["key"], 0o400, ids),
                ]
            )
            docker_input(["cp", "-", f"{name}:/"], data)

    return _apply(
        instance=instance,
        kind="cache",
        item_id=item_id,
        config=config,
        create=create,
        stopped=str(item.get("status") or "") in STOPPED,
    )


# -------------------------------------------------------------------------------------------------------- reconcile
def _create_args(
    name: str, instance: str, kind: str, item_id: str, config_hash: str, network: str, address: str
) -> list[str]:
    """``docker create`` arguments every store container shares: labels, the VPC network and the endpoint's name."""
    return [
        "create",
        "--name",
        name,
        *labels(instance, kind, id=item_id, config=config_hash),
        "--network",
        network,
        "--network-alias",
        address,
        "--restart",
        "unless-stopped",
    ]


def _failed(name: str, error: Exception) -> dict[str, Any]:
    return {"container": name, "state": "failed", "health": None, "message": str(error)[-800:]}


def reconcile(snapshot: dict, *, instance: str, state_dir: Path, ca: LocalCA, root: Path) -> dict:
    """Run the snapshot's RDS instances and cache groups on Docker; remove those gone. Never raises for one item."""
    result: dict[str, dict[str, Any]] = {"rds": {}, "cache": {}}
    state_dir.mkdir(parents=True, exist_ok=True)
    ca.ensure()
    kinds: list[tuple[str, str, Path, str, Callable[..., dict[str, Any]]]] = [
        ("rds", "rds_instances", root / "files" / "mariadb", "mariadb", _rds),
        ("cache", "cache_groups", HERE / "redis", "redis", _cache),
    ]
    for kind, key, directory, repo, handler in kinds:
        items = [i for i in snapshot.get(key) or [] if str(i.get("status") or "") not in GONE]
        keep = {f"kstore-dp-{instance}-{kind}-{i.get('id')}" for i in items}
        image: str | None = None
        image_error: Exception | None = None
        if items:
            try:
                image = ensure_image(directory, repo)
            except (DockerError, OSError) as error:
                image_error = error
        for item in items:
            item_id = str(item.get("id"))
            name = f"kstore-dp-{instance}-{kind}-{item_id}"
            if image is None:
                result[kind][item_id] = _failed(name, image_error or RuntimeError("no image"))
                continue
            try:
                result[kind][item_id] = handler(item, instance=instance, ca=ca, image=image)
            except Exception as error:  # one bad item never stops the others
                result[kind][item_id] = _failed(name, error)
        dumps = {
            f"kstore-dp-{instance}-rds-{snap['instance']}": state_dir
            / "dataplane"
            / "rds-snapshots"
            / f"{snap['id']}.sql"
            for snap in snapshot.get("rds_snapshots") or []
            # the final snapshot is the one the deletion just took (an older, manual one is not this state)
            if kind == "rds"
            and float(snap.get("age_seconds", 0)) < 600
            and NAME_RE.match(str(snap.get("id") or ""))
            and NAME_RE.match(str(snap.get("instance") or ""))
        }
        try:
            _remove_absent(instance, kind, keep, dumps)
        except DockerError as error:
            result.setdefault("errors", {})[kind] = str(error)
    return result
