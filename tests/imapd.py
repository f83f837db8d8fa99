"""A real IMAP server for the tests and the bench: Debian's Dovecot, started on a free port of
127.0.0.1 with TLS (a self-signed certificate made here), one test user with a maildir in a
throw-away directory, and stopped afterwards. Nothing of the machine's own Dovecot is used.

`bin/setup --test` installs dovecot-imapd where it can (as root); `dovecot_binary()` says
whether it is there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import grp
import imaplib
import ipaddress
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "enquiries@testshire.example"
PASSWORD = "imap-test-password"  # noqa: S105 - a throw-away test server's


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


CONFIG = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
auth_mechanisms = plain
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{d}/mail/%n
mail_max_userip_connections = 50
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    ca_file: Path
    directory: Path

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    @contextlib.contextmanager
    def client(self) -> Iterator[imaplib.IMAP4_SSL]:
        imap = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=self.context(), timeout=30)
        imap.login(self.user, self.password)
        try:
            yield imap
        finally:
            with contextlib.suppress(Exception):
                imap.logout()

    def create_folder(self, folder: str) -> None:
        with self.client() as imap:
            imap.create(folder)

    def deliver(self, folder: str, raw: bytes, *, arrived_at: dt.datetime) -> None:
        """Deliver a message by IMAP APPEND, with the arrival time (INTERNALDATE) given."""
        with self.client() as imap:
            typ, data = imap.append(folder, "", imaplib.Time2Internaldate(arrived_at), raw)
            assert typ == "OK", data

    def deliver_many(self, folder: str, messages: list[tuple[bytes, dt.datetime]]) -> None:
        with self.client() as imap:
            for raw, arrived_at in messages:
                typ, data = imap.append(folder, "", imaplib.Time2Internaldate(arrived_at), raw)
                assert typ == "OK", data

    def flags(self, folder: str) -> dict[int, str]:
        """Each message's UID and flags, as the server has them."""
        with self.client() as imap:
            imap.select(f'"{folder}"')
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        result = {}
        for line in data:
            if not line:
                continue
            text = line.decode() if isinstance(line, bytes) else line[0].decode()
            uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
            result[uid] = text.split("FLAGS (")[1].split(")")[0]
        return result


def _run_as() -> tuple[int, int, str, str]:
    """Dovecot will not give mail to root: as root, the mail and its processes belong to the
    `dovecot` user the package made; otherwise to whoever runs the tests."""
    entry = pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    return entry.pw_uid, entry.pw_gid, entry.pw_name, grp.getgrgid(entry.pw_gid).gr_name


@contextlib.contextmanager
def dovecot() -> Iterator[ImapServer]:
    """Run Dovecot in the foreground for as long as the context lasts, in a directory of its
    own that is removed afterwards. Not under pytest's tmp_path: as root the mail processes run
    as `dovecot` and must traverse the path, and every pytest session that starts takes the
    group and other bits off /tmp/pytest-of-root (found when another session's start made a
    30 MB APPEND fail half way)."""
    binary = dovecot_binary()
    if binary is None:
        raise FileNotFoundError("dovecot is not installed (apt-get install dovecot-imapd)")
    directory = Path(tempfile.mkdtemp(prefix="portal-dovecot-"))
    try:
        with _dovecot(binary, directory) as server:
            yield server
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def _dovecot(binary: str, directory: Path) -> Iterator[ImapServer]:
    uid, gid, user, group = _run_as()
    for sub in ("run", "state", "mail", "home"):
        (directory / sub).mkdir(exist_ok=True)
    cert, key = _certificate(directory)
    port = _free_port()
    (directory / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    conf = directory / "dovecot.conf"
    conf.write_text(
        CONFIG.format(
            d=directory, cert=cert, key=key, port=port, uid=uid, gid=gid, user=user, group=group
        )
    )
    if os.geteuid() == 0:
        # The mail processes run as `dovecot`: they need to reach their maildir.
        for path in (directory / "mail", directory / "home"):
            os.chown(path, uid, gid)
        directory.chmod(0o711)  # traversable, not readable
    process = subprocess.Popen(  # noqa: S603 - our own config, a fixed binary
        [binary, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = ImapServer("127.0.0.1", port, USER, PASSWORD, cert, directory)
    try:
        _wait_for(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(server: ImapServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = server.directory / "dovecot.log"
            raise RuntimeError(
                f"dovecot stopped: {process.stderr.read().decode()} "
                f"{log.read_text() if log.exists() else ''}"
            )
        with (
            contextlib.suppress(OSError),
            socket.create_connection((server.host, server.port), timeout=1),
        ):
            return
        time.sleep(0.05)  # waiting for a server we started to listen, not for test time
    raise RuntimeError("dovecot did not start listening within 20 s")
