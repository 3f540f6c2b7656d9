"""Uploaded import files waiting for confirmation: MEDIA_ROOT/imports/<token>/, the token random
(URL-safe, 32 characters) and tied to the user who uploaded; deleted after use or after a day."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from cellpath.accounts.models import User

MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class Stored:
    site_id: int
    records_name: str
    mapping_name: str
    mapping_bytes: bytes


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _folder(token: str) -> Path | None:
    return _root() / token if TOKEN.fullmatch(token) else None


def store(
    user: User,
    site_id: int,
    records_name: str,
    records: Iterable[bytes],
    mapping: bytes,
    mapping_name: str,
) -> str:
    token = secrets.token_urlsafe(24)
    folder = _root() / token
    folder.mkdir(parents=True, mode=0o700)
    with (folder / "records.csv").open("wb") as out:
        for chunk in records:
            out.write(chunk)
    (folder / "mapping.csv").write_bytes(mapping)
    meta = {
        "user": user.pk,
        "site": site_id,
        "records_name": records_name,
        "mapping_name": mapping_name,
        "at": time.time(),
    }
    (folder / "meta.json").write_text(json.dumps(meta))
    return token


def records_path(token: str) -> Path:
    folder = _folder(token)
    assert folder is not None
    return folder / "records.csv"


def load(token: str, user: User) -> Stored | None:
    """The stored upload, if it exists, is the user's and is less than a day old."""
    folder = _folder(token)
    if folder is None or not (folder / "meta.json").is_file():
        return None
    meta = json.loads((folder / "meta.json").read_text())
    if meta["user"] != user.pk or time.time() - meta["at"] > MAX_AGE_SECONDS:
        return None
    return Stored(
        meta["site"],
        meta["records_name"],
        meta["mapping_name"],
        (folder / "mapping.csv").read_bytes(),
    )


def remove(token: str) -> None:
    folder = _folder(token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def remove_expired() -> None:
    root = _root()
    if not root.is_dir():
        return
    cutoff = time.time() - MAX_AGE_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
