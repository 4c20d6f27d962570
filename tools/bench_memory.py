"""Memory of the whole local platform as it runs: the data plane's containers, the emulator, the registry, the data
plane process and the Docker engine, in MiB (a benchmark: it prints figures, it asserts nothing).

    python tools/bench_memory.py [--state-dir .state] [--json]

Containers: ``docker stats --no-stream`` (cgroup memory usage) of every container labelled with this checkout's
data plane instance; processes: resident set size from /proc of the pid files tools/localenv writes (children
included). Run it after ``make up`` with the data plane attached (``make bench-memory``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNITS = {"B": 1 / 2**20, "KiB": 1 / 1024, "kB": 1 / 1024, "MiB": 1, "MB": 1, "GiB": 1024, "GB": 1024}


def _mib(text: str) -> float:
    for unit in sorted(UNITS, key=len, reverse=True):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * UNITS[unit]
    return float(text) / 2**20


def _tree_rss_mib(pid: int) -> float:
    """RSS of a process and all its descendants (MiB)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
        todo += children.get(current, [])
    return total


def measure(state_dir: Path) -> dict[str, float]:
    instance = hashlib.sha256(str(state_dir.resolve()).encode()).hexdigest()[:10]
    figures: dict[str, float] = {}
    names = subprocess.run(
        ["docker", "ps", "-q", "--filter", f"label=io.kstore.dataplane={instance}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    if names:
        stats = subprocess.run(
            ["docker", "stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}", *names],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for line in stats.splitlines():
            if "\t" not in line:
                continue
            name, usage = line.split("\t", 1)
            short = name.replace(f"kstore-dp-{instance}-", "container ")
            figures[short] = round(_mib(usage.split("/")[0].strip()), 1)
    for process in ("emulator", "registry", "dataplane", "dockerd"):
        pidfile = state_dir / f"{process}.pid"
        if pidfile.exists():
            try:
                pid = int(pidfile.read_text().strip())
                os.kill(pid, 0)
            except (OSError, ValueError):
                continue
            figures[f"process {process}"] = round(_tree_rss_mib(pid), 1)
    figures["total"] = round(sum(figures.values()), 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--state-dir", type=Path, default=Path(os.environ.get("KSTORE_STATE_DIR", ROOT / ".state")))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = measure(args.state_dir)
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value:8.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
