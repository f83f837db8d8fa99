"""The `mailbox:` section of a council file: the members' enquiries mailbox the portal polls.

    mailbox:
      address: members.enquiries@example.gov.uk
      host: outlook.office365.com        # any IMAP server with TLS
      port: 993                          # optional, 993 by default
      username: members.enquiries@example.gov.uk   # optional, the address by default
      auth: xoauth2                      # or password
      folder: INBOX                      # optional
      done_folder: Taken into the portal # optional: move taken messages here
      service_area: Governance and Members' Services   # where emailed enquiries are filed
      enabled: true
      source: "004 §12.2"

Secrets never go here: they come from environment variables named after the council
(`enquiries.mailbox.secret_name`). Registered with the council-file loader in `apps.py`.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import slugify

from enquiries.models import Mailbox, MailboxAuth
from protocol_portal.org.models import Council, ServiceArea

KEYS = {
    "address", "host", "port", "username", "auth", "folder", "done_folder", "service_area",
    "enabled", "source",
}  # fmt: skip


def validate(value: Any, data: dict[str, Any], name: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{name}: mailbox must be a mapping")
        return
    for key in sorted(set(value) - KEYS):
        errors.append(f"{name}: mailbox has unknown key {key!r}")
    if "@" not in str(value.get("address") or ""):
        errors.append(f"{name}: mailbox.address must be an email address")
    if not value.get("host"):
        errors.append(f"{name}: mailbox.host is missing")
    if value.get("auth", MailboxAuth.PASSWORD) not in MailboxAuth.values:
        errors.append(f"{name}: mailbox.auth must be one of {', '.join(MailboxAuth.values)}")
    if not isinstance(value.get("port", 993), int):
        errors.append(f"{name}: mailbox.port must be a number")
    areas = {
        slugify(area)[:50]
        for directorate in data.get("directorates") or []
        for area in directorate.get("service_areas") or []
    }
    if slugify(str(value.get("service_area") or ""))[:50] not in areas:
        errors.append(f"{name}: mailbox.service_area must be one of the file's service areas")


def write(council: Council, value: dict[str, Any], report) -> None:
    values = {
        "address": value["address"],
        "host": value["host"],
        "port": value.get("port", 993),
        "username": value.get("username") or "",
        "auth": value.get("auth", MailboxAuth.PASSWORD),
        "folder": value.get("folder") or "INBOX",
        "done_folder": value.get("done_folder") or "",
        "service_area": ServiceArea.objects.get(
            council=council, slug=slugify(value["service_area"])[:50]
        ),
        "enabled": bool(value.get("enabled", True)),
        "source": str(value.get("source") or ""),
    }
    mailbox = Mailbox.objects.filter(council=council).first()
    if mailbox is None:
        Mailbox.objects.create(council=council, **values)
        report.created += 1
        return
    changed = [k for k, v in values.items() if getattr(mailbox, k) != v]
    if not changed:
        report.unchanged += 1
        return
    for key in changed:
        setattr(mailbox, key, values[key])
    mailbox._change_reason = "council file reloaded"
    mailbox.save()
    report.updated += 1
