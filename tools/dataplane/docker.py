"""The Docker CLI, as the data plane uses it: every object it creates carries LABEL=<instance>.

The data plane never touches a Docker object without its label (the instance is the checkout's state directory's
key, so two checkouts on one machine never see each other's objects).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

LABEL = "io.kstore.dataplane"
KIND = "io.kstore.dataplane.kind"


class DockerError(Exception):
    """A docker command failed; the message carries its stderr."""


def docker(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    stdin: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``docker ARGS``. ``env`` is added to the CLI's environment: secrets go there (``-e NAME`` without a
    value takes it from the CLI's environment), never into the argument list that process listings show."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    result = subprocess.run(
        ["docker", *args], capture_output=True, text=True, env=full_env, input=stdin, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise DockerError(f"docker {args[0]}: {(result.stderr or result.stdout).strip()[-800:]}")
    return result


def inspect(kind: str, name: str) -> dict[str, Any] | None:
    """``docker <kind> inspect NAME`` as a dict, or None when it does not exist."""
    result = docker([kind, "inspect", name], check=False)
    if result.returncode != 0:
        return None
    found = json.loads(result.stdout or "[]")
    return found[0] if found else None


def labelled(kind: str, instance: str, what: str) -> list[str]:
    """Names of this instance's objects of one kind (container, volume, network) with KIND=what."""
    args = [kind, "ls", "-q", "--filter", f"label={LABEL}={instance}", "--filter", f"label={KIND}={what}"]
    if kind == "container":
        args = [
            "container",
            "ls",
            "-a",
            "--format",
            "{{.Names}}",
            "--filter",
            f"label={LABEL}={instance}",
            "--filter",
            f"label={KIND}={what}",
        ]
    elif kind in ("volume", "network"):
        args = [
            kind,
            "ls",
            "--format",
            "{{.Name}}",
            "--filter",
            f"label={LABEL}={instance}",
            "--filter",
            f"label={KIND}={what}",
        ]
    return [line for line in docker(args).stdout.split() if line]


def labels(instance: str, what: str, **extra: str) -> list[str]:
    """``--label`` arguments for a new object of this instance."""
    args = ["--label", f"{LABEL}={instance}", "--label", f"{KIND}={what}"]
    for key, value in extra.items():
        args += ["--label", f"{LABEL}.{key}={value}"]
    return args


def vpc_network(instance: str, vpc_id: str) -> str:
    """The Docker network standing for one VPC (created once, labelled)."""
    name = f"kstore-dp-{instance}-{vpc_id}"
    if inspect("network", name) is None:
        docker(["network", "create", *labels(instance, "vpc", vpc=vpc_id), name])
    return name


def docker_input(args: Sequence[str], data: bytes, *, timeout: float = 300) -> subprocess.CompletedProcess[bytes]:
    """``docker ARGS`` fed binary ``data`` on stdin (a tar stream for ``docker cp - CONTAINER:PATH``)."""
    result = subprocess.run(["docker", *args], input=data, capture_output=True, timeout=timeout, check=False)
    if result.returncode != 0:
        message = (result.stderr or result.stdout).decode(errors="replace").strip()[-800:]
        raise DockerError(f"docker {args[0]}: {message}")
    return result
