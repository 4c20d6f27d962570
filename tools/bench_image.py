"""Benchmark of the golden PrestaShop image (files/prestashop/) with the TEST FIXTURE stand-in release.

Prints: image size, cold build time (--no-cache, base image present), rebuild time with a warm cache after a
config-only change (rootfs/etc/prestashop/php.ini); then, each the median of ``--runs``: seconds from ``docker run``
to ``/health`` 200 and to Docker's "healthy" (the container check, ``/health/app``) on an empty database, whether
any installer ran at start against it, ``ps-install`` on an empty database and again on the installed one, and
seconds from ``docker run`` to the first page (``/``) 200 on the installed shop; and requests/s of a short load on
``/`` (the stand-in page) and ``/health``. Needs a Docker engine; builds debian:bookworm-slim with tools/base-image
when it is missing.

    python tools/bench_image.py [--runs 5] [--load-seconds 5] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
import prestashop_standin  # noqa: E402

RUN = uuid.uuid4().hex[:8]
IMAGE = f"kstore/prestashop:bench-{RUN}"
DB_IMAGE = "kstore/mariadb:test"
DB_PASSWORD = "bench-db-pa55"
SHOP_ENV = {
    "PS_DB_NAME": "shop",
    "PS_DB_USER": "shop",
    "PS_DB_PASSWORD": DB_PASSWORD,
    "PS_DOMAIN": "bench.example.test",
    "PS_ADMIN_EMAIL": "admin@example.test",
    "PS_ADMIN_PASSWORD": "bench-admin-pa55",
    "PS_SHOP_NAME": "Bench Shop",
}


def docker(*args: str, check: bool = True, timeout: int = 1800) -> subprocess.CompletedProcess:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        sys.exit(f"docker {' '.join(args[:3])} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


def env_args(env: dict[str, str]) -> list[str]:
    return [item for key, value in env.items() for item in ("-e", f"{key}={value}")]


def timed_build(context: Path, sha256: str, *extra: str) -> tuple[float, int, int]:
    """(seconds, steps in the Dockerfile, steps taken from the cache)."""
    args = ["--build-arg", "PS_VERSION=9.0.1", "--build-arg", "PS_RELEASE_FILE=release/standin.zip"]
    args += ["--build-arg", f"PS_RELEASE_SHA256={sha256}"]
    started = time.monotonic()
    output = docker("build", *extra, "-t", IMAGE, *args, str(context)).stdout
    steps = sum(1 for line in output.splitlines() if line.startswith("Step "))
    return time.monotonic() - started, steps, output.count("Using cache")


def _published_port(name: str) -> str:
    return docker("port", name, "8080/tcp").stdout.split(":")[-1].strip()


def _answers(port: str, path: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def read_only_args() -> list[str]:
    """What the service role's task definition asks of the container: read-only root, its tmpfs mounts
    (roles/service/vars/main.yml), an init process, no capability."""
    role_vars = yaml.safe_load((ROOT / "roles" / "service" / "vars" / "main.yml").read_text())
    args = ["--read-only", "--init", "--cap-drop", "ALL"]
    for path in role_vars["service__writable_paths"]:
        args += ["--tmpfs", f"{path['path']}:size={path['size_mib']}m,nosuid,nodev,noexec,uid=33,gid=33"]
    return args


def start_seconds(
    network: str, env: dict[str, str], path: str = "/health", extra: list[str] | None = None
) -> tuple[float, float, str]:
    """Seconds from `docker run` to the first 200 on ``path`` and to Docker's "healthy"; and the container name."""
    name = f"bench-web-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    options = ["--name", name, "--network", network, "-p", "127.0.0.1::8080", *(extra or [])]
    docker("run", "-d", *options, *env_args(env), IMAGE)
    port = _published_port(name)
    answered = 0.0
    while time.monotonic() - started < 60:
        if not answered and _answers(port, path):
            answered = time.monotonic() - started
        state = json.loads(docker("inspect", name).stdout)[0]["State"]
        if answered and state.get("Health", {}).get("Status") == "healthy":
            return answered, time.monotonic() - started, name
        time.sleep(0.05)
    sys.exit(f"{name}: {path} 200 and Docker 'healthy' not reached within 60s")


