"""Letters and reports an applicant uploads: what is accepted, checked by content, not by name.

OWASP ASVS V12 (files): accept an allow-list of types recognised from the file's first bytes,
make the name agree with the content, limit the size while the upload arrives (a larger file is
dropped before anything is stored), store outside the web root under a random name, and serve
only to the staff who may read the application, as a download.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str
    signature: bytes
    extensions: tuple[str, ...]


KINDS = (
    Kind("application/pdf", "PDF", b"%PDF-", (".pdf",)),
    Kind("image/png", "PNG image", b"\x89PNG\r\n\x1a\n", (".png",)),
    Kind("image/jpeg", "JPEG image", b"\xff\xd8\xff", (".jpg", ".jpeg")),
)
KNOWN_DANGEROUS = {b"MZ": "a Windows program", b"\x7fELF": "a program", b"#!": "a script"}


def recognise(head: bytes, filename: str) -> Kind:
    """The kind of file `head` (its first bytes) shows; ValueError with a plain reason when it is
    not a PDF, PNG or JPEG, or when its name claims another type."""
    kind = next((k for k in KINDS if head.startswith(k.signature)), None)
    if kind is None:
        for signature, what in KNOWN_DANGEROUS.items():
            if head.startswith(signature):
                raise ValueError(f"This file is {what}. Please send a PDF, JPEG or PNG.")
        raise ValueError("Please send a PDF, JPEG or PNG file.")
    extension = PurePath(filename).suffix.lower()
    if extension not in kind.extensions:
        said = extension.lstrip(".").upper() or "no type"
        raise ValueError(
            f"This file is a {kind.label}, but its name says {said}. "
            f"Rename it to end in {kind.extensions[0]} and try again."
        )
    return kind


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes `MAX_BYTES`: the file is never kept."""

    def __init__(self, request: object = None, limit: int = MAX_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
