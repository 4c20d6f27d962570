"""The local data plane: runs on Docker what the emulator records, and tells the emulator what really happened.

    python tools/dataplane/main.py --emulator http://127.0.0.1:4566 --state-dir .state [--once] [--interval 2]

Each cycle reads the emulator's state (``GET /_kstore/dataplane/state``, one request, not counted as an AWS
request), reconciles it onto the Docker engine (tools/dataplane/stores.py: RDS as MariaDB, ElastiCache as Redis,
with a local CA; tools/dataplane/ecs.py: ECS tasks and services), then reports task states, exit codes, health and
log lines (``POST /_kstore/dataplane/report``). Continuous rather than "on each converge": the platform's modules
wait on the emulator (a one-off task's exit code, a deployment's completion), so what runs must be observed while
they wait, as on AWS. ``--once`` runs one cycle (tests). Started and stopped by ``tools/localenv``; every Docker
object it creates carries the label ``io.kstore.dataplane=<instance>`` (the state directory's key), and it never
touches another. ``<state>/dataplane/status.json`` holds the last cycle's summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    # run as a script: import this directory as the package ``dataplane`` (and never shadow the docker SDK)
    HERE = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
    sys.path.insert(0, os.path.dirname(HERE))
    __package__ = "dataplane"

from .ca import LocalCA
from .ecs import Ecs
from .edge import reconcile as reconcile_edge
from .stores import reconcile as reconcile_stores

ROOT = Path(__file__).resolve().parents[2]


def instance_key(state_dir: Path) -> str:
    """The label value of this checkout's objects: 10 hex of the state directory's path."""
    return hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:10]


def _call(url: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"{}")


def stores_ready(state: dict[str, Any], summary: dict[str, Any]) -> dict[str, bool]:
    """Per VPC: are all its databases and caches up (healthy)?"""
    ready: dict[str, bool] = {}
    for kind, items in (("rds", state.get("rds_instances", [])), ("cache", state.get("cache_groups", []))):
        for item in items:
            seen = (summary.get(kind) or {}).get(item["id"], {})
            ok = seen.get("state") == "running" and seen.get("health") in ("healthy", None, "")
            vpc = item.get("vpc_id") or "novpc"
            ready[vpc] = ready.get(vpc, True) and ok
    return ready


class DataPlane:
    def __init__(self, emulator: str, state_dir: Path) -> None:
        self.emulator = emulator.rstrip("/")
        self.state_dir = state_dir
        self.instance = instance_key(state_dir)
        self.ca = LocalCA(state_dir / "dataplane" / "ca")
        self.ca.ensure()
        self.ecs = Ecs(self.instance, state_dir)
        self.status_file = state_dir / "dataplane" / "status.json"

    def cycle(self) -> dict[str, Any]:
        state = _call(f"{self.emulator}/_kstore/dataplane/state")
        stores = reconcile_stores(state, instance=self.instance, state_dir=self.state_dir, ca=self.ca, root=ROOT)
        report: dict[str, Any] = {"instance": self.instance, "tasks": [], "logs": [], "start_service_tasks": []}
        self.ecs.reconcile(state, report, stores_ready(state, stores))
        edge = reconcile_edge(state, instance=self.instance, state_dir=self.state_dir, ca=self.ca)
        answer = _call(f"{self.emulator}/_kstore/dataplane/report", report)
        busy = bool(
            report["start_service_tasks"]
            or self.ecs.draining
            or any(t["last_status"] != "RUNNING" or t.get("health_status") == "UNKNOWN" for t in report["tasks"])
            or any(item.get("state") != "running" for kind in stores.values() for item in kind.values())
            or any(d.get("rolloutState") == "IN_PROGRESS" for s in state.get("services", []) for d in s["deployments"])
            or any(t["last_status"] in ("PROVISIONING", "PENDING") for t in state.get("tasks", []))
        )
        status = {
            "at": time.time(),
            "busy": busy,
            "instance": self.instance,
            "stores": stores,
            "edge": edge,
            "tasks": {t["arn"].rsplit("/", 1)[-1]: t["last_status"] for t in report["tasks"]},
            "started": answer.get("started", []),
        }
        self.status_file.parent.mkdir(parents=True, exist_ok=True)
        self.status_file.write_text(json.dumps(status, indent=1, sort_keys=True))
        return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--emulator", default=f"http://127.0.0.1:{os.environ.get('KSTORE_EMULATOR_PORT', '4566')}")
    parser.add_argument("--state-dir", type=Path, default=Path(os.environ.get("KSTORE_STATE_DIR", ROOT / ".state")))
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between cycles while anything changes")
    parser.add_argument("--idle-interval", type=float, default=5.0, help="seconds between cycles when all is steady")
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args(argv)
    plane = DataPlane(args.emulator, args.state_dir)
    if args.once:
        print(json.dumps(plane.cycle(), sort_keys=True))
        return 0
    running = {"on": True}
    signal.signal(signal.SIGTERM, lambda *_: running.update(on=False))
    print(
        f"dataplane: instance {plane.instance}, emulator {plane.emulator}, every {args.interval} s"
        f" ({args.idle_interval} s when steady)",
        flush=True,
    )
    while running["on"]:
        started, interval = time.monotonic(), args.interval
        try:
            if not plane.cycle()["busy"]:
                interval = args.idle_interval
        except Exception as e:  # one failed cycle must not stop the data plane
            print(f"dataplane: cycle failed: {type(e).__name__}: {e}", flush=True)
        time.sleep(max(0.2, interval - (time.monotonic() - started)))
    try:
        _call(f"{plane.emulator}/_kstore/dataplane/detach", {})
    except OSError:
        pass
    print("dataplane: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
