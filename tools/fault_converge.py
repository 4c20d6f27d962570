"""Converge the platform through injected AWS faults and print what it cost: failed tasks, changes on the re-run, time.

Brings up a private emulator (tools/emulator/server.py on a free loopback port, its own state directory), then:

1. baseline: converges the tiers with no fault and re-runs them (seconds of each), then empties the emulator;
2. faults on (``--throttle`` 0.25, ``--error`` 0.05, ``--seed`` 17: tools/emulator/faults.py answers that fraction of
   AWS requests with the service's throttling error or a 5xx, in its own protocol): converges the tiers from nothing,
   then re-runs them.

Prints per run: seconds, ok / changed / failed from the PLAY RECAP, the failed tasks, AWS requests and injected
faults counted by the emulator; then the overhead (faulted seconds over baseline seconds). The goal: 0 failed tasks
on the faulted converge, then changed=0 on the faulted re-run. Exit status 0 when it is met, 1 otherwise.

What runs: by default site.yml's tiers on inventories/local *without* those that need Docker: its preflight (base
images) and the golden image tier (build, smoke test, push); the service tier gets a placeholder image digest
(``service_image``), as tests/integration/test_audit.py does. The emulator is private and has no data plane, so
ECS tasks are run by moto alone. ``--site`` runs playbooks/site.yml itself instead (needs ``tools/localenv up
registry docker``); ``--tier storage`` (repeatable) converges only these tiers, their prerequisites (the tiers before
them in site.yml's order) converged once beforehand without fault. ``--retry-mode``/``--max-attempts`` export
AWS_RETRY_MODE/AWS_MAX_ATTEMPTS to the controller, overriding the platform's default (kstore.platform.aws_environment
filter) to compare, e.g. ``--retry-mode standard --max-attempts 3`` (botocore's standard default).

Usage: python tools/fault_converge.py [--throttle 0.25] [--error 0.05] [--seed 17] [--tier T ...] [--site]
                                      [--no-baseline] [--retry-mode M] [--max-attempts N] [--json]
A benchmark, not a test: ~15-25 min for every AWS tier on a 2-core machine (four converges).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TIERS = re.findall(r"import_playbook:\s*(\w+)\.yml", (ROOT / "playbooks/site.yml").read_text())
NEEDS_DOCKER = {"preflight", "image"}
AWS_TIERS = [t for t in TIERS if t not in NEEDS_DOCKER]
# The service tier without the golden image tier: a digest in the local registry's shape (nothing pulls it here).
EXTRA_VARS: dict[str, Any] = {"service_image": f"127.0.0.1:5001/kstore-local-prestashop@sha256:{'0a1b2c3d' * 8}"}
RECAP = re.compile(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)")
FAILED_TASK = re.compile(r"^TASK \[(.+?)\] \*+$")


@dataclass
class Run:
    label: str
    seconds: float
    ok: int
    changed: int
    failed: int
    failed_tasks: list[str] = field(default_factory=list)
    requests: int = 0
    injected_throttle: int = 0
    injected_error: int = 0


class Emulator:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method="GET" if data is None else "POST")
        with urllib.request.urlopen(request, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body.strip().startswith(b"{") else {}

    def faults(self, **settings: Any) -> dict[str, Any]:
        return self.call("/_kstore/faults", settings)

    def reset(self) -> None:
        self.call("/moto-api/reset", {})
        self.call("/_kstore/requests/reset", {})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def private_emulator(log: Path) -> Iterator[Emulator]:
    """tools/emulator/server.py on a free loopback port, stopped on exit (only the process started here)."""
    port = _free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tools/emulator/server.py"), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    emulator = Emulator(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                emulator.call("/_kstore/health")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the emulator did not start; see {log}") from None
                time.sleep(0.3)
        yield emulator
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def failed_tasks(output: str) -> list[str]:
    """The tasks with a fatal/failed result that was not ignored, from ansible-playbook's default output."""
    task, found = "", []
    for line in output.splitlines():
        match = FAILED_TASK.match(line)
        if match:
            task = match.group(1)
        elif line.startswith(("fatal: [", "failed: [")) and task:
            found.append(task)
        elif line.strip() == "...ignoring" and found and found[-1] == task:
            found.pop()
    return list(dict.fromkeys(found))


def playbook_file(tiers: list[str] | None, workdir: Path) -> Path:
    if tiers is None:
        return ROOT / "playbooks/site.yml"
    path = workdir / f"tiers-{'-'.join(tiers) or 'none'}.yml"
    path.write_text(json.dumps([{"ansible.builtin.import_playbook": str(ROOT / f"playbooks/{t}.yml")} for t in tiers]))
    return path


