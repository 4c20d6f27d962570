"""Benchmark of the platform's tiers against the local emulator: seconds, changed tasks and AWS API requests per run.

Tiers are taken in playbooks/site.yml's order (network ... backup). Forward pass: every tier up to the last one
asked for is converged in order; a tier that is not benched is converged untimed (a prerequisite), a benched one
gets three timed runs of its own playbook: create (from nothing, its prerequisites present), no-op (a second
converge) and check (--check on the converged tier). Then, when every tier is up, the whole platform's no-op
(playbooks/site.yml run again). Reverse pass: every converged tier is removed in reverse order (state absent), timed
for the benched ones - the order destroy.yml uses, and the bench leaves nothing behind. Last, the bench's images in
the local registry and its golden-image build folder are removed, and the emulator is asked for anything still
tagged with the bench's platform.

Per run: seconds, `changed=` of localhost in the PLAY RECAP, AWS requests counted at the emulator
(tools/emulator/server.py's counter: every retry and wait poll included) and the peak RSS of the ansible-playbook
process tree. Runs use their own platform name (bench-bench, zone bench.test) so they never touch what `make up`
built. A full run (12 tiers) takes about as long as four `make up`s; `--tier X` (repeatable) benches a subset.

Usage: python tools/bench.py [--tier network ...] [--json] [--no-platform] [-e key=value ...]
Needs the emulator up (tools/localenv up emulator), and for the golden image tier (or any tier after it) the local
registry and a Docker engine (tools/localenv up); make bench does that.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PORT = os.environ.get("KSTORE_EMULATOR_PORT", "4566")
URL = f"http://127.0.0.1:{PORT}"
REGISTRY = f"127.0.0.1:{os.environ.get('KSTORE_REGISTRY_PORT', '5001')}"
# The tier playbooks in site.yml's order: the order prerequisites are converged in (and removed in reverse).
# site.yml's tiers in its order; its preflight (base images, no AWS resource) is not a tier.
TIERS = [
    tier
    for tier in re.findall(r"import_playbook:\s*(\w+)\.yml", (ROOT / "playbooks" / "site.yml").read_text())
    if tier != "preflight"
]
# The variable that switches a tier's role between present and absent (image.yml runs the golden_image role).
STATE_VAR = {tier: f"{'golden_image' if tier == 'image' else tier}_state" for tier in TIERS}
# Tiers from which on the local registry and a Docker engine are needed.
NEEDS_DOCKER = TIERS[TIERS.index("image") :] if "image" in TIERS else []
RUNS = ("create", "no-op", "check", "absent")
MANIFEST_ACCEPT = ", ".join(
    (
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.index.v1+json",
    )
)
# Its own platform, and its own DNS zone: the local inventory's zone (kstore.test) belongs to `make up`'s platform,
# and the edge tier's absent deletes the zone it is configured with.
BENCH_VARS: dict[str, Any] = {
    "platform_name": "bench",
    "platform_env": "bench",
    "edge_domain": "shop.bench.test",
    "edge_zone_name": "bench.test",
}


@dataclass
class Run:
    seconds: float
    changed: int
    requests: int
    max_rss_mb: float


class Bench:
    def __init__(self, extra: dict[str, Any], logs: Path) -> None:
        self.extra = extra
        self.logs = logs
        self.started = time.monotonic()
        self.count = 0

    def say(self, message: str) -> None:
        print(f"[{time.monotonic() - self.started:7.1f}s] {message}", file=sys.stderr, flush=True)

    def playbook(self, playbook: str, extra: dict[str, Any], *args: str) -> Run:
        """One ansible-playbook run, its figures; exits with the end of its output when it fails."""
        self.count += 1
        log = self.logs / f"{self.count:02d}-{Path(playbook).stem}.log"
        cmd = ["ansible-playbook", playbook, "-i", "inventories/local", "-e", json.dumps(extra), *args]
        env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1")
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        emulator("/_kstore/requests/reset", "POST")
        start = time.monotonic()
        with log.open("w") as out:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            try:
                # wait4, not wait: the rusage of this run's process tree alone (ru_maxrss in KiB on Linux).
                _pid, status, usage = os.wait4(proc.pid, 0)
            except BaseException:  # interrupted (Ctrl-C): stop this run before the clean-up runs start
                proc.kill()
                proc.wait()
                raise
            proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        requests = emulator("/_kstore/requests")["total"]
        output = log.read_text(errors="replace")
        if proc.returncode != 0:
            raise BenchError(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{output[-4000:]}")
        recap = re.search(r"^localhost\s*:.*?\bchanged=(\d+)", output, re.MULTILINE)
        if recap is None:
            raise BenchError(f"{' '.join(cmd)}: no PLAY RECAP line for localhost:\n{output[-2000:]}")
        return Run(round(seconds, 1), int(recap.group(1)), requests, round(usage.ru_maxrss / 1024, 1))

    def tier(self, tier: str, label: str, state: str, *args: str) -> Run:
        if tier == "image" and state == "present":
            base_image()  # again: the Docker engine is shared, the base image may have been removed meanwhile
        self.say(f"{tier}: {label} ...")
        extra = dict(self.extra, **{STATE_VAR[tier]: state})
        if tier == "service" and state == "present" and "service_image" not in extra:
            # Run alone, the service tier needs the image the golden image tier pushed (site.yml passes it on).
            extra["service_image"] = golden_image(self.extra)
        run = self.playbook(f"playbooks/{tier}.yml", extra, *args)
        self.say(f"{tier}: {label} done: {run.seconds} s, changed={run.changed}, {run.requests} requests")
        return run


class BenchError(RuntimeError):
    pass


def emulator(path: str, method: str = "GET") -> dict:
    with urllib.request.urlopen(urllib.request.Request(URL + path, method=method), timeout=10) as resp:
        return json.load(resp)


def registry(path: str, method: str = "GET") -> urllib.request.addinfourl:
    request = urllib.request.Request(f"http://{REGISTRY}{path}", method=method, headers={"Accept": MANIFEST_ACCEPT})
    return urllib.request.urlopen(request, timeout=10)


def prefix(extra: dict[str, Any]) -> str:
    return f"{extra['platform_name']}-{extra['platform_env']}"


def golden_image(extra: dict[str, Any]) -> str:
    """<registry>/<prefix>-prestashop@<digest> of the image the golden image tier pushed: the digest of its
    <version>-<content hash> tag (the longest tag), as platform_golden_image.image names it in site.yml."""
    repo = f"{prefix(extra)}-prestashop"
    with registry(f"/v2/{repo}/tags/list") as resp:
        tags = json.load(resp).get("tags") or []
    if not tags:
        raise BenchError(f"the local registry ({REGISTRY}) holds no image of {repo}: the golden image tier did not run")
    with registry(f"/v2/{repo}/manifests/{max(tags, key=len)}", "HEAD") as resp:
        return f"{REGISTRY}/{repo}@{resp.headers['Docker-Content-Digest']}"


def remove_local_leftovers(extra: dict[str, Any]) -> list[str]:
    """The bench's repository in the local registry, with its blobs (tools/localenv registry-purge, as destroy.yml
    does); the golden image tier's absent already removed its build folder under the state directory. Returns what
    was removed."""
    repo = f"{prefix(extra)}-prestashop"
    result = subprocess.run(
        [str(ROOT / "tools/localenv"), "registry-purge", repo], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"tools/localenv registry-purge {repo} failed: {result.stderr.strip()}")
    return [f"{REGISTRY}/{repo}"] if "purged" in result.stdout else []


def tagged_leftovers(extra: dict[str, Any], url: str = URL) -> list[str]:
    """ARNs the emulator still tags with the bench's platform (Resource Groups Tagging API), except what AWS itself
    keeps visible for a while after removal: KMS keys and secrets pending deletion, deleted NAT gateways, terminated
    instances, inactive ECS clusters and services, stopped ECS tasks. Also used by tests/e2e/test_9_destroy.py."""
    import boto3  # the venv's; only needed here

    def client(service: str) -> Any:
        region = extra.get("platform_region", "eu-west-1")
        keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        return boto3.client(service, endpoint_url=url, region_name=region, **keys)

    def removed(arn: str) -> bool:
        resource_id = arn.rsplit("/", 1)[-1]
        if ":kms:" in arn and ":key/" in arn:
            return client("kms").describe_key(KeyId=resource_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
        if ":secretsmanager:" in arn:
            return bool(client("secretsmanager").describe_secret(SecretId=arn).get("DeletedDate"))
        if ":natgateway/" in arn:
            gateways = client("ec2").describe_nat_gateways(NatGatewayIds=[resource_id])["NatGateways"]
            return all(gateway["State"] in ("deleting", "deleted") for gateway in gateways)
        if ":instance/" in arn and ":ec2:" in arn:
            reservations = client("ec2").describe_instances(InstanceIds=[resource_id])["Reservations"]
            states = [i["State"]["Name"] for r in reservations for i in r["Instances"]]
            return all(state in ("shutting-down", "terminated") for state in states)
        if ":ecs:" in arn:
            kind, cluster = arn.split(":", 5)[5].split("/")[0], arn.split("/")[1]
            if kind == "cluster":
                return all(
                    c["status"] == "INACTIVE" for c in client("ecs").describe_clusters(clusters=[arn])["clusters"]
                )
            if kind == "service":
                services = client("ecs").describe_services(cluster=cluster, services=[arn])["services"]
                return all(service["status"] in ("INACTIVE", "DRAINING") for service in services)
            if kind == "task":
                tasks = client("ecs").describe_tasks(cluster=cluster, tasks=[arn])["tasks"]
                return all(task["lastStatus"] in ("STOPPED", "DELETED") for task in tasks)
        return False

    filters = [
        {"Key": "Platform", "Values": [extra["platform_name"]]},
        {"Key": "Environment", "Values": [extra["platform_env"]]},
    ]
    mappings = client("resourcegroupstaggingapi").get_resources(TagFilters=filters)["ResourceTagMappingList"]
    return [m["ResourceARN"] for m in mappings if not removed(m["ResourceARN"])]


def check_services(tiers: list[str]) -> None:
    try:
        emulator("/_kstore/health")
    except OSError:
        raise BenchError(f"no emulator on {URL}; run tools/localenv up emulator") from None
    if not set(tiers) & set(NEEDS_DOCKER):
        return
    try:
        registry("/v2/").close()
    except OSError:
        raise BenchError(f"no registry on {REGISTRY}; run tools/localenv up registry") from None
    if subprocess.run(["docker", "info"], capture_output=True, check=False).returncode != 0:
        raise BenchError("no Docker engine; run tools/localenv up docker")
    base_image()


def base_image() -> None:
    """The golden image's base, debian:bookworm-slim (made by tools/base-image: Docker Hub is not reachable)."""
    if (
        subprocess.run(
            ["docker", "image", "inspect", "debian:bookworm-slim"], capture_output=True, check=False
        ).returncode
        != 0
    ):
        subprocess.run([str(ROOT / "tools" / "base-image")], check=True)


