"""tools/dataplane/stores.py on the real Docker engine: RDS as MariaDB (verified TLS, require_secure_transport, data
kept across recreation, removal), ElastiCache as Redis (TLS + AUTH), secrets never on a command line.

The tests of this module share one instance key and run in file order (a DB instance is created once and changed
step by step: starting MariaDB costs ~10 s)."""

from __future__ import annotations

import copy
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _docker_ok() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


pytestmark = pytest.mark.skipif(not _docker_ok(), reason="docker is not available")

from tools.dataplane import stores  # noqa: E402
from tools.dataplane.ca import LocalCA  # noqa: E402
from tools.dataplane.docker import LABEL, docker, inspect, vpc_network  # noqa: E402

INSTANCE = f"test{uuid.uuid4().hex[:8]}"
VPC = "vpc-0test"
PASSWORD = "Pw-" + uuid.uuid4().hex  # unique: found nowhere else in inspect output or ps
TOKEN = "Tok-" + uuid.uuid4().hex
ADDRESS = "shopdb.c0ffee.eu-west-1.rds.amazonaws.com"
CACHE_ADDRESS = "master.shopcache.c0ffee.euw1.cache.amazonaws.com"
RDS_NAME = f"kstore-dp-{INSTANCE}-rds-shopdb"
CACHE_NAME = f"kstore-dp-{INSTANCE}-cache-shopcache"

RDS_ITEM = {
    "id": "shopdb",
    "account": "000000000000",
    "region": "eu-west-1",
    "address": ADDRESS,
    "port": 3306,
    "engine": "mariadb",
    "engine_version": "10.11",
    "master_username": "shopadmin",
    "master_password": PASSWORD,
    "db_name": "shop",
    "status": "available",
    "vpc_id": VPC,
    "parameters": {
        "require_secure_transport": "1",
        "character_set_server": "utf8mb4",
        "collation_server": "utf8mb4_unicode_ci",
    },
}
CACHE_ITEM = {
    "id": "shopcache",
    "account": "000000000000",
    "region": "eu-west-1",
    "address": CACHE_ADDRESS,
    "port": 6379,
    "engine_version": "7.0",
    "transit_encryption": True,
    "auth_token": TOKEN,
    "status": "available",
    "vpc_id": VPC,
}


def _cleanup() -> None:
    for kind in ("container", "volume", "network"):
        listing = ["ls", "-q", "--filter", f"label={LABEL}={INSTANCE}"]
        if kind == "container":
            listing.insert(1, "-a")
        ids = docker([kind, *listing]).stdout.split()
        if ids:
            docker([kind, "rm", "-f", *ids], check=False)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("dataplane-state")
    ca = LocalCA(state_dir / "ca")
    # Images once per session (built on first use, reused afterwards): their build time is not the tests'.
    started = time.monotonic()
    stores.ensure_image(ROOT / "files" / "mariadb", "mariadb")
    stores.ensure_image(stores.HERE / "redis", "redis")
    print(f"images ready in {time.monotonic() - started:.1f} s")
    yield {"state_dir": state_dir, "ca": ca, "network": f"kstore-dp-{INSTANCE}-{VPC}"}
    _cleanup()


def _reconcile(env, rds=(), cache=(), snapshots=()):
    return stores.reconcile(
        {"rds_instances": list(rds), "cache_groups": list(cache), "rds_snapshots": list(snapshots)},
        instance=INSTANCE,
        state_dir=env["state_dir"],
        ca=env["ca"],
        root=ROOT,
    )


def _wait_healthy(name: str, timeout: float = 90) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        info = inspect("container", name)
        health = ((info or {}).get("State") or {}).get("Health", {}).get("Status")
        if health == "healthy":
            return time.monotonic() - started
        time.sleep(0.5)
    logs = docker(["logs", "--tail", "30", name], check=False)
    raise AssertionError(f"{name} not healthy within {timeout} s: {logs.stdout}{logs.stderr}")


def _mariadb(env, sql: str, *, tls: bool = True) -> subprocess.CompletedProcess[str]:
    """The mariadb client in a throwaway container of the same image on the VPC network (password by env)."""
    image = stores.ensure_image(ROOT / "files" / "mariadb", "mariadb")
    ssl = ["--ssl", "--ssl-ca=/ca.pem", "--ssl-verify-server-cert"] if tls else ["--skip-ssl"]
    args = ["run", "--rm", "--network", env["network"], "-v", f"{env['ca'].bundle}:/ca.pem:ro", "-e", "MYSQL_PWD"]
    args += [image, "mariadb", *ssl, "-h", ADDRESS, "-u", "shopadmin", "--batch", "--skip-column-names", "-e", sql]
    return docker(args, env={"MYSQL_PWD": PASSWORD}, check=False, timeout=60)


