"""Start the test identity provider as its own process on a free 127.0.0.1 port.

    with running_provider(tmp_path, redirect_uri=..., users=["ada", "stranger"]) as provider:
        provider.issuer, provider.client_id, ...

It gets a fresh SQLite file and a fresh RSA key in `tmp_path`, migrates, registers the portal
as a confidential client (authorization code, PKCE required, RS256 ID tokens) and serves with
Django's runserver until the block ends.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.oidc_provider.claims import TENANT_ID, object_id

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "protocol-portal-test"
CLIENT_SECRET = "test-client-secret-" + "z" * 30


@dataclass(frozen=True)
class Provider:
    base: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    tenant_id: str = TENANT_ID

    @property
    def issuer(self) -> str:
        return f"{self.base}/o"

    def object_id(self, username: str) -> str:
        return object_id(username)

    def portal_settings(self) -> dict:
        """What the portal's settings need to use this provider."""
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/.well-known/jwks.json",
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_PROVIDER_NAME": "the test council",
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test identity provider stopped: {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (our own 127.0.0.1)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the test identity provider did not start within 30 seconds")


@contextlib.contextmanager
def running_provider(tmp_path: Path, *, redirect_uri: str, users: list[str]):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "provider-key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    port = _free_port()
    provider = Provider(base=f"http://127.0.0.1:{port}")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(ROOT),
        "PROVIDER_DB": str(tmp_path / "provider.sqlite3"),
        "PROVIDER_KEY_FILE": str(key_file),
        "PROVIDER_ISSUER": provider.issuer,
    }
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], **run)
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.seed", CLIENT_ID, CLIENT_SECRET, redirect_uri]
        + users,
        **run,
    )
    log = (tmp_path / "provider.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"{provider.issuer}/.well-known/openid-configuration", process)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
