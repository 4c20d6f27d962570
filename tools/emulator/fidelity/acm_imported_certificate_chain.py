"""ACM GetCertificate returns an imported certificate's chain as imported, without moto's extra root CA.

AWS behaviour restored: for a certificate brought in with ``ImportCertificate`` (``Type`` ``IMPORTED``),
``GetCertificate`` answers the ``CertificateChain`` that was imported with it; when none was imported, the chain
it answers is the certificate itself (it does not invent an issuer). moto 5.2.5 appends its own "Amazon Root
CA" to every chain, and answers that root CA alone as the chain of a certificate imported without one.
Amazon-issued (``RequestCertificate``) certificates keep moto's chain.

Needed by: ``community.aws.acm_certificate``: to decide whether an imported certificate is already in ACM it
compares ``CertificateChain`` with ``certificate_chain``, or with ``certificate`` when no chain is given (module
comment: "When there is no chain with a cert, it seems Amazon returns the cert itself as the chain"), and reads
the key unconditionally (``amazon.aws`` module_utils/acm.py), so it must be present. On plain moto every run
re-imports the certificate.
"""

from __future__ import annotations

from typing import Any

from ._patching import patch


def apply() -> None:
    from moto.acm.models import CertBundle

    def make(original: Any) -> Any:
        def __init__(
            self: CertBundle, account_id: str, certificate: bytes, private_key: bytes, *args: Any, **kwargs: Any
        ) -> None:
            original(self, account_id, certificate, private_key, *args, **kwargs)
            if self.type == "IMPORTED":
                chain = kwargs.get("chain", args[0] if args else None)
                self.chain = chain or certificate

        return __init__

    patch(CertBundle, "__init__", __name__, make)