def _redis(env, *, tls: bool = True, token: bool = True) -> subprocess.CompletedProcess[str]:
    image = stores.ensure_image(stores.HERE / "redis", "redis")
    args = ["run", "--rm", "--network", env["network"], "-v", f"{env['ca'].bundle}:/ca.pem:ro"]
    if token:
        args += ["-e", "REDISCLI_AUTH"]
    args += [image, "redis-cli", "-h", CACHE_ADDRESS]
    if tls:
        args += ["--tls", "--cacert", "/ca.pem"]
    return docker([*args, "ping"], env={"REDISCLI_AUTH": TOKEN}, check=False, timeout=60)


def test_a_rds_verified_tls_required(env):
    started = time.monotonic()
    result = _reconcile(env, rds=[RDS_ITEM])
    report = result["rds"]["shopdb"]
    assert report["container"] == RDS_NAME
    assert report["state"] in ("starting", "running"), report
    healthy = _wait_healthy(RDS_NAME)
    print(f"reconcile {result} ; healthy {time.monotonic() - started:.1f} s after first reconcile ({healthy:.1f})")
    # The master user has all privileges; db_name exists, utf8mb4.
    ok = _mariadb(env, "SHOW DATABASES; SELECT @@character_set_server, @@require_secure_transport;")
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.split("\n")
    assert "shop" in lines
    assert "utf8mb4\t1" in lines
    grants = _mariadb(env, "SHOW GRANTS")
    assert "GRANT ALL PRIVILEGES ON *.* TO `shopadmin`@`%`" in grants.stdout
    assert "WITH GRANT OPTION" in grants.stdout
    plain = _mariadb(env, "SELECT 1", tls=False)
    assert plain.returncode != 0
    # MariaDB 10.11 refuses with "Access denied" (1045), not MySQL's 3159 "insecure transport are prohibited";
    # test_c shows the same client getting in once require_secure_transport is off.
    assert "ERROR 1045" in plain.stderr or "insecure transport" in plain.stderr, plain.stderr
    volume = inspect("volume", RDS_NAME)
    assert volume is not None and volume["Labels"][LABEL] == INSTANCE


def test_b_reconcile_twice_restarts_nothing(env):
    before = inspect("container", RDS_NAME)
    started = time.monotonic()
    result = _reconcile(env, rds=[RDS_ITEM])
    print(f"no-op reconcile: {time.monotonic() - started:.2f} s")
    after = inspect("container", RDS_NAME)
    assert result["rds"]["shopdb"]["state"] == "running"
    assert after["Id"] == before["Id"]
    assert after["State"]["StartedAt"] == before["State"]["StartedAt"]
    cert = env["ca"].paths(f"rds-{INSTANCE}-shopdb")[0]
    mtime = cert.stat().st_mtime_ns
    _reconcile(env, rds=[RDS_ITEM])
    assert cert.stat().st_mtime_ns == mtime


def test_c_recreate_keeps_data(env):
    write = _mariadb(env, "CREATE TABLE shop.t (v VARCHAR(20)); INSERT INTO shop.t VALUES ('kept');")
    assert write.returncode == 0, write.stderr
    before = inspect("container", RDS_NAME)
    changed = copy.deepcopy(RDS_ITEM)
    changed["parameters"]["require_secure_transport"] = "0"
    result = _reconcile(env, rds=[changed])
    assert result["rds"]["shopdb"]["state"] in ("starting", "running")
    after = inspect("container", RDS_NAME)
    assert after["Id"] != before["Id"]
    print(f"restart on the kept volume: healthy in {_wait_healthy(RDS_NAME):.1f} s")
    read = _mariadb(env, "SELECT v FROM shop.t", tls=False)  # TLS no longer required
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "kept"
    RDS_ITEM["parameters"]["require_secure_transport"] = "0"


