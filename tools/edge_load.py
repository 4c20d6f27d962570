"""A bounded request loop against the shop through the local edge, printing what it measured.

    python tools/edge_load.py https://shop.kstore.test:8443/ [--requests 600] [--seconds 120] [--rate 3]
        [--workers 2] [--ca .state/dataplane/ca/ca.pem] [--address 127.0.0.1]

Each request is a new TLS connection to ``--address`` (loopback) with the URL's host name for SNI and Host, the
certificate verified against the local CA. It stops by itself after ``--requests`` requests or ``--seconds``
seconds, whichever comes first (or when ``stop`` is set, for callers that import ``run``). Prints requests,
failures, p50/p99 latency, which versions answered (the stand-in's ``standin-prestashop <version>`` line) and
which tasks (its ``served-by`` line: the container's host name).
Loopback only. Keep ``--rate`` under the WAF's rate limit (edge_waf_rate_limit requests per 5 minutes per client).
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import ssl
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

VERSION_RE = re.compile(r"standin-prestashop (\S+)")
SERVED_BY_RE = re.compile(r'id="served-by">([^<]+)<')


def fetch(
    url: str,
    ca: Path,
    address: str = "127.0.0.1",
    timeout: float = 10,
    *,
    form: dict[str, str] | None = None,
    cookie: str = "",
) -> tuple[int, dict[str, str], str]:
    """One request over a new connection: (status, headers, body); a GET, or a POST of ``form`` (urlencoded), with
    ``cookie`` as the Cookie header when given. TLS verified for the URL's host against ``ca``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    raw = socket.create_connection((address, port), timeout=timeout)
    if parts.scheme == "https":
        raw = ssl.create_default_context(cafile=str(ca)).wrap_socket(raw, server_hostname=host)
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    connection.sock = raw
    try:
        path = parts.path or "/"
        headers = {"Host": parts.netloc, **({"Cookie": cookie} if cookie else {})}
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        target = path + (f"?{parts.query}" if parts.query else "")
        connection.request("POST" if body is not None else "GET", target, body=body, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.read().decode(errors="replace"),
        )
    finally:
        connection.close()


def run(
    url: str,
    ca: Path,
    *,
    requests: int = 600,
    seconds: float = 120,
    rate: float = 3.0,
    workers: int = 2,
    address: str = "127.0.0.1",
    stop: threading.Event | None = None,
) -> dict[str, Any]:
    """The bounded loop; returns the figures (and up to 10 failures with their reason)."""
    stop = stop or threading.Event()
    lock = threading.Lock()
    latencies: list[float] = []
    versions: Counter[str] = Counter()
    tasks: Counter[str] = Counter()
    failures: list[str] = []
    last_version = [""]
    started = time.monotonic()
    issued = [0]
    interval = workers / rate if rate > 0 else 0.0

    def worker() -> None:
        while not stop.is_set() and time.monotonic() - started < seconds:
            with lock:
                if issued[0] >= requests:
                    return
                issued[0] += 1
            begin = time.monotonic()
            try:
                status, body = fetch(url, ca, address)[::2]
                ok, reason = status == 200, f"HTTP {status}"
            except (OSError, ssl.SSLError, http.client.HTTPException) as error:
                ok, reason, body = False, f"{type(error).__name__}: {error}", ""
            elapsed = time.monotonic() - begin
            with lock:
                latencies.append(elapsed)
                if ok:
                    match = VERSION_RE.search(body)
                    version = match.group(1) if match else "?"
                    versions[version] += 1
                    served = SERVED_BY_RE.search(body)
                    tasks[served.group(1) if served else "?"] += 1
                    last_version[0] = version
                else:
                    failures.append(f"{time.monotonic() - started:.1f}s {reason}")
            stop.wait(max(0.0, interval - elapsed))

    threads = [threading.Thread(target=worker, daemon=True) for _worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1) if ordered else 0.0

    return {
        "requests": len(latencies),
        "failures": len(failures),
        "seconds": round(time.monotonic() - started, 1),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "versions": dict(versions),
        "tasks": dict(tasks),
        "last_version": last_version[0],
        "first_failures": failures[:10],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--rate", type=float, default=3.0, help="requests per second, all workers together")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--ca", type=Path, default=Path(__file__).resolve().parent.parent / ".state/dataplane/ca/ca.pem"
    )
    parser.add_argument("--address", default="127.0.0.1", help="where the URL's host name resolves (loopback only)")
    args = parser.parse_args(argv)
    if args.address not in ("127.0.0.1", "::1", "localhost"):
        parser.error("--address: loopback only")
    figures = run(
        args.url,
        args.ca,
        requests=args.requests,
        seconds=args.seconds,
        rate=args.rate,
        workers=args.workers,
        address=args.address,
    )
    print(
        f"edge-load: {figures['requests']} requests in {figures['seconds']} s, {figures['failures']} failed, "
        f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, versions {figures['versions']}"
    )
    print(json.dumps(figures, sort_keys=True))
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
