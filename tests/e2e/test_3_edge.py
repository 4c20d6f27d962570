"""The local edge from outside (issue 14): what `make up` built opened as a customer would, over HTTPS through the
local load balancer (HAProxy configured from the emulator's ALB by the data plane), with the certificate the local CA
issued for the edge domain; then in a real browser (Debian's chromium, driven by Playwright).

The edge domain resolves to 127.0.0.1 in the clients only (socket address here, --host-resolver-rules for chromium):
nothing is changed in /etc/hosts. Screenshots go to build/e2e/.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import ssl
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from e2e_platform import ROOT, LocalPlatform

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.edge_load import fetch

SHOTS = ROOT / "build" / "e2e"


def _urls(local_platform: LocalPlatform) -> dict[str, str]:
    summary = json.loads((local_platform.state_dir / "summary.json").read_text())
    return summary["edge"]


def _png(width: int = 3, height: int = 2) -> bytes:
    """A small valid PNG (red pixels), written without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _spki_pin(host: str, port: int, ca: Path) -> str:
    """The served certificate, verified for ``host`` against the local CA here, as chromium's SPKI pin."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    context = ssl.create_default_context(cafile=str(ca))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    key = x509.load_der_x509_certificate(der).public_key()
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def test_the_summary_gives_the_shop_and_back_office_urls_on_the_local_edge(local_platform: LocalPlatform) -> None:
    edge = _urls(local_platform)
    port = local_platform.env["KSTORE_EDGE_HTTPS_PORT"]
    assert edge["shop_url"] == f"https://shop.kstore.test:{port}/", edge
    assert edge["back_office_url"] == f"https://shop.kstore.test:{port}/admin-kstore/", edge
    if "first" in local_platform.runs:  # the session's own make up (not with KSTORE_E2E_REUSE)
        output = local_platform.runs["first"].stdout
        assert f"shop         https://shop.kstore.test:{port}/" in output, output[-3000:]


def test_the_shop_answers_over_verified_tls_and_http_is_redirected(local_platform: LocalPlatform) -> None:
    edge, ca = _urls(local_platform), local_platform.state_dir / "dataplane" / "ca" / "ca.pem"
    status, headers, body = fetch(edge["shop_url"], ca)
    assert status == 200 and "standin-prestashop" in body and "https=on" in body, (status, body[:500])
    http_url = (
        edge["shop_url"]
        .replace("https://", "http://")
        .replace(
            f":{local_platform.env['KSTORE_EDGE_HTTPS_PORT']}/", f":{local_platform.env['KSTORE_EDGE_HTTP_PORT']}/"
        )
    )
    status, headers = fetch(http_url + "en/?q=1", ca)[:2]
    assert (status, headers.get("location")) == (301, edge["shop_url"] + "en/?q=1"), (status, headers)


@pytest.fixture(scope="module")
def browser(local_platform: LocalPlatform) -> Any:
    from playwright import sync_api as playwright_api  # requirements.txt; the browser is Debian's (install-deps)

    edge, ca = _urls(local_platform), local_platform.state_dir / "dataplane" / "ca" / "ca.pem"
    https_port = int(local_platform.env["KSTORE_EDGE_HTTPS_PORT"])
    pin = _spki_pin("shop.kstore.test", https_port, ca)
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--host-resolver-rules=MAP shop.kstore.test 127.0.0.1",
                f"--ignore-certificate-errors-spki-list={pin}",
            ],
        )
        try:
            yield chromium, edge
        finally:
            chromium.close()


def test_a_browser_opens_the_shop_its_media_on_efs_and_the_back_office_login(
    local_platform: LocalPlatform, browser: Any
) -> None:
    chromium, edge = browser
    SHOTS.mkdir(parents=True, exist_ok=True)
    # an image placed in the img access point's volume, as the app's upload would put it there
    (img_dir,) = list((local_platform.state_dir / "dataplane" / "efs").glob("*/prestashop/img"))
    (img_dir / "e2e-edge.png").write_bytes(_png())
    (img_dir / "e2e-edge.png").chmod(0o644)
    page = chromium.new_page()
    try:
        # HTTP first: the browser follows the edge's 301 to HTTPS
        http_url = (
            edge["shop_url"]
            .replace("https://", "http://")
            .replace(
                f":{local_platform.env['KSTORE_EDGE_HTTPS_PORT']}/", f":{local_platform.env['KSTORE_EDGE_HTTP_PORT']}/"
            )
        )
        response = page.goto(http_url)
        assert response is not None and response.status == 200
        assert page.url == edge["shop_url"], page.url
        title = page.title()
        assert title and page.locator("h1").inner_text() == title, (title, page.content()[:500])
        assert "https=on" in page.locator("#version").inner_text()
        page.screenshot(path=str(SHOTS / "shop.png"))

        size = page.evaluate(
            """async (src) => { const img = new Image(); img.src = src; await img.decode();
                                return [img.naturalWidth, img.naturalHeight]; }""",
            edge["shop_url"] + "img/e2e-edge.png",
        )
        assert size == [3, 2], size

        response = page.goto(edge["back_office_url"])
        assert response is not None and response.status == 200
        form = page.locator("form#login_form")
        assert form.is_visible()
        assert form.locator("input[name=email]").count() == 1 and form.locator("input[name=passwd]").count() == 1
        page.screenshot(path=str(SHOTS / "back-office-login.png"))
    finally:
        page.close()
        (img_dir / "e2e-edge.png").unlink(missing_ok=True)
