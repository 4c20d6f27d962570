"""The data plane's local certificate authority: server certificates for the stores it runs (RDS, ElastiCache).

The CA is created once under its directory (``ca.pem`` 0644, ``ca.key`` 0600) and reused; issued certificates live
in ``issued/<name>.pem`` / ``.key`` and are rewritten only when their host names change or they expire soon.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "kstore.platform local CA"
CA_DAYS = 3650
CERT_DAYS = 365
RENEW_BEFORE = datetime.timedelta(days=30)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Write atomically with the given mode (the temporary file never has looser permissions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class LocalCA:
    """A CA under ``directory``; ``ensure()`` creates it once, ``issue()`` returns server certificates."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @property
    def bundle(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def key_path(self) -> Path:
        return self.directory / "ca.key"

    def ensure(self) -> None:
        """Create the CA when it does not exist yet (an existing one is never replaced)."""
        if self.bundle.exists() and self.key_path.exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write(
            self.key_path,
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            0o600,
        )
        _write(self.bundle, cert.public_bytes(serialization.Encoding.PEM), 0o644)

    def _load(self) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        cert = x509.load_pem_x509_certificate(self.bundle.read_bytes())
        key = serialization.load_pem_private_key(self.key_path.read_bytes(), password=None)
        return cert, key  # type: ignore[return-value]

    def paths(self, name: str) -> tuple[Path, Path]:
        issued = self.directory / "issued"
        return issued / f"{name}.pem", issued / f"{name}.key"

    def _current(self, cert_path: Path, key_path: Path, hostnames: list[str]) -> bool:
        """True when the issued certificate is there, from this CA, for exactly these names and not expiring."""
        if not (cert_path.exists() and key_path.exists()):
            return False
        try:
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            ca_cert = self._load()[0]
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            names = sorted(san.get_values_for_type(x509.DNSName))
        except (ValueError, x509.ExtensionNotFound):
            return False
        return (
            names == sorted(set(hostnames))
            and cert.issuer == ca_cert.subject
            and cert.not_valid_after_utc - RENEW_BEFORE > _now()
        )

    def issue(self, name: str, hostnames: list[str]) -> tuple[Path, Path]:
        """(certificate, key) of a server certificate for ``hostnames``; reissued only when needed."""
        if not hostnames:
            raise ValueError("issue: at least one host name")
        self.ensure()
        cert_path, key_path = self.paths(name)
        if self._current(cert_path, key_path, hostnames):
            return cert_path, key_path
        ca_cert, ca_key = self._load()
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = _now()
        names = sorted(set(hostnames))
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64])]))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=True,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        _write(
            key_path,
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            0o600,
        )
        _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
        return cert_path, key_path


if __name__ == "__main__":
    import sys

    # python tools/dataplane/ca.py DIR: the local CA in DIR, created once (playbooks/image.yml locally, so that the
    # golden image can bake it as the database CA before the data plane has ever run)
    if len(sys.argv) != 2:
        sys.exit("usage: ca.py DIRECTORY")
    authority = LocalCA(Path(sys.argv[1]))
    authority.ensure()
    print(authority.bundle)