def timed_install(network: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    result = docker("run", "--rm", "--network", network, *env_args(env), IMAGE, "ps-install", check=False)
    return time.monotonic() - started, result


def median(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def load(port: str, path: str, seconds: float, concurrency: int) -> tuple[float, int]:
    """A tiny keep-alive load: (requests/s with status 200, errors)."""
    totals = {"ok": 0, "errors": 0}
    lock = threading.Lock()

    def worker() -> None:
        ok = errors = 0
        connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok, errors = (ok + 1, errors) if response.status == 200 else (ok, errors + 1)
            except (OSError, http.client.HTTPException):
                errors += 1
                connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
        with lock:
            totals["ok"] += ok
            totals["errors"] += errors

    threads = [threading.Thread(target=worker) for _worker in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return totals["ok"] / seconds, totals["errors"]


def db_tables(db: str) -> int:
    out = docker(
        "exec",
        db,
        "mariadb",
        "-h127.0.0.1",
        "-uroot",
        "-pbench-root",
        "-N",
        "-B",
        "-e",
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='shop'",
    ).stdout
    return int(out.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--load-seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    options = parser.parse_args()

    if docker("image", "inspect", "debian:bookworm-slim", check=False).returncode != 0:
        subprocess.run([str(ROOT / "tools" / "base-image")], check=True)
    docker("build", "-q", "-t", DB_IMAGE, str(ROOT / "files" / "mariadb"))
    network = f"bench-{RUN}"
    db = f"bench-db-{RUN}"
    started: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-image-") as tmp:
        context = Path(tmp) / "prestashop"
        shutil.copytree(ROOT / "files" / "prestashop", context, ignore=shutil.ignore_patterns("*.zip"))
        sha256 = prestashop_standin.build(context / "release" / "standin.zip")
        try:
            cold, steps, _cached = timed_build(context, sha256, "--no-cache")
            primed = timed_build(context, sha256)[0]
            with (context / "rootfs" / "etc" / "prestashop" / "php.ini").open("a") as ini:
                ini.write(f"; bench config-only change {RUN}\n")
            warm, _steps, cached = timed_build(context, sha256)
            size = json.loads(docker("image", "inspect", IMAGE).stdout)[0]["Size"]

            docker("network", "create", network)
            db_env = {
                "MARIADB_ROOT_PASSWORD": "bench-root",
                "MARIADB_DATABASE": "shop",
                "MARIADB_USER": "shop",
                "MARIADB_PASSWORD": DB_PASSWORD,
            }
            docker("run", "-d", "--name", db, "--network", network, *env_args(db_env), DB_IMAGE)
            deadline = time.monotonic() + 90
            while (
                docker(
                    "exec", db, "mariadb", "-h127.0.0.1", "-uroot", "-pbench-root", "-e", "SELECT 1", check=False
                ).returncode
                != 0
            ):
                if time.monotonic() > deadline:
                    sys.exit("MariaDB did not come up")
                time.sleep(1)
            env = {"PS_DB_HOST": db, **SHOP_ENV}
            health, healthy = [], []
            for _run in range(options.runs):
                seconds, to_healthy, name = start_seconds(network, env)
                started.append(name)
                health.append(seconds)
                healthy.append(to_healthy)
            time.sleep(2)
            logs = "".join(docker("logs", name).stdout + docker("logs", name).stderr for name in started)
            no_installer = db_tables(db) == 0 and "index_cli" not in logs and "Installation successful" not in logs

            first, again, failed = [], [], []
            for run in range(options.runs):
                database = "shop" if run == 0 else f"shop{run}"
                if run:
                    grant = f"CREATE DATABASE {database}; GRANT ALL ON {database}.* TO 'shop'@'%';"
                    docker("exec", db, "mariadb", "-h127.0.0.1", "-uroot", "-pbench-root", "-e", grant)
                for into, label in ((first, "installed"), (again, "already installed")):
                    seconds, result = timed_install(network, {**env, "PS_DB_NAME": database})
                    into.append(seconds)
                    if result.returncode != 0 or f"ps-install: {label}" not in result.stdout:
                        failed.append(f"{database}: exit {result.returncode} ({label} expected)")
            page, read_only = [], []
            for _run in range(options.runs):
                seconds, _to_healthy, name = start_seconds(network, env, "/")
                started.append(name)
                page.append(seconds)
            for _run in range(options.runs):
                _seconds, to_healthy, name = start_seconds(network, env, "/", read_only_args())
                started.append(name)
                read_only.append(to_healthy)
            port = _published_port(started[-1])
            page_rps, page_errors = load(port, "/", options.load_seconds, options.concurrency)
            health_rps, health_errors = load(port, "/health", options.load_seconds, options.concurrency)
        finally:
            for name in [*started, db]:
                docker("rm", "-f", "-v", name, check=False)
            docker("network", "rm", network, check=False)
            docker("image", "rm", "-f", IMAGE, check=False)

    print(f"image size:                          {size / 1e6:.0f} MB")
    print(f"cold build (--no-cache):             {cold:.1f} s")
    print(f"rebuild, nothing changed:            {primed:.1f} s")
    print(f"rebuild after a config-only change:  {warm:.1f} s ({steps - cached} of {steps} steps rebuilt)")
    print(f"docker run -> /health 200 (median of {options.runs}):          {median(health)}")
    print(f"docker run -> Docker 'healthy' (median of {options.runs}):    {median(healthy)}")
    print(f"no installer at start (empty DB untouched, no installer in logs): {'yes' if no_installer else 'NO'}")
    print(f"ps-install, empty database (median of {options.runs}):       {median(first)}")
    print(f"ps-install, installed shop (median of {options.runs}):       {median(again)}")
    print(f"docker run -> first page 200 (median of {options.runs}):     {median(page)}")
    print(f"read-only + tmpfs: docker run -> 'healthy' (median of {options.runs}): {median(read_only)}")
    for line in failed:
        print(f"ps-install FAILED: {line}")
    print(
        f"load {options.concurrency} conns x {options.load_seconds:.0f}s: / {page_rps:.0f} req/s "
        f"({page_errors} errors), /health {health_rps:.0f} req/s ({health_errors} errors)"
    )
    return 0 if no_installer and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
