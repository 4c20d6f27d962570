"""The golden PrestaShop image (files/prestashop/) against a real Docker engine and a real MariaDB container.

The release is the TEST FIXTURE tests/fixtures/prestashop_standin.py (a stand-in with PrestaShop's layout and
entry points, not PrestaShop). One image build is shared by the whole module; the tests need a Docker engine
(skipped, with the reason, only when none answers) and the base image debian:bookworm-slim, which
tools/base-image builds with debootstrap when it is missing.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
import prestashop_standin  # noqa: E402

RUN_ID = uuid.uuid4().hex[:8]
IMAGE = f"kstore/prestashop:pytest-{RUN_ID}"
DB_IMAGE = "kstore/mariadb:test"
DB_PASSWORD = "Db-pa55word-4-tests"
ADMIN_PASSWORD = "Adm1n-pa55word-4-tests"
ROOT_PASSWORD = "root-pa55word"


def docker(*args: str, timeout: int = 600, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise AssertionError(
            f"docker {' '.join(args[:3])} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def docker_answers() -> str | None:
    if shutil.which("docker") is None:
        return "the docker CLI is not installed"
    try:
        result = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return "docker info timed out"
    return None if result.returncode == 0 else f"no Docker engine answers: {result.stderr.strip()[:200]}"


_reason = docker_answers()
pytestmark = pytest.mark.skipif(_reason is not None, reason=f"needs a Docker engine ({_reason})")


@dataclass
class Build:
    context: Path
    sha256: str
    seconds: float


def build_args(release: str, sha256: str, **extra: str) -> list[str]:
    args = {"PS_VERSION": "9.0.1", "PS_RELEASE_FILE": release, "PS_RELEASE_SHA256": sha256, **extra}
    return [item for key, value in args.items() for item in ("--build-arg", f"{key}={value}")]


@pytest.fixture(scope="module")
def base_image() -> None:
    if docker("image", "inspect", "debian:bookworm-slim", check=False).returncode != 0:
        result = subprocess.run(
            [str(ROOT / "tools" / "base-image")], capture_output=True, text=True, timeout=900, check=False
        )
        assert result.returncode == 0, f"tools/base-image failed:\n{result.stderr}"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass
class Ca:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def new(cls, common_name: str) -> Ca:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(_name(common_name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def server_files(self, host: str, directory: Path) -> Path:
        """ca.pem, server.pem (SAN: host) and server-key.pem signed by this CA, readable by any user."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(host))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in (
            ("ca.pem", self.pem()),
            ("server.pem", cert.public_bytes(serialization.Encoding.PEM)),
            ("server-key.pem", _pem_key(key)),
        ):
            (directory / name).write_bytes(data)
            (directory / name).chmod(0o644)
        directory.chmod(0o755)
        return directory


@pytest.fixture(scope="module")
def test_ca() -> Ca:
    """The CA the TLS MariaDB's certificate is signed by; baked into the module's image (golden_image_ca_bundles)."""
    return Ca.new("kstore pytest database CA")


@pytest.fixture(scope="module")
def build(base_image: None, test_ca: Ca, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    """The image, built once from a copy of files/prestashop with the stand-in release (zip-in-zip layout) and the
    test CA in ca/ (as the golden_image role puts golden_image_ca_bundles there)."""
    context = tmp_path_factory.mktemp("context") / "prestashop"
    shutil.copytree(ROOT / "files" / "prestashop", context, ignore=shutil.ignore_patterns("*.zip"))
    (context / "ca" / "00-pytest-ca.pem").write_bytes(test_ca.pem())
    sha256 = prestashop_standin.build(context / "release" / "standin.zip", version="9.0.1", layout="8")
    started = time.monotonic()
    docker("build", "-t", IMAGE, *build_args("release/standin.zip", sha256), str(context), timeout=1200)
    seconds = time.monotonic() - started
    print(f"\ngolden image build: {seconds:.1f}s")
    yield Build(context, sha256, seconds)
    docker("image", "rm", "-f", IMAGE, check=False)


@pytest.fixture(scope="module")
def network() -> Iterator[str]:
    name = f"pytest-ps-{RUN_ID}"
    docker("network", "create", name)
    yield name
    docker("network", "rm", name, check=False)


@pytest.fixture(scope="module")
def mariadb(base_image: None, network: str) -> Iterator[str]:
    """A MariaDB container (files/mariadb) on the test network; returns its host name there."""
    docker("build", "-q", "-t", DB_IMAGE, str(ROOT / "files" / "mariadb"), timeout=900)
    name = f"pytest-db-{RUN_ID}"
    try:
        start_mariadb(network, name, [])
        yield name
    finally:
        docker("rm", "-f", "-v", name, check=False)


def start_mariadb(network: str, name: str, command: list[str], files: Path | None = None) -> None:
    """Start the test MariaDB image as `name` (with `files` copied to /tls: TLS) and wait until TCP answers."""
    env = {
        "MARIADB_ROOT_PASSWORD": ROOT_PASSWORD,
        "MARIADB_DATABASE": "shop",
        "MARIADB_USER": "shop",
        "MARIADB_PASSWORD": DB_PASSWORD,
    }
    docker("create", "--name", name, "--network", network, *env_args(env), DB_IMAGE, *command)
    if files is not None:
        docker("cp", f"{files}/.", f"{name}:/tls")
    docker("start", name)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if sql(name, "SELECT 1", check=False, tls=files is not None).returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"MariaDB {name} did not come up:\n{docker('logs', name, check=False).stderr}")


TLS_SERVER = [
    "mariadbd",
    "--require-secure-transport=ON",
    "--ssl-ca=/tls/ca.pem",
    "--ssl-cert=/tls/server.pem",
    "--ssl-key=/tls/server-key.pem",
]


