"""Benchmark of the golden PrestaShop image (files/prestashop/) with the TEST FIXTURE stand-in release.

Prints: image size, cold build time (--no-cache, base image present), rebuild time with a warm cache after a
config-only change (rootfs/etc/prestashop/php.ini), seconds from ``docker run`` to ``/health`` 200 (median of
5), whether any installer ran at start against an empty database, and requests/s of a short load on ``/`` (the
stand-in page) and ``/health``. Needs a Docker engine; builds debian:bookworm-slim with tools/base-image when
it is missing.

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


def health_seconds(network: str, env: dict[str, str]) -> tuple[float, str]:
    """Seconds from `docker run` to the first /health 200; returns (seconds, container name)."""
    name = f"bench-web-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    docker("run", "-d", "--name", name, "--network", network, "-p", "127.0.0.1::8080", *env_args(env), IMAGE)
    port = docker("port", name, "8080/tcp").stdout.split(":")[-1].strip()
    while time.monotonic() - started < 30:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                if response.status == 200:
                    return time.monotonic() - started, name
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{name}: /health not 200 within 30s")


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
            timings = []
            for _run in range(options.runs):
                seconds, name = health_seconds(network, env)
                started.append(name)
                timings.append(seconds)
            time.sleep(2)
            logs = "".join(docker("logs", name).stdout + docker("logs", name).stderr for name in started)
            no_installer = db_tables(db) == 0 and "index_cli" not in logs and "Installation successful" not in logs

            install = docker("run", "--rm", "--network", network, *env_args(env), IMAGE, "ps-install", check=False)
            port = docker("port", started[-1], "8080/tcp").stdout.split(":")[-1].strip()
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
    print(
        f"docker run -> /health 200 (median of {options.runs}): {statistics.median(timings):.2f} s "
        f"(min {min(timings):.2f}, max {max(timings):.2f})"
    )
    print(f"no installer at start (empty DB untouched, no installer in logs): {'yes' if no_installer else 'NO'}")
    print(f"ps-install afterwards: exit {install.returncode}")
    print(
        f"load {options.concurrency} conns x {options.load_seconds:.0f}s: / {page_rps:.0f} req/s "
        f"({page_errors} errors), /health {health_rps:.0f} req/s ({health_errors} errors)"
    )
    return 0 if no_installer and install.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