def run_playbook(
    emulator: Emulator, playbook: Path, extra: dict[str, Any], env: dict[str, str], log: Path, label: str
) -> Run:
    emulator.call("/_kstore/requests/reset", {})
    before = emulator.call("/_kstore/faults")["injected"]
    started = time.monotonic()
    proc = subprocess.run(
        ["ansible-playbook", str(playbook), "-i", "inventories/local", "-e", json.dumps(extra)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    log.write_text(proc.stdout + proc.stderr)
    recaps = RECAP.findall(proc.stdout)
    ok, changed, unreachable, failed = (int(v) for v in recaps[-1]) if recaps else (0, 0, 0, 1)
    after = emulator.call("/_kstore/faults")["injected"]
    return Run(
        label=label,
        seconds=round(seconds, 1),
        ok=ok,
        changed=changed,
        failed=failed + unreachable + (0 if proc.returncode == 0 or failed else 1),
        failed_tasks=failed_tasks(proc.stdout),
        requests=emulator.call("/_kstore/requests")["total"],
        injected_throttle=after["throttle"] - before["throttle"],
        injected_error=after["error"] - before["error"],
    )


def converge(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        KSTORE_STATE_DIR=str(workdir / "state"),
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    )
    for name, value in (("AWS_RETRY_MODE", args.retry_mode), ("AWS_MAX_ATTEMPTS", args.max_attempts)):
        if value:
            env[name] = str(value)
    extra = {**EXTRA_VARS, **dict(kv.split("=", 1) for kv in args.extra)}
    if args.site:
        tiers, prerequisites = None, []
    elif args.tier:
        unknown = sorted(set(args.tier) - set(AWS_TIERS))
        if unknown:
            raise SystemExit(f"fault_converge: unknown tier(s) {unknown}; choose among {AWS_TIERS}")
        tiers = [t for t in AWS_TIERS if t in args.tier]
        prerequisites = [t for t in AWS_TIERS[: AWS_TIERS.index(tiers[-1])] if t not in tiers]
    else:
        tiers, prerequisites = AWS_TIERS, []
    playbook = playbook_file(tiers, workdir)
    runs: list[Run] = []

    def say(message: str) -> None:
        if not args.json:
            print(message, flush=True)

    with private_emulator(workdir / "emulator.log") as emulator:
        env.update(KSTORE_EMULATOR_PORT=emulator.url.rsplit(":", 1)[1], AWS_ENDPOINT_URL=emulator.url)
        phases = [("baseline", False), ("faults", True)] if args.baseline else [("faults", True)]
        for phase, faulted in phases:
            emulator.reset()
            emulator.faults()
            if prerequisites:
                say(f"{phase}: prerequisites {', '.join(prerequisites)} (no fault)")
                pre = run_playbook(
                    emulator, playbook_file(prerequisites, workdir), extra, env, workdir / f"{phase}-pre.log", "pre"
                )
                if pre.failed:
                    raise SystemExit(f"fault_converge: the prerequisites failed: {pre.failed_tasks}; see {workdir}")
            if faulted:
                emulator.faults(throttle=args.throttle, error=args.error, seed=args.seed)
            for step in ("converge", "re-run"):
                label = f"{phase} {step}"
                say(f"{label}: {playbook.name} ...")
                run = run_playbook(emulator, playbook, extra, env, workdir / f"{phase}-{step}.log", label)
                runs.append(run)
                say(
                    f"  {run.seconds:7.1f} s  ok={run.ok} changed={run.changed} failed={run.failed}  "
                    f"requests={run.requests} injected: throttle={run.injected_throttle} error={run.injected_error}"
                    + (f"  failed tasks: {run.failed_tasks}" if run.failed_tasks else "")
                )
        emulator.faults()
    by_label = {r.label: r for r in runs}
    fault_converge, fault_rerun = by_label["faults converge"], by_label["faults re-run"]
    report: dict[str, Any] = {
        "tiers": tiers if tiers is not None else "playbooks/site.yml",
        "prerequisites": prerequisites,
        "faults": {"throttle": args.throttle, "error": args.error, "seed": args.seed},
        "retry": {
            "mode": args.retry_mode or "platform default (standard)",
            "max_attempts": args.max_attempts or "platform default (10)",
        },
        "runs": [asdict(r) for r in runs],
        "failed_tasks": fault_converge.failed_tasks,
        "goal_met": fault_converge.failed == 0 and fault_rerun.failed == 0 and fault_rerun.changed == 0,
        "logs": str(workdir),
    }
    if "baseline converge" in by_label:
        for step in ("converge", "re-run"):
            base, faulted = by_label[f"baseline {step}"], by_label[f"faults {step}"]
            report[f"overhead_{step.replace('-', '_')}"] = (
                round(faulted.seconds / base.seconds, 2) if base.seconds else None
            )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--throttle", type=float, default=0.25, help="fraction of requests throttled (0.25)")
    parser.add_argument("--error", type=float, default=0.05, help="fraction of requests answered 5xx (0.05)")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--tier", action="append", default=[], help=f"only these tiers, among {AWS_TIERS}")
    parser.add_argument("--site", action="store_true", help="playbooks/site.yml itself (needs the registry, Docker)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip the no-fault runs")
    parser.add_argument("--retry-mode", choices=["legacy", "standard", "adaptive"], help="override AWS_RETRY_MODE")
    parser.add_argument("--max-attempts", type=int, help="override AWS_MAX_ATTEMPTS")
    parser.add_argument("-e", dest="extra", action="append", default=[], help="extra variable key=value")
    parser.add_argument("--json", action="store_true", help="print the report as JSON only")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kstore-fault-converge-"))
    report = converge(args, workdir)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"\nfaults {args.throttle:.0%} throttling + {args.error:.0%} 5xx (seed {args.seed}), "
            f"retry mode {report['retry']['mode']}, attempts {report['retry']['max_attempts']}, tiers {report['tiers']}"
        )
        print(f"{'run':<20}{'seconds':>9}{'changed':>9}{'failed':>8}{'requests':>10}{'throttled':>11}{'5xx':>6}")
        for run in report["runs"]:
            print(
                f"{run['label']:<20}{run['seconds']:>9.1f}{run['changed']:>9}{run['failed']:>8}{run['requests']:>10}"
                f"{run['injected_throttle']:>11}{run['injected_error']:>6}"
            )
        print(f"failed tasks under faults: {report['failed_tasks'] or 'none'}")
        for step in ("converge", "re_run"):
            if f"overhead_{step}" in report:
                print(f"time with faults / without, {step.replace('_', '-')}: {report[f'overhead_{step}']}x")
        print(f"goal (0 failed, then changed=0): {'met' if report['goal_met'] else 'NOT met'}; logs in {workdir}")
    return 0 if report["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
