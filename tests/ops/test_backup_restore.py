"""bin/backup and bin/restore (real PostgreSQL; marked `services`): a case and its attachment,
backed up, restored into an EMPTY new database and uploads folder, and served from there."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from enquiries import services
from protocol_portal.celery import app
from tests.services import ROOT, require_services, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"restored-attachment" * 10

SERVE = """
import django; django.setup()
from django.test import Client
from enquiries.models import Enquiry
enquiry = Enquiry.objects.get()
client = Client()
client.force_login(enquiry.member.person)
page = client.get(f"/enquiries/{enquiry.reference}/")
attachment = enquiry.attachments.get()
download = client.get(f"/enquiries/{enquiry.reference}/attachments/{attachment.pk}/")
print(page.status_code, enquiry.reference in page.content.decode(), enquiry.subject)
print(download.status_code, b"".join(download.streaming_content) == PNG_BYTES)
"""


def _admin_connection():
    db = django_settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def _script(name, env, *args):
    return subprocess.run(
        [str(ROOT / "bin" / name), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_backup_restores_into_an_empty_database_and_serves_the_case(
    org, as_of, tmp_path, settings
):
    require_services()
    settings.MEDIA_ROOT = str(tmp_path / "attachments")
    app.conf.task_always_eager = True  # the acknowledgement's delivery, inline
    enquiry = services.enquiry_create(
        member=org.raiser,
        subject="Fly-tipping behind the library",
        description="Bags of rubbish since Monday.",
        service_area=org.repairs,
        ward=org.north,
        attachments=[SimpleUploadedFile("photo.png", PNG)],
        actor=org.raiser.person,
        as_of=as_of,
    )
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    source = worker_env()["DATABASE_URL"]

    backup = _script(
        "backup",
        base
        | {
            "DATABASE_URL": source,
            "MEDIA_ROOT": str(tmp_path / "attachments"),
            "BACKUP_DIR": str(tmp_path / "backups"),
        },
    )
    assert backup.returncode == 0, backup.stderr
    folder = backup.stdout.strip().splitlines()[-1]
    assert sorted(os.listdir(folder)) == ["SHA256SUMS", "attachments.tar.gz", "database.dump"]

    restored_name = f"portal_restored_{uuid.uuid4().hex[:8]}"
    restored = source.rsplit("/", 1)[0] + "/" + restored_name
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        restore_env = base | {
            "DATABASE_URL": restored,
            "MEDIA_ROOT": str(tmp_path / "restored-attachments"),
        }
        restore = _script("restore", restore_env, folder)
        assert restore.returncode == 0, restore.stderr

        served = subprocess.run(
            [sys.executable, "-c", SERVE.replace("PNG_BYTES", repr(PNG))],
            cwd=ROOT,
            env=restore_env | {"DJANGO_SETTINGS_MODULE": "protocol_portal.settings"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert served.returncode == 0, served.stderr[-3000:]
        assert served.stdout.split("\n")[:2] == [
            "200 True Fly-tipping behind the library",
            "200 True",
        ]

        # A second restore into the now-full database is refused, not mixed in.
        again = _script("restore", restore_env, folder)
        assert again.returncode == 1
        assert "restore into an empty one" in again.stderr
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
    assert enquiry.reference.startswith(org.council.reference_code)
    assert connection.vendor == "postgresql"


def test_a_tampered_backup_is_not_restored(tmp_path):
    require_services()
    folder = tmp_path / "2026-12-06T000000Z"
    folder.mkdir()
    (folder / "database.dump").write_bytes(b"dump")
    (folder / "attachments.tar.gz").write_bytes(b"tar")
    subprocess.run(
        ["sha256sum", "database.dump", "attachments.tar.gz"],
        cwd=folder,
        check=True,
        stdout=(folder / "SHA256SUMS").open("w"),
    )
    (folder / "database.dump").write_bytes(b"changed")
    result = _script(
        "restore", dict(os.environ) | {"DATABASE_URL": "postgres://x@127.0.0.1/none"}, str(folder)
    )
    assert result.returncode == 1
    assert "does not match its SHA256SUMS" in result.stderr
