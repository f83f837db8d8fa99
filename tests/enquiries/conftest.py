"""A real IMAP server (Debian's Dovecot) for the mailbox tests, one per test process.

Without Dovecot the tests that need it are skipped with a reason; with REQUIRE_SERVICES=1 (as
.ci/run sets) they fail instead, so CI cannot go green without having run them.
"""

from __future__ import annotations

import os
import uuid

import pytest

from enquiries.models import Mailbox
from tests.imapd import dovecot, dovecot_binary


@pytest.fixture(scope="session")
def imap_server():
    if dovecot_binary() is None:
        message = "Dovecot is not installed (bin/setup --test installs dovecot-imapd as root)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with dovecot() as server:
        yield server


@pytest.fixture
def mailbox(org, imap_server, settings, tmp_path, monkeypatch):
    """The test council's mailbox: a fresh folder on the server for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = f"test-{uuid.uuid4().hex[:12]}"
    imap_server.create_folder(folder)
    monkeypatch.setenv("ENQUIRY_MAILBOX_TESTSHIRE_PASSWORD", imap_server.password)
    return Mailbox.objects.create(
        council=org.council,
        address=imap_server.user,
        host=imap_server.host,
        port=imap_server.port,
        username=imap_server.user,
        folder=folder,
        service_area=org.policy_area,
    )
