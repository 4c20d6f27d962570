"""ACM GetCertificate returns an imported certificate's own chain (fidelity/acm_imported_certificate_chain)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

AnsibleRuns = Callable[..., list[dict[str, Any]]]


def _certificate(common_name: str, issuer: tuple[x509.Name, Any] | None = None) -> tuple[str, str, x509.Name, Any]:
    """A PEM certificate and key for ``common_name``, self-signed unless an (issuer name, issuer key) is given."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer_name, issuer_key = issuer or (name, key)
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return cert.public_bytes(serialization.Encoding.PEM).decode(), pem_key, name, key


def _pems(text: str) -> list[str]:
    return [f"-----BEGIN{part}" for part in text.strip().split("-----BEGIN")[1:]]


def test_imported_without_chain(aws: Callable[[str], Any]) -> None:
    acm = aws("acm")
    cert, key, _leaf_name, _leaf_key = _certificate("shop.example.com")
    arn = acm.import_certificate(Certificate=cert.encode(), PrivateKey=key.encode())["CertificateArn"]
    got = acm.get_certificate(CertificateArn=arn)
    assert _pems(got["CertificateChain"]) == _pems(got["Certificate"]) == _pems(cert)


def test_imported_with_chain(aws: Callable[[str], Any]) -> None:
    acm = aws("acm")
    ca_cert, _ca_pem_key, ca_name, ca_key = _certificate("Shop Test CA")
    cert, key, _leaf_name, _leaf_key = _certificate("shop.example.com", issuer=(ca_name, ca_key))
    arn = acm.import_certificate(Certificate=cert.encode(), PrivateKey=key.encode(), CertificateChain=ca_cert.encode())[
        "CertificateArn"
    ]
    assert _pems(acm.get_certificate(CertificateArn=arn)["CertificateChain"]) == _pems(ca_cert)


def test_acm_certificate_import_converges(ansible_runs: AnsibleRuns) -> None:
    cert, key, _leaf_name, _leaf_key = _certificate("shop.example.com")
    args = {"certificate": cert, "private_key": key, "name_tag": "shop", "state": "present"}
    first, second = ansible_runs("community.aws.acm_certificate", args, args)
    assert (first["changed"], second["changed"]) == (True, False)
    assert second["certificate"]["arn"] == first["certificate"]["arn"]
