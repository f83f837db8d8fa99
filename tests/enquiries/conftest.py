"""A real IMAP server (Debian's Dovecot) for the mailbox tests, one per test process.

Without Dovecot the tests that need it are skipped with a reason; with REQUIRE_SERVICES=1 (as
.ci/run sets) they fail instead, so CI cannot go green without having run them.
"""

from __future__ import annotations

import os

import pytest

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
