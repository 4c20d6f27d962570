"""Benchmark of the platform's tiers against the local emulator: seconds and AWS API requests per run.

For each tier playbook: a full converge (from nothing), a no-op converge, a check-mode run on the converged tier
and the removal (state absent). Requests are counted at the emulator (tools/emulator/server.py's counter), so
the figures include every retry and wait poll the modules make. It uses its own platform name so it never touches
what `make up` built, and leaves nothing behind.

Usage: python tools/bench.py [--tier network] [--repeat 1] [--json] [-e key=value ...]
Needs the emulator up (tools/localenv up emulator); make bench does that.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = os.environ.get("KSTORE_EMULATOR_PORT", "4566")
URL = f"http://127.0.0.1:{PORT}"
STATE_VAR = {
    "network": "network_state",
    "security": "security_state",
    "storage": "storage_state",
    "database": "database_state",
    "cache": "cache_state",
}
RUNS = ("converge", "no-op converge", "check mode", "absent")


def emulator(path: str, method: str = "GET") -> dict:
    with urllib.request.urlopen(urllib.request.Request(URL + path, method=method), timeout=10) as resp:
        return json.load(resp)


def playbook(tier: str, extra: dict, *args: str) -> float:
    cmd = ["ansible-playbook", f"playbooks/{tier}.yml", "-i", "inventories/local", "-e", json.dumps(extra), *args]
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    start = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    return elapsed


def measure(tier: str, extra: dict, state: str, *args: str) -> tuple[float, int]:
    emulator("/_kstore/requests/reset", "POST")
    seconds = playbook(tier, dict(extra, **{STATE_VAR[tier]: state}), *args)
    return seconds, emulator("/_kstore/requests")["total"]


def bench_tier(tier: str, extra: dict) -> dict[str, tuple[float, int]]:
    measure(tier, extra, "absent")  # start from nothing
    return {
        "converge": measure(tier, extra, "present"),
        "no-op converge": measure(tier, extra, "present"),
        "check mode": measure(tier, extra, "present", "--check"),
        "absent": measure(tier, extra, "absent"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", action="append", choices=sorted(STATE_VAR), help="tier(s) to measure (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure; the median is printed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("-e", dest="extra", action="append", default=[], help="extra variable key=value")
    args = parser.parse_args()
    try:
        emulator("/_kstore/health")
    except OSError:
        return print(f"bench: no emulator on {URL}; run tools/localenv up emulator", file=sys.stderr) or 2

    extra = {"platform_name": "bench", "platform_env": "bench"}
    for item in args.extra:
        key, _sep, value = item.partition("=")
        extra[key] = json.loads(value) if value[:1] in "[{0123456789" or value in ("true", "false") else value

    results: dict[str, dict[str, dict[str, float]]] = {}
    for tier in args.tier or sorted(STATE_VAR):
        samples = [bench_tier(tier, extra) for _run in range(args.repeat)]
        results[tier] = {
            run: {
                "seconds": round(statistics.median(s[run][0] for s in samples), 1),
                "requests": int(statistics.median(s[run][1] for s in samples)),
            }
            for run in RUNS
        }
    if args.json:
        print(json.dumps({"extra_vars": extra, "repeat": args.repeat, "results": results}, indent=2))
        return 0
    print(f"kstore.platform benchmark against {URL} (median of {args.repeat}; vars {json.dumps(extra)})")
    print(f"{'tier':<10} {'run':<16} {'seconds':>8} {'AWS requests':>13}")
    for tier, runs in results.items():
        for run, figures in runs.items():
            print(f"{tier:<10} {run:<16} {figures['seconds']:>8.1f} {figures['requests']:>13}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