def bench(selected: list[str], extra: dict[str, Any], platform: bool, logs: Path) -> dict[str, Any]:
    b = Bench(extra, logs)
    last = max(TIERS.index(tier) for tier in selected)
    forward = TIERS[: last + 1]
    check_services(forward)
    results: dict[str, dict[str, Run]] = {tier: {} for tier in selected}
    prerequisites: dict[str, float] = {}
    site = None
    converged: list[str] = []
    error: BaseException | None = None
    try:
        for tier in forward:
            converged.append(tier)  # from here on it may hold something: removed in the reverse pass
            if tier not in results:
                prerequisites[tier] = b.tier(tier, "converge (prerequisite, untimed)", "present").seconds
                continue
            results[tier]["create"] = b.tier(tier, "create", "present")
            results[tier]["no-op"] = b.tier(tier, "no-op", "present")
            results[tier]["check"] = b.tier(tier, "check", "present", "--check")
        if platform and forward == TIERS:
            b.say("platform: no-op (site.yml) ...")
            site = b.playbook("playbooks/site.yml", extra)
            b.say(f"platform: no-op done: {site.seconds} s, changed={site.changed}, {site.requests} requests")
    except (BenchError, KeyboardInterrupt) as exc:
        error = exc
    removed: list[str] = []
    try:
        for tier in reversed(converged):
            if "create" in results.get(tier, {}):
                results[tier]["absent"] = b.tier(tier, "absent", "absent")
            else:
                b.tier(tier, "absent (clean-up, untimed)", "absent")
        removed = remove_local_leftovers(extra)
    except BenchError as exc:
        error = error or exc
    b.say("done" if error is None else f"stopped: {str(error).splitlines()[0] if str(error) else 'interrupted'}")
    return {
        "emulator": URL,
        "extra_vars": extra,
        "error": None if error is None else str(error) or "interrupted",
        "tiers": {tier: {run: asdict(results[tier][run]) for run in RUNS if run in results[tier]} for tier in selected},
        "platform_noop": asdict(site) if site else None,
        "prerequisites_seconds": prerequisites,
        "total_seconds": round(time.monotonic() - b.started, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "removed_local": removed,
        "leftovers": tagged_leftovers(extra),
    }


def table(report: dict[str, Any]) -> str:
    lines = [
        f"kstore.platform benchmark against {report['emulator']} (vars {json.dumps(report['extra_vars'])})",
        f"{'tier':<14} {'run':<7} {'seconds':>8} {'changed':>8} {'AWS requests':>13} {'peak RSS MB':>12}",
    ]

    def row(tier: str, run: str, figures: dict[str, Any]) -> str:
        return (
            f"{tier:<14} {run:<7} {figures['seconds']:>8.1f} {figures['changed']:>8} {figures['requests']:>13} "
            f"{figures['max_rss_mb']:>12.1f}"
        )

    for tier, runs in report["tiers"].items():
        lines += [row(tier if run == "create" else "", run, figures) for run, figures in runs.items()]
    if report["platform_noop"]:
        lines.append(row("platform", "no-op", report["platform_noop"]) + "   (site.yml, second run)")
    if report["prerequisites_seconds"]:
        untimed = ", ".join(f"{tier} {seconds:.1f}" for tier, seconds in report["prerequisites_seconds"].items())
        lines.append(f"prerequisites converged first (s, not in the figures): {untimed}")
    lines.append(f"total {report['total_seconds']:.1f} s; peak RSS of ansible-playbook: {report['peak_rss_mb']:.1f} MB")
    lines.append(f"left in the emulator: {', '.join(report['leftovers']) or 'nothing'}")
    if report["error"]:
        lines.append(f"INCOMPLETE: the bench stopped early ({report['error'].splitlines()[0]}); the error is on stderr")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", action="append", choices=TIERS, help="tier to bench, repeatable (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--no-platform", action="store_true", help="skip the whole platform's no-op (site.yml)")
    parser.add_argument("-e", dest="extra", action="append", default=[], help="extra variable key=value")
    args = parser.parse_args()

    extra = dict(BENCH_VARS)
    for item in args.extra:
        key, _sep, value = item.partition("=")
        extra[key] = json.loads(value) if value[:1] in "[{0123456789" or value in ("true", "false") else value
    selected = sorted(set(args.tier or TIERS), key=TIERS.index)
    try:
        with tempfile.TemporaryDirectory(prefix="kstore-bench-") as logs:
            report = bench(selected, extra, not args.no_platform, Path(logs))
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2) if args.json else table(report))
    if report["error"]:
        print(f"bench: {report['error']}", file=sys.stderr)
    return 1 if report["error"] or report["leftovers"] else 0


if __name__ == "__main__":
    sys.exit(main())