def test_d_removed_item_is_removed_only_labelled(env):
    stranger = f"kstore-dp-{INSTANCE}-rds-stranger"  # same name pattern, no label: never touched
    docker(["create", "--name", stranger, "debian:bookworm-slim", "true"])
    try:
        # deleted with a final snapshot: its data is dumped before the container and volume go
        result = _reconcile(env, rds=[], snapshots=[{"id": "shopdb-final", "instance": "shopdb", "age_seconds": 3}])
        assert result["rds"] == {}
        dump = env["state_dir"] / "dataplane" / "rds-snapshots" / "shopdb-final.sql"
        text = dump.read_text()
        assert "CREATE TABLE `t`" in text and "('kept')" in text[text.index("INSERT INTO `t` VALUES") :]
        assert dump.stat().st_mode & 0o777 == 0o600
        assert inspect("container", RDS_NAME) is None
        assert inspect("volume", RDS_NAME) is None
        assert inspect("container", stranger) is not None
    finally:
        docker(["rm", "-f", stranger], check=False)


def test_e_cache_tls_and_auth(env):
    started = time.monotonic()
    result = _reconcile(env, cache=[CACHE_ITEM])
    assert result["cache"]["shopcache"]["container"] == CACHE_NAME
    print(f"redis healthy in {_wait_healthy(CACHE_NAME, 30):.1f} s ({time.monotonic() - started:.1f} s in all)")
    ok = _redis(env)
    assert ok.stdout.strip() == "PONG", (ok.stdout, ok.stderr)
    noauth = _redis(env, token=False)
    assert "NOAUTH" in noauth.stdout + noauth.stderr
    plain = _redis(env, tls=False)
    assert plain.returncode != 0 and "PONG" not in plain.stdout, (plain.stdout, plain.stderr)
    # The same item again: nothing restarted.
    before = inspect("container", CACHE_NAME)
    assert _reconcile(env, cache=[CACHE_ITEM])["cache"]["shopcache"]["state"] == "running"
    after = inspect("container", CACHE_NAME)
    assert (after["Id"], after["State"]["StartedAt"]) == (before["Id"], before["State"]["StartedAt"])


def test_e2_stopped_group_stops_and_comes_back(env):
    stopped = _reconcile(env, cache=[{**CACHE_ITEM, "status": "stopped"}])
    assert stopped["cache"]["shopcache"]["state"] == "stopped"
    assert inspect("container", CACHE_NAME)["State"]["Running"] is False
    again = _reconcile(env, cache=[CACHE_ITEM])
    assert again["cache"]["shopcache"]["state"] in ("starting", "running")
    _wait_healthy(CACHE_NAME, 30)
    assert _redis(env).stdout.strip() == "PONG"


def test_f_secrets_not_on_command_lines(env):
    # An RDS container again (removed by test d), next to the cache group of test e.
    _reconcile(env, rds=[RDS_ITEM], cache=[CACHE_ITEM])
    _wait_healthy(RDS_NAME)
    for name in (RDS_NAME, CACHE_NAME):
        info = inspect("container", name)
        visible = " ".join([*(info.get("Args") or []), info.get("Path") or ""])
        visible += " ".join([*(info["Config"].get("Cmd") or []), *(info["Config"].get("Entrypoint") or [])])
        visible += " ".join(f"{k}={v}" for k, v in (info["Config"].get("Labels") or {}).items())
        assert PASSWORD not in visible and TOKEN not in visible
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert PASSWORD not in ps and TOKEN not in ps
    for path in env["state_dir"].rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert PASSWORD.encode() not in content and TOKEN.encode() not in content


def test_g_bad_item_reported_others_go_on(env):
    bad = {**CACHE_ITEM, "id": "bad/id"}
    result = _reconcile(env, rds=[RDS_ITEM], cache=[bad, CACHE_ITEM])
    assert result["cache"]["bad/id"]["state"] == "failed"
    assert result["cache"]["shopcache"]["state"] == "running"
    assert result["rds"]["shopdb"]["state"] == "running"


def test_h_ca_idempotent(tmp_path):
    ca = LocalCA(tmp_path / "ca")
    ca.ensure()
    assert oct(ca.bundle.stat().st_mode & 0o777) == "0o644"
    assert oct(ca.key_path.stat().st_mode & 0o777) == "0o600"
    cert, key = ca.issue("x", ["a.example", "b.example"])
    stamp = (cert.stat().st_mtime_ns, key.stat().st_mtime_ns, cert.read_bytes())
    assert ca.issue("x", ["b.example", "a.example"]) == (cert, key)
    assert (cert.stat().st_mtime_ns, key.stat().st_mtime_ns, cert.read_bytes()) == stamp
    ca.issue("x", ["a.example"])
    assert cert.read_bytes() != stamp[2]
    assert oct(key.stat().st_mode & 0o777) == "0o600"


def test_network_is_labelled(env):
    info = inspect("network", vpc_network(INSTANCE, VPC))
    assert info["Labels"][LABEL] == INSTANCE
