"""Benchmark taking email in from the members' enquiries mailbox: time per message.

    .venv/bin/python bench/mailbox.py [--n 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/mailbox.py

Starts a real Dovecot on 127.0.0.1 with TLS (tests/imapd.py: a throw-away configuration,
certificate and maildir), builds a throwaway database (as bench/enquiries.py does) with the
tests' small council (tests/conftest.py `build_org`), delivers N messages by IMAP APPEND —
70% new enquiries from four members, 20% replies in the same thread (found by In-Reply-To),
10% set aside (unknown senders, automatic replies) — and times one `mailbox_poll` taking them all
in, each in its own transaction, marked \\Seen after it commits. Then a second poll with nothing
waiting (what beat costs every minute when the mailbox is quiet).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.enquiries import configure, prepare_database  # noqa: E402
from tests.imapd import dovecot  # noqa: E402


def _message(sender: str, subject: str, body: str, **headers: str) -> tuple[bytes, str]:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "enquiries@testshire.example"
    message["Subject"] = subject
    message_id = f"<{uuid.uuid4().hex}@members.example.org>"
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes(), message_id


def messages(org, n: int, start: datetime) -> list[tuple[bytes, datetime]]:
    rng = random.Random(16)
    members = [org.raiser, org.colleague, org.opponent, org.south_member]
    sent: list[tuple[str, str]] = []  # (sender, message id) of enquiries, for replies
    result = []
    for i in range(n):
        arrived = start + timedelta(minutes=i)
        roll = rng.random()
        if roll < 0.1:
            raw, _ = (
                _message("resident@elsewhere.example", f"Help {i}", "Please help.")
                if i % 2
                else _message(
                    members[i % 4].person.email,
                    "Automatic reply: away",
                    "I am away.",
                    Auto_Submitted="auto-replied",
                )
            )
        elif roll < 0.3 and sent:
            sender, original = rng.choice(sent)
            raw, _ = _message(sender, "Re: my enquiry", f"More detail {i}.", In_Reply_To=original)
        else:
            sender = members[i % 4].person.email
            raw, message_id = _message(
                sender, f"Pothole number {i}", f"A resident reports pothole {i} on Mill Lane."
            )
            sent.append((sender, message_id))
        result.append((raw, arrived))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    label, clean_up = prepare_database(args.keep)
    # Each acknowledgement is emailed inline (to memory): without this, one log line each.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    configure()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    try:
        call_command("migrate", verbosity=0)
        run(args.n, label)
    finally:
        clean_up()


def run(n: int, label: str) -> None:
    from django.db import connection

    from enquiries import mailbox as polling
    from enquiries.mailbox import mailbox_poll
    from enquiries.models import Enquiry, InboundMessage, Mailbox
    from tests.conftest import build_org

    org = build_org()
    with dovecot() as server:
        os.environ["ENQUIRY_MAILBOX_TESTSHIRE_PASSWORD"] = server.password
        server.create_folder("bench")
        mailbox = Mailbox.objects.create(
            council=org.council,
            address=server.user,
            host=server.host,
            port=server.port,
            username=server.user,
            folder="bench",
            service_area=org.policy_area,
        )
        now = datetime.now(UTC)
        batch = messages(org, n, now - timedelta(minutes=n + 5))
        began = time.perf_counter()
        server.deliver_many("bench", batch)
        delivered = time.perf_counter() - began

        queries, taking = [0], [0.0]
        real_take = polling.inbound_take

        def timed_take(**kwargs):
            began = time.perf_counter()
            try:
                return real_take(**kwargs)
            finally:
                taking[0] += time.perf_counter() - began

        def counted(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        polling.inbound_take = timed_take
        began, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(counted):
            report = mailbox_poll(mailbox=mailbox, context=server.context())
        took, cpu = time.perf_counter() - began, time.process_time() - cpu
        polling.inbound_take = real_take
        began = time.perf_counter()
        idle = mailbox_poll(mailbox=mailbox, context=server.context())
        quiet = time.perf_counter() - began
        seen = sum("\\Seen" in flags for flags in server.flags("bench").values())

    outcomes = {str(k): v for k, v in sorted(report.outcomes.items())}
    print(f"Mailbox intake, {label}, Dovecot on 127.0.0.1 over TLS, {n:,} messages")
    print(f"  delivered by APPEND in {delivered:.1f} s (not counted)")
    print(f"  one poll took them all in: {took:.1f} s, {1000 * took / n:.1f} ms a message")
    print(f"  CPU time of this process: {cpu:.1f} s, {1000 * cpu / n:.1f} ms a message")
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"  of which taking in (parse, decide, enquiry or reply, acknowledgement sent inline): "
        f"{taking[0]:.1f} s; IMAP (search, fetch, mark) and the rest: {took - taking[0]:.1f} s"
    )
    print(f"  SQL queries: {queries[0]:,} ({queries[0] / n:.1f} a message)")
    print(f"  outcomes: {outcomes}; failed {report.failed}")
    print(
        f"  enquiries opened {Enquiry.objects.count():,}; rows {InboundMessage.objects.count():,}"
        f"; marked \\Seen {seen:,}"
    )
    print(f"  a poll with nothing waiting: {1000 * quiet:.0f} ms (waiting {idle.waiting})")


if __name__ == "__main__":
    main()