@pytest.fixture(scope="module")
def mariadb_tls(mariadb: str, network: str, test_ca: Ca, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A MariaDB with require_secure_transport=ON and a server certificate from the CA baked into the image."""
    name = f"pytest-dbtls-{RUN_ID}"
    files = test_ca.server_files(name, tmp_path_factory.mktemp("tls"))
    try:
        start_mariadb(network, name, TLS_SERVER, files)
        yield name
    finally:
        docker("rm", "-f", "-v", name, check=False)


@pytest.fixture(scope="module")
def mariadb_rogue(mariadb: str, network: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same TLS MariaDB, but its certificate (right host name) is signed by a CA the image does not trust."""
    name = f"pytest-dbrogue-{RUN_ID}"
    files = Ca.new("some other CA").server_files(name, tmp_path_factory.mktemp("rogue"))
    try:
        start_mariadb(network, name, TLS_SERVER, files)
        yield name
    finally:
        docker("rm", "-f", "-v", name, check=False)


def env_args(env: dict[str, str]) -> list[str]:
    return [item for key, value in env.items() for item in ("-e", f"{key}={value}")]


def sql(
    db: str, statement: str, database: str = "", check: bool = True, tls: bool = False
) -> subprocess.CompletedProcess:
    """Run SQL as root in the DB container (TCP, so the user tables are really reachable; over TLS for a server
    that requires it)."""
    client = ["mariadb", "-h127.0.0.1", *(["--ssl"] if tls else []), "-uroot", f"-p{ROOT_PASSWORD}", "-N", "-B"]
    args = ["exec", db, *client, "-e", statement]
    return docker(*args, *([database] if database else []), check=check, timeout=60)


def new_database(db: str, grants: str = "ALL", tls: bool = False) -> str:
    name = f"shop_{uuid.uuid4().hex[:8]}"
    sql(db, f"CREATE DATABASE {name} CHARACTER SET utf8mb4; GRANT {grants} ON {name}.* TO 'shop'@'%';", tls=tls)
    return name


def shop_env(db_host: str, db_name: str, **overrides: str) -> dict[str, str]:
    env = {
        "PS_DB_HOST": db_host,
        "PS_DB_NAME": db_name,
        "PS_DB_USER": "shop",
        "PS_DB_PASSWORD": DB_PASSWORD,
        "PS_DOMAIN": "shop.example.test",
        "PS_ADMIN_EMAIL": "admin@example.test",
        "PS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "PS_SHOP_NAME": "Kstore Test Shop",
        "PS_DB_WAIT_TIMEOUT": "20",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def ps_install(network: str, env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess:
    return docker(
        "run", "--rm", "--network", network, *env_args(env), IMAGE, "ps-install", check=False, timeout=timeout
    )


def tables(db: str, database: str, tls: bool = False) -> list[str]:
    query = f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{database}'"
    out = sql(db, query, tls=tls).stdout
    return sorted(out.split())


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """GET without following redirects: (status, headers, body)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode(errors="replace")


@dataclass
class Web:
    name: str
    url: str
    seconds_to_health: float


def start_web(network: str, env: dict[str, str], extra: tuple[str, ...] = ()) -> Web:
    name = f"pytest-web-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    docker("run", "-d", "--name", name, "--network", network, "-p", "127.0.0.1::8080", *extra, *env_args(env), IMAGE)
    port = docker("port", name, "8080/tcp").stdout.split(":")[-1].strip()
    url = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < 10:
        try:
            if http_get(url + "/health")[0] == 200:
                return Web(name, url, time.monotonic() - started)
        except OSError:
            pass
        time.sleep(0.1)
    logs = docker("logs", name, check=False)
    docker("rm", "-f", name, check=False)
    raise AssertionError(f"/health not 200 within 10s:\n{logs.stdout}\n{logs.stderr}")


@pytest.fixture
def web_factory(build: Build, network: str) -> Iterator:
    started: list[Web] = []

    def factory(env: dict[str, str], extra: tuple[str, ...] = ()) -> Web:
        web = start_web(network, env, extra)
        started.append(web)
        return web

    yield factory
    for web in started:
        docker("rm", "-f", web.name, check=False)


# ---- build -------------------------------------------------------------------------------------------------------


def test_build_labels_user_port_healthcheck(build: Build) -> None:
    config = json.loads(docker("image", "inspect", IMAGE).stdout)[0]["Config"]
    assert config["User"] == "33:33"
    assert "8080/tcp" in config["ExposedPorts"]
    assert config["Healthcheck"]["Test"][-1].endswith("/health/app")
    assert config["Labels"]["org.opencontainers.image.version"] == "9.0.1"
    assert config["Cmd"] == ["apache2-foreground"]
    assert "ps-install" not in json.dumps([config["Cmd"], config["Entrypoint"]])
    listing = docker("run", "--rm", IMAGE, "ls", "/var/www/html").stdout.split()
    assert "admin-kstore" in listing and "admin" not in listing and "install" not in listing
    installer = docker("run", "--rm", IMAGE, "ls", "/usr/local/share/prestashop/install").stdout.split()
    assert "index_cli.php" in installer, "the installer is in the image, outside the web root"


def test_build_fails_on_checksum_mismatch(build: Build) -> None:
    wrong = "0" * 64
    result = docker("build", *build_args("release/standin.zip", wrong), str(build.context), check=False)
    assert result.returncode != 0
    assert "checksum mismatch" in result.stdout + result.stderr


def test_build_rejects_reserved_admin_dir(build: Build) -> None:
    args = build_args("release/standin.zip", build.sha256, PS_ADMIN_DIR="admin")
    result = docker("build", *args, str(build.context), check=False)
    assert result.returncode != 0
    assert "PS_ADMIN_DIR" in result.stdout + result.stderr


def test_build_accepts_the_9x_folder_layout(build: Build) -> None:
    sha256 = prestashop_standin.build(build.context / "release" / "standin9.zip", version="9.0.1", layout="9")
    tag = f"{IMAGE}-layout9"
    docker("build", "-t", tag, *build_args("release/standin9.zip", sha256), str(build.context))
    try:
        out = docker("run", "--rm", tag, "ls", "/usr/local/share/prestashop/install").stdout
        assert "index_cli.php" in out
    finally:
        docker("image", "rm", "-f", tag, check=False)


# ---- ps-install --------------------------------------------------------------------------------------------------


def test_install_then_already_installed(build: Build, network: str, mariadb: str) -> None:
    database = new_database(mariadb)
    first = ps_install(network, shop_env(mariadb, database))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "installed" in first.stdout
    assert tables(mariadb, database) == ["ps_configuration", "ps_employee", "ps_shop", "ps_standin_marker"]
    charset = sql(mariadb, f"SELECT table_collation FROM information_schema.tables WHERE table_schema='{database}'")
    assert set(charset.stdout.split()) == {"utf8mb4_unicode_ci"}
    second = ps_install(network, shop_env(mariadb, database))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "already installed" in second.stdout
    assert sql(mariadb, "SELECT COUNT(*) FROM ps_configuration", database).stdout.strip() == "8"
    # the installer could write .htaccess at the web root (uid 33 owns it): friendly URLs stay on
    rewriting = sql(mariadb, "SELECT value FROM ps_configuration WHERE name = 'PS_REWRITING_SETTINGS'", database)
    assert rewriting.stdout.strip() == "1"
    for run in (first, second):
        assert DB_PASSWORD not in run.stdout + run.stderr
        assert ADMIN_PASSWORD not in run.stdout + run.stderr


def test_the_web_root_is_the_shop_users(build: Build) -> None:
    """The installer and the back office write .htaccess and robots.txt at the top of the web root, as uid 33 (both
    are links to /var/lib/kstore/web, which uid 33 owns: a tmpfs when the root file system is read-only)."""
    probe = "touch robots.txt && echo '# x' >>.htaccess && stat -L -c %u:%g . .htaccess robots.txt"
    result = docker("run", "--rm", IMAGE, "bash", "-c", probe, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["33:33"] * 3, result.stdout


def _install_lock(database: str, prefix: str = "ps_") -> str:
    return "kstore_ps_install_" + hashlib.sha256(f"{database}/{prefix}".encode()).hexdigest()[:16]


def test_two_installs_at_once_install_once(build: Build, network: str, mariadb: str) -> None:
    """Two deploys (or a retried task) at once: one installs, the other waits for the lock and finds it installed."""
    database = new_database(mariadb)
    command = ["docker", "run", "--rm", "--network", network, *env_args(shop_env(mariadb, database)), IMAGE]
    runs = [
        subprocess.Popen([*command, "ps-install"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _run in range(2)
    ]
    outputs = [(run.wait(timeout=180), *run.communicate()) for run in runs]
    assert [code for code, _out, _err in outputs] == [0, 0], outputs
    installed = [out for _code, out, _err in outputs if "ps-install: installed" in out]
    waited = [out for _code, out, _err in outputs if "another install is running" in out]
    assert len(installed) == 1 and len(waited) == 1, outputs
    assert "already installed" in waited[0], outputs
    assert tables(mariadb, database) == ["ps_configuration", "ps_employee", "ps_shop", "ps_standin_marker"]
    assert sql(mariadb, "SELECT COUNT(*) FROM ps_employee", database).stdout.strip() == "1"
    assert sql(mariadb, "SELECT COUNT(*) FROM ps_configuration", database).stdout.strip() == "8"


def test_an_install_still_running_makes_another_exit_6(build: Build, network: str, mariadb: str) -> None:
    database = new_database(mariadb)
    client = ["mariadb", "-h127.0.0.1", "-uroot", f"-p{ROOT_PASSWORD}", "-N", "-B", "--unbuffered"]
    hold = f"SELECT GET_LOCK('{_install_lock(database)}', 0); SELECT SLEEP(30);"
    holder = subprocess.Popen(["docker", "exec", mariadb, *client, "-e", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "1", "the test holds the lock"
        result = ps_install(network, shop_env(mariadb, database, PS_INSTALL_LOCK_TIMEOUT="2"))
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 6, result.stdout + result.stderr
    assert "another install is running" in result.stderr
    assert tables(mariadb, database) == []


def test_passwords_are_on_no_command_line(build: Build, network: str, mariadb: str) -> None:
    """The process list of the install container while the installer runs: no password, the quiet flags."""
    database = new_database(mariadb)
    name = f"pytest-install-{uuid.uuid4().hex[:8]}"
    docker(
        "run", "-d", "--name", name, "--network", network, *env_args(shop_env(mariadb, database)), IMAGE, "ps-install"
    )
    try:
        seen, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline and "index_cli.php" not in seen:
            listing = docker("exec", name, "bash", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '", check=False)
            seen = listing.stdout if listing.returncode == 0 else seen
            time.sleep(0.1)
        assert docker("wait", name).stdout.strip() == "0", docker("logs", name).stderr
    finally:
        docker("rm", "-f", name, check=False)
    assert "index_cli.php" in seen and "--newsletter=0" in seen and "--send_email=0" in seen, seen
    assert DB_PASSWORD not in seen and ADMIN_PASSWORD not in seen, seen
    assert sql(mariadb, "SELECT COUNT(*) FROM ps_employee", database).stdout.strip() == "1"


@pytest.mark.parametrize("variable", ["PS_ADMIN_PASSWORD", "PS_DB_PASSWORD"])
def test_a_password_the_installer_would_cut_short_is_refused(build: Build, network: str, variable: str) -> None:
    """PrestaShop's installer ends an argument's value at '=' (and < > | `): such a password is refused up front."""
    secret = "Abc=def-Sup3r"
    result = ps_install(network, shop_env("unused", "shop", **{variable: secret}))
    assert result.returncode == 2, result.stdout + result.stderr
    assert variable in result.stderr and secret not in result.stdout + result.stderr


def test_a_database_at_a_newer_prestashop_is_refused_and_an_older_one_without_scripts_too(
    build: Build, network: str, mariadb: str
) -> None:
    """The image is 9.0.1: a database at 9.1.0 (a newer PrestaShop ran on it) is a downgrade, refused with exit 7
    before anything changes; a database at 8.2.0 needs an upgrade this image has no scripts for: exit 8, unchanged."""
    database = new_database(mariadb)
    assert ps_install(network, shop_env(mariadb, database)).returncode == 0
    version = "UPDATE ps_configuration SET value = '%s' WHERE name = 'PS_VERSION_DB'"
    checksum = "CHECKSUM TABLE ps_configuration, ps_employee, ps_shop, ps_standin_marker"
    sql(mariadb, version % "9.1.0", database)
    before = sql(mariadb, checksum, database).stdout
    newer = ps_install(network, shop_env(mariadb, database))
    assert newer.returncode == 7, newer.stdout + newer.stderr
    assert "downgrade refused" in newer.stderr and "9.0.1" in newer.stderr and "deploy 9.1.0 or later" in newer.stderr
    assert sql(mariadb, checksum, database).stdout == before
    sql(mariadb, version % "8.2.0", database)
    before = sql(mariadb, checksum, database).stdout
    older = ps_install(network, shop_env(mariadb, database))
    assert older.returncode == 8, older.stdout + older.stderr
    said = older.stdout + older.stderr
    assert "no upgrade scripts" in said and "nothing was changed" in said and "failed (exit 8)" in said, said
    assert sql(mariadb, checksum, database).stdout == before


@pytest.fixture(scope="module")
def next_image(build: Build) -> Iterator[str]:
    """The golden image of the stand-in's next version (9.0.2: its release carries the 9.0.2 upgrade script)."""
    image = f"{IMAGE}-next"
    sha256 = prestashop_standin.build(build.context / "release" / "standin-next.zip", version="9.0.2", layout="9")
    args = build_args("release/standin-next.zip", sha256, PS_VERSION="9.0.2")
    docker("build", "-t", image, *args, str(build.context), timeout=1200)
    yield image
    docker("image", "rm", "-f", image, check=False)


def test_a_new_version_upgrades_the_database_once_and_the_old_one_is_refused_after(
    build: Build, next_image: str, network: str, mariadb: str
) -> None:
    """Install 9.0.1, deploy 9.0.2: its upgrade script migrates the marker schema once (a column, a PHP step's row)
    and PS_VERSION_DB follows; a second deploy of 9.0.2 does nothing; 9.0.1 again is a downgrade, refused unchanged."""
    database = new_database(mariadb)
    env = shop_env(mariadb, database)
    assert ps_install(network, env).returncode == 0
    command = ["run", "--rm", "--network", network, *env_args(env), next_image, "ps-install"]
    upgrade = docker(*command, check=False, timeout=180)
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    assert "upgrading the database from PrestaShop 9.0.1 to 9.0.2: 1 upgrade script(s) (9.0.2)" in upgrade.stdout
    assert "upgraded the database from PrestaShop 9.0.1 to 9.0.2: 2 statement(s), 1 PHP step(s)" in upgrade.stdout
    marker = "SELECT note, IFNULL(migrated_to, '-') FROM ps_standin_marker ORDER BY id"
    after = sql(mariadb, marker, database).stdout.splitlines()
    assert after == ["installed 9.0.1\t9.0.2", "php step 9.0.2\t-"], after
    version = "SELECT value FROM ps_configuration WHERE name = 'PS_VERSION_DB'"
    assert sql(mariadb, version, database).stdout.strip() == "9.0.2"
    again = docker(*command, check=False, timeout=180)
    assert again.returncode == 0 and "already installed" in again.stdout, again.stdout + again.stderr
    assert "upgrad" not in again.stdout
    assert sql(mariadb, marker, database).stdout.splitlines() == after
    back = ps_install(network, env)
    assert back.returncode == 7 and "downgrade refused" in back.stderr, back.stdout + back.stderr
    assert sql(mariadb, marker, database).stdout.splitlines() == after
    assert sql(mariadb, version, database).stdout.strip() == "9.0.2"
    for run in (upgrade, again, back):
        assert DB_PASSWORD not in run.stdout + run.stderr


def test_an_upgrade_interrupted_after_some_statements_completes_when_run_again(
    build: Build, next_image: str, network: str, mariadb: str
) -> None:
    """A deploy killed in the middle of the upgrade (here: its first statement already applied by hand, the version
    still 9.0.1) is completed by the next one: the statement already applied is skipped, not an error."""
    database = new_database(mariadb)
    env = shop_env(mariadb, database)
    assert ps_install(network, env).returncode == 0
    sql(mariadb, "ALTER TABLE ps_standin_marker ADD COLUMN migrated_to VARCHAR(32) NULL", database)
    command = ["run", "--rm", "--network", network, *env_args(env), next_image, "ps-install"]
    upgrade = docker(*command, check=False, timeout=180)
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    assert "1 statement(s), 1 PHP step(s), 1 already applied" in upgrade.stdout
    version = "SELECT value FROM ps_configuration WHERE name = 'PS_VERSION_DB'"
    assert sql(mariadb, version, database).stdout.strip() == "9.0.2"


def test_install_with_custom_prefix(build: Build, network: str, mariadb: str) -> None:
    database = new_database(mariadb)
    result = ps_install(network, shop_env(mariadb, database, PS_DB_PREFIX="ks_"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert tables(mariadb, database) == ["ks_configuration", "ks_employee", "ks_shop", "ks_standin_marker"]


def test_partial_install_is_refused(build: Build, network: str, mariadb: str) -> None:
    database = new_database(mariadb)
    sql(mariadb, "CREATE TABLE ps_shop (id INT); INSERT INTO ps_shop VALUES (1);", database)
    result = ps_install(network, shop_env(mariadb, database))
    assert result.returncode == 5, result.stdout + result.stderr
    assert "partial install" in result.stderr
    assert tables(mariadb, database) == ["ps_shop"]
    assert sql(mariadb, "SELECT COUNT(*) FROM ps_shop", database).stdout.strip() == "1"


def test_unreachable_database_exits_3_within_timeout(build: Build, network: str) -> None:
    started = time.monotonic()
    result = ps_install(network, shop_env("no-such-db-host", "shop", PS_DB_WAIT_TIMEOUT="4"), timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 3, result.stdout + result.stderr
    assert "unreachable within 4s" in result.stderr
    assert elapsed < 20
    assert DB_PASSWORD not in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["PS_DB_HOST", "PS_DB_PASSWORD", "PS_ADMIN_EMAIL", "PS_DOMAIN"])
def test_missing_configuration_exits_2(build: Build, network: str, missing: str) -> None:
    env = shop_env("unused", "shop")
    del env[missing]
    result = ps_install(network, env)
    assert result.returncode == 2
    assert missing in result.stderr


def test_installer_failure_exits_4(build: Build, network: str, mariadb: str) -> None:
    database = new_database(mariadb, grants="SELECT")
    result = ps_install(network, shop_env(mariadb, database))
    assert result.returncode == 4, result.stdout + result.stderr
    assert "installer failed" in result.stderr
    assert DB_PASSWORD not in result.stdout + result.stderr


# ---- the web container -------------------------------------------------------------------------------------------


def test_web_serves_the_installed_shop(build: Build, network: str, mariadb: str, web_factory) -> None:
    database = new_database(mariadb)
    assert ps_install(network, shop_env(mariadb, database)).returncode == 0
    web = web_factory(shop_env(mariadb, database, PS_ADMIN_PASSWORD=None))
    print(f"\nseconds from docker run to /health 200: {web.seconds_to_health:.2f}")
    status, headers, body = http_get(web.url + "/health")
    assert (status, body) == (200, "ok") and "Location" not in headers
    for deep in ("/health?deep=1", "/health/deep"):
        assert http_get(web.url + deep)[:3:2] == (200, "ok")
    status, _headers, body = http_get(web.url + "/")
    assert status == 200 and "Kstore Test Shop" in body and "https=off" in body
    assert "https=on" in http_get(web.url + "/", {"X-Forwarded-Proto": "https"})[2]
    for path in ("/install/", "/install/index_cli.php", "/install/index.php", "/app/config/parameters.php"):
        assert http_get(web.url + path)[0] in (403, 404), path
    assert docker("exec", web.name, "id", "-u").stdout.strip() == "33"
    listening = docker("exec", web.name, "cat", "/proc/net/tcp", "/proc/net/tcp6").stdout
    assert ":1F90 " in listening  # 8080
    for path in ("var/cache", "var/logs", "img", "upload", "download"):
        assert docker("exec", web.name, "test", "-w", f"/var/www/html/{path}", check=False).returncode == 0, path

    # the back office shows its login form: no install folder in the web root (AdminLoginController's rule) ...
    status, _headers, body = http_get(web.url + "/admin-kstore/")
    assert status == 200 and 'id="login_form"' in body and "wrong_install_name" not in body, body[:500]
    # ... not even after an install run inside the web container: ps-install removes the installer it put there
    admin = {"PS_ADMIN_PASSWORD": ADMIN_PASSWORD}
    again = docker("exec", *env_args(admin), web.name, "ps-install", check=False)
    assert again.returncode == 0 and "already installed" in again.stdout, again.stdout + again.stderr
    fresh = new_database(mariadb)
    inside = docker("exec", *env_args({**admin, "PS_DB_NAME": fresh}), web.name, "ps-install", check=False)
    assert inside.returncode == 0 and "ps-install: installed" in inside.stdout, inside.stdout + inside.stderr
    assert docker("exec", web.name, "test", "-e", "/var/www/html/install", check=False).returncode == 1
    assert 'id="login_form"' in http_get(web.url + "/admin-kstore/")[2]


def wait_for_web_files(web: Web) -> str:
    """The container's log line of ps-web-files once it has written .htaccess and robots.txt (in the background)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        logs = docker("logs", web.name, check=False)
        for line in (logs.stdout + logs.stderr).splitlines():
            if line.startswith("ps-web-files: "):
                return line
        time.sleep(0.2)
    raise AssertionError(f"ps-web-files said nothing within 20 s:\n{logs.stdout}\n{logs.stderr}")


def test_the_web_roots_generated_files_come_from_the_database_in_every_container(
    build: Build, network: str, mariadb: str, web_factory
) -> None:
    """The installer's .htaccess and robots.txt die with its one-off container: every web container writes them at
    start from the database with the release's generators, so friendly URLs work on every task, and a setting
    changed in the back office (the database) reaches every task started after. ps-install lists what else the
    installer wrote that is not kept."""
    database = new_database(mariadb)
    install = ps_install(network, shop_env(mariadb, database))
    assert install.returncode == 0, install.stdout + install.stderr
    assert "written by every web container at start" in install.stdout
    assert "NOT kept" in install.stdout and "config/themes/classic/shop1.json" in install.stdout, install.stdout
    env = shop_env(mariadb, database, PS_ADMIN_PASSWORD=None)
    web = web_factory(env)
    assert "written from the database (PrestaShop 9.0.1)" in wait_for_web_files(web)
    # the generated rules are for the shop's domain (PS_SHOP_DOMAIN), as PrestaShop writes them
    shop = {"Host": "shop.example.test"}
    status, _headers, body = http_get(web.url + "/content/4-about-us", shop)
    assert status == 200 and '<p id="cms">cms 4</p>' in body, (status, body[:300])
    status, _headers, body = http_get(web.url + "/robots.txt")
    assert status == 200 and "Sitemap: https://shop.example.test/" in body, (status, body)
    # the back office turns friendly URLs off (the database): the next container's .htaccess routes no such URL
    sql(mariadb, "UPDATE ps_configuration SET value = '0' WHERE name = 'PS_REWRITING_SETTINGS'", database)
    later = web_factory(env)
    wait_for_web_files(later)
    assert http_get(later.url + "/content/4-about-us", shop)[0] == 404
    assert http_get(later.url + "/", shop)[0] == 200


def _service_role_read_only_args() -> tuple[str, ...]:
    """docker run arguments for what the service role's task definition sets: read-only root, its tmpfs mounts
    (roles/service/vars/main.yml, service__writable_paths), an init process, no capability."""
    role_vars = yaml.safe_load((ROOT / "roles" / "service" / "vars" / "main.yml").read_text())
    args = ["--read-only", "--init", "--cap-drop", "ALL"]
    for path in role_vars["service__writable_paths"]:
        args += ["--tmpfs", f"{path['path']}:size={path['size_mib']}m,nosuid,nodev,noexec,uid=33,gid=33"]
    return tuple(args)


def test_a_read_only_container_with_the_service_roles_tmpfs_serves_the_shop(
    build: Build, network: str, mariadb: str, web_factory
) -> None:
    """The service runs the image with a read-only root file system and only the role's tmpfs mounts writable: the
    shop, its generated files, the container's check and the back office's login form all work, and nothing else in
    the image can be changed."""
    database = new_database(mariadb)
    assert ps_install(network, shop_env(mariadb, database)).returncode == 0
    web = web_factory(shop_env(mariadb, database, PS_ADMIN_PASSWORD=None), _service_role_read_only_args())
    assert "written from the database" in wait_for_web_files(web)
    assert http_get(web.url + "/health/app")[:3:2] == (200, "ok\n")
    status, _headers, body = http_get(web.url + "/")
    assert status == 200 and "Kstore Test Shop" in body
    assert http_get(web.url + "/content/7-terms", {"Host": "shop.example.test"})[0] == 200
    status, _headers, body = http_get(web.url + "/admin-kstore/")
    assert status == 200 and 'id="login_form"' in body, body[:300]
    for path in ("/var/www/html/index.php", "/var/www/html/new-file", "/var/www/html/app/config/parameters.php"):
        denied = docker("exec", web.name, "sh", "-c", f"echo x >>{path}", check=False)
        assert denied.returncode != 0 and "Read-only file system" in denied.stderr, (path, denied)
    deadline, health = time.monotonic() + 30, {}
    while time.monotonic() < deadline and health.get("Status") != "healthy":
        time.sleep(0.2)
        health = json.loads(docker("inspect", web.name).stdout)[0]["State"]["Health"]
    assert health["Status"] == "healthy", health


def test_the_container_health_check_needs_the_shops_bootstrap_not_the_database(
    build: Build, network: str, web_factory
) -> None:
    """/health/app (the container's check) answers without a database (a database blip does not fail every task at
    once) but fails when PrestaShop could not boot: here var/cache is not writable. Docker's "healthy" is printed."""
    web = web_factory(shop_env("no-such-db-host", "shop"))
    assert http_get(web.url + "/health/app")[:3:2] == (200, "ok\n")
    assert http_get(web.url + "/health/deep")[0] == 503
    started = json.loads(docker("inspect", web.name).stdout)[0]["State"]["StartedAt"]
    deadline, health = time.monotonic() + 30, {}
    while time.monotonic() < deadline and health.get("Status") != "healthy":
        time.sleep(0.2)
        health = json.loads(docker("inspect", web.name).stdout)[0]["State"]["Health"]
    assert health["Status"] == "healthy", health
    passed = datetime.datetime.fromisoformat(health["Log"][0]["End"][:26])
    begun = datetime.datetime.fromisoformat(started[:26])
    print(f"\nseconds from container start to Docker 'healthy': {(passed - begun).total_seconds():.2f}")
    broken = f"pytest-web-{uuid.uuid4().hex[:8]}"
    mount = "type=tmpfs,destination=/var/www/html/var/cache,tmpfs-mode=0555"
    docker(
        "run",
        "-d",
        "--name",
        broken,
        "--network",
        network,
        "--mount",
        mount,
        *env_args(shop_env("no-such-db-host", "shop")),
        IMAGE,
    )
    try:
        deadline, result = time.monotonic() + 15, None
        while time.monotonic() < deadline:
            result = docker("exec", broken, "curl", "-sS", "http://127.0.0.1:8080/health/app", check=False)
            if result.returncode == 0 and result.stdout:
                break
            time.sleep(0.2)
        assert result is not None and result.stdout.strip() == "var/cache is not writable", result
        status = docker(
            "exec",
            broken,
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "http://127.0.0.1:8080/health",
            check=False,
        ).stdout
        assert status == "200", "the load balancer's static check still answers"
    finally:
        docker("rm", "-f", broken, check=False)


def test_web_never_installs_against_an_empty_database(build: Build, network: str, mariadb: str, web_factory) -> None:
    database = new_database(mariadb)
    web = web_factory(shop_env(mariadb, database))
    assert http_get(web.url + "/health/deep")[0] == 200
    http_get(web.url + "/")
    time.sleep(2)
    assert tables(mariadb, database) == []
    processes = docker("exec", web.name, "ps", "-eo", "args").stdout
    assert "index_cli" not in processes and "ps-install" not in processes
    logs = docker("logs", web.name)
    assert "index_cli" not in logs.stdout + logs.stderr
    assert "Installation successful" not in logs.stdout + logs.stderr


def test_deep_health_503_without_database(build: Build, network: str, web_factory) -> None:
    web = web_factory(shop_env("no-such-db-host", "shop"))
    assert http_get(web.url + "/health")[:3:2] == (200, "ok")
    assert http_get(web.url + "/health/deep")[0] == 503
    assert http_get(web.url + "/health?deep=1")[0] == 503


def test_sessions_go_to_redis_when_configured(build: Build) -> None:
    """Apache's PHP settings (apache2/conf.d) read the session handler the entrypoint derives from PS_REDIS_*."""
    probe = (
        "PHP_INI_SCAN_DIR=/etc/php/8.2/apache2/conf.d php -r "
        '\'echo ini_get("session.save_handler"), " ", ini_get("session.save_path"), " ", '
        '(int) extension_loaded("redis");\''
    )
    redis = docker(
        "run", "--rm", "-e", "PS_REDIS_HOST=cache.internal", "-e", "PS_REDIS_AUTH=t0k/en&x", IMAGE, "bash", "-c", probe
    ).stdout
    handler, path, loaded = redis.split(" ")
    assert (handler, loaded) == ("redis", "1")
    assert path.startswith("tcp://cache.internal:6379?") and "auth=t0k%2Fen%26x" in path
    files = docker("run", "--rm", IMAGE, "bash", "-c", probe).stdout
    assert files.split(" ")[0] == "files"


def test_a_cache_outage_does_not_put_the_auth_token_in_the_logs(build: Build, network: str, web_factory) -> None:
    """PHP prints the session path, AUTH token included, when Redis does not answer: the log stream masks it."""
    token = "Sup3rSecretT0ken-" + uuid.uuid4().hex
    web = web_factory({"PS_REDIS_HOST": "no-such-cache", "PS_REDIS_AUTH": token, "PS_REDIS_TLS": "1"})
    status = http_get(web.url + "/admin-kstore/")[0]
    assert status == 500, "the stand-in back office needs its session store"
    deadline, logs = time.monotonic() + 10, ""
    while time.monotonic() < deadline and "auth=[redacted]" not in logs:
        time.sleep(0.2)
        result = docker("logs", web.name)
        logs = result.stdout + result.stderr
    assert "Failed to read session data" in logs and "auth=[redacted]" in logs, logs[-2000:]
    assert token not in logs and "Sup3rSecret" not in logs


@pytest.mark.parametrize("trusted", [True, False], ids=["baked CA", "other CA"])
def test_redis_sessions_over_tls_verify_the_servers_certificate(
    build: Build, network: str, test_ca: Ca, tmp_path: Path, web_factory, trusted: bool
) -> None:
    """PS_REDIS_TLS=1: the session store's certificate must chain to a CA baked into the image (the system trust
    store, golden_image_ca_bundles). The server is openssl's s_server (a TLS endpoint that speaks no Redis): with a
    certificate from the baked CA the handshake passes and the session fails later; from another CA it is refused."""
    name = f"pytest-tls-{uuid.uuid4().hex[:8]}"
    files = (test_ca if trusted else Ca.new("some other CA")).server_files(name, tmp_path / "tls")
    server = [
        "openssl",
        "s_server",
        "-quiet",
        "-accept",
        "6379",
        "-cert",
        "/tls/server.pem",
        "-key",
        "/tls/server-key.pem",
    ]
    docker("run", "-d", "--name", name, "--network", network, "-v", f"{files}:/tls:ro", IMAGE, *server)
    try:
        web = web_factory({"PS_REDIS_HOST": name, "PS_REDIS_TLS": "1", "PS_REDIS_AUTH": "t0ken-" + name})
        assert http_get(web.url + "/admin-kstore/")[0] == 500, "s_server is not a session store"
        logs = docker("logs", web.name)
        refused = "certificate verify failed" in logs.stdout + logs.stderr
        assert refused is not trusted, logs.stderr[-2000:]
    finally:
        docker("rm", "-f", name, check=False)


# ---- verified TLS to the database (PS_DB_SSL, the CA bundles baked at build time) ----------------------------------

DEEP_HEALTH_CLI = ["php", "-r", 'chdir("/var/www/health"); include "deep.php";']


def test_ca_bundle_and_dbpdo_override_are_baked(build: Build, test_ca: Ca) -> None:
    pem = test_ca.pem().decode().strip()
    out = docker(
        "run",
        "--rm",
        IMAGE,
        "bash",
        "-c",
        "cat /etc/ssl/kstore/db-ca.pem; echo ===; cat /etc/ssl/certs/ca-certificates.crt; echo ===; "
        "head -c 0 /var/www/html/override/classes/db/DbPDO.php && echo override-present",
    ).stdout
    db_ca, system, override = out.split("===")
    assert db_ca.strip() == pem and pem in system and "override-present" in override


def test_tls_install_web_and_deep_health_verified(build: Build, network: str, mariadb_tls: str, web_factory) -> None:
    database = new_database(mariadb_tls, tls=True)
    env = shop_env(mariadb_tls, database, PS_DB_SSL="1")
    result = ps_install(network, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TLS, server certificate verified" in result.stdout
    assert tables(mariadb_tls, database, tls=True) == [
        "ps_configuration",
        "ps_employee",
        "ps_shop",
        "ps_standin_marker",
    ]
    web = web_factory({**env, "PS_ADMIN_PASSWORD": ""})
    assert http_get(web.url + "/health/deep")[:3:2] == (200, "ok")
    status, _headers, body = http_get(web.url + "/")  # the stand-in's page: DbPDO, the image's override
    assert status == 200 and "Kstore Test Shop" in body
    # The server saw TLS sessions from the shop user (require_secure_transport would refuse anything else).
    ssl_users = sql(mariadb_tls, "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'shop'", tls=True)
    assert ssl_users.returncode == 0


def test_tls_required_but_ps_db_ssl_unset_fails(build: Build, network: str, mariadb_tls: str) -> None:
    database = new_database(mariadb_tls, tls=True)
    env = shop_env(mariadb_tls, database, PS_DB_WAIT_TIMEOUT="2")
    result = ps_install(network, env, timeout=60)
    assert result.returncode == 3, result.stdout + result.stderr
    # MariaDB 10.11 answers a plain-text login under require_secure_transport=ON with its access-denied error.
    assert "[1045] Access denied for user 'shop'" in result.stderr
    deep = docker("run", "--rm", "--network", network, *env_args(env), IMAGE, *DEEP_HEALTH_CLI, check=False)
    assert deep.stdout == "database unavailable"
    assert tables(mariadb_tls, database, tls=True) == []
    # The same user and password over verified TLS: accepted, so the refusal above is the transport's.
    tls_env = {**env, "PS_DB_SSL": "1"}
    deep = docker("run", "--rm", "--network", network, *env_args(tls_env), IMAGE, *DEEP_HEALTH_CLI, check=False)
    assert deep.stdout == "ok", deep.stderr


def test_tls_refuses_a_certificate_from_another_ca(build: Build, network: str, mariadb_rogue: str) -> None:
    env = shop_env(mariadb_rogue, "shop", PS_DB_SSL="1", PS_DB_WAIT_TIMEOUT="2")
    result = ps_install(network, env, timeout=60)
    assert result.returncode == 3, result.stdout + result.stderr
    # pdo_mysql reports a failed handshake (here: the chain does not lead to the baked CA) as 2002.
    assert "[2002] Cannot connect to MySQL using SSL" in result.stderr
    deep = docker("run", "--rm", "--network", network, *env_args(env), IMAGE, *DEEP_HEALTH_CLI, check=False)
    assert deep.stdout == "database unavailable"
    # Same server, TLS without the image's verification: it answers, so the refusal above is the verification's.
    probe = (
        '$p = new PDO("mysql:host=' + mariadb_rogue + ';dbname=shop", "shop", getenv("PS_DB_PASSWORD"), '
        "[PDO::MYSQL_ATTR_SSL_CA => '/etc/ssl/kstore/db-ca.pem', PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false]);"
        ' echo $p->query("SELECT 1")->fetchColumn();'
    )
    unverified = docker("run", "--rm", "--network", network, *env_args(env), IMAGE, "php", "-r", probe, check=False)
    assert unverified.stdout == "1", unverified.stderr


def test_tls_without_a_ca_bundle_fails_closed(build: Build, network: str) -> None:
    env = shop_env("unused", "shop", PS_DB_SSL="1", PS_DB_SSL_CA="/nonexistent/ca.pem")
    result = ps_install(network, env)
    assert result.returncode == 2
    assert "PS_DB_SSL_CA=/nonexistent/ca.pem" in result.stderr


def test_doctrine_connection_gets_the_tls_options(build: Build) -> None:
    """parameters.php, read by PrestaShop's set_parameters.php inside Symfony's PHP config loader, adds the TLS
    options to Doctrine's "default" connection. Symfony is not in the stand-in: a recording ContainerBuilder stands
    in for it."""
    probe = (
        "namespace Symfony\\Component\\DependencyInjection { class ContainerBuilder { public array $ext = [];"
        " public function loadFromExtension(string $n, array $c = []): void { $this->ext[$n][] = $c; } } }"
        " namespace { $container = new Symfony\\Component\\DependencyInjection\\ContainerBuilder();"
        " $p = require '/var/www/html/app/config/parameters.php';"
        " echo json_encode(['ext' => $container->ext, 'host' => $p['parameters']['database_host'],"
        " 'ca' => PDO::MYSQL_ATTR_SSL_CA, 'verify' => PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT]); }"
    )
    on = json.loads(docker("run", "--rm", "-e", "PS_DB_SSL=1", "-e", "PS_DB_HOST=db", IMAGE, "php", "-r", probe).stdout)
    options = on["ext"]["doctrine"][0]["dbal"]["connections"]["default"]["options"]
    assert options == {str(on["ca"]): "/etc/ssl/kstore/db-ca.pem", str(on["verify"]): True}
    assert on["host"] == "db"
    off = json.loads(docker("run", "--rm", IMAGE, "php", "-r", probe).stdout)
    assert off["ext"] == []
