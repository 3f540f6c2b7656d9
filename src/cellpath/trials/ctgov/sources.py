"""Where study records come from, one at a time: a bulk ZIP, a folder, one JSON file, or the API.

Sources
=======

- **The bulk download** ``ctg-studies.json.zip`` (``shared/design/trials-and-evidence.md`` §1.2):
  one JSON file per study, about 600,000 of them, 2.5 GB compressed and 10 GB of JSON. It is read
  as a stream with ``zipfile``: its table of contents (about 330 MB for the real file), then one
  study file at a time, decompressed, CRC-checked and parsed on its own — never the archive
  extracted or held whole. Members that are folders or not ``.json`` (and macOS
  ``__MACOSX``/``._`` copies) are skipped.
- **A folder** of ``*.json`` files (the ZIP unpacked), searched recursively, in sorted order.
- **One ``.json`` file**: a single study, or a saved API page (``{"studies": [...]}``), whose
  studies become one entry each.
- **The live API v2** (`fetch_studies`): ``GET /api/v2/studies`` with ``query.cond``,
  ``filter.overallStatus``, ``pageSize`` (at most 1,000), ``countTotal=true`` and ``pageToken``
  paging until no ``nextPageToken`` is returned (§1.1).

What goes wrong, and how it shows
=================================

- A source that cannot be used at all raises `SourceError`, in plain words: a missing path, a
  file that is not a ZIP, a ZIP that ends early (a truncated download still looks plausible, but
  the central directory is at the end, §1.2: "the file ends early: download it again"), an
  archive whose table of contents points outside the file, an API that keeps failing.
- One bad study never stops an import: it becomes an `Entry` whose ``record`` is None and whose
  ``reason`` says why — invalid JSON (with line and column), not UTF-8, a record
  `records.parse_study` rejects (including the retired classic format), or a ZIP member whose
  checksum does not match (damaged in the middle of the file).

Pure standard library (``json``, ``zipfile``, ``urllib.request``, ``pathlib``).
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import orjson

from cellpath.trials.ctgov.records import OVERALL_STATUSES, RecordError, StudyRecord, parse_study

__all__ = [
    "DEFAULT_STATUSES",
    "MAX_STUDY_BYTES",
    "Entry",
    "FileSource",
    "FolderSource",
    "Source",
    "SourceError",
    "ZipSource",
    "fetch_studies",
    "open_source",
    "read_entry",
]

MAX_STUDY_BYTES = 64 * 1024 * 1024
"""The largest study file read (the largest real record is about 3.6 MB, §1.2); a bigger one
is rejected rather than decompressed, which also defuses a ZIP bomb."""

DEFAULT_STATUSES = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE")


@dataclass(frozen=True)
class Entry:
    """One study file of a source: its record, or why it was rejected."""

    name: str  # the ZIP member or file name; "page 3 item 17" for the API
    record: StudyRecord | None  # None when rejected
    reason: str = ""  # why rejected


class SourceError(Exception):
    """The whole source is unusable; the message says why in plain words."""


class Source(Protocol):
    def __len__(self) -> int:
        """The number of study files, known before reading them (for a progress bar)."""
        ...

    def __iter__(self) -> Iterator[Entry]: ...


def read_entry(name: str, data: bytes | str) -> Entry:
    """An `Entry` from the bytes (or text) of one study file. Parsed by orjson (about three
    times as fast as the standard library: the registry is 10 GB of JSON); a file it refuses
    is read again by `json`, which says where the problem is, or accepts what orjson does
    not (integers past 64 bits)."""
    try:
        return _entry(name, orjson.loads(data))
    except orjson.JSONDecodeError:
        pass
    try:
        obj = json.loads(data)
    except json.JSONDecodeError as error:
        if not data.strip():
            return Entry(name, None, "the file is empty")
        return Entry(
            name,
            None,
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
        )
    except UnicodeDecodeError:
        return Entry(name, None, "the file is not UTF-8 text")
    except RecursionError:
        return Entry(name, None, "invalid JSON: nested too deeply")
    return _entry(name, obj)


def _entry(name: str, obj: object) -> Entry:
    try:
        return Entry(name, parse_study(obj))
    except RecordError as error:
        return Entry(name, None, str(error))


def _is_study_file(name: str) -> bool:
    """A ``.json`` file, not a folder nor a macOS resource copy (``__MACOSX/``, ``._x.json``)."""
    if not name.lower().endswith(".json") or name.startswith("__MACOSX/"):
        return False
    return not name.rsplit("/", 1)[-1].startswith("._")


# --- The bulk ZIP -----------------------------------------------------------------------------

_LOCAL_SIGNATURE = b"PK\x03\x04"  # a ZIP starts with a member's local header …
_EOCD_SIGNATURE = b"PK\x05\x06"  # … and ends with the end of its table of contents
_DOWNLOAD_AGAIN = "download it again"


class ZipSource:
    """The studies of a bulk-download ZIP, streamed: `zipfile` reads the table of contents
    (about 550 bytes a member: some 330 MB for the full registry) and then one member at a
    time, checking its CRC."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as error:
            raise SourceError(self._unreadable(str(error))) from None
        except OSError as error:
            raise SourceError(f"{path.name}: cannot be read ({error.strerror or error})") from None
        self._members = [
            info
            for info in self._zip.infolist()
            if not info.is_dir() and _is_study_file(info.filename)
        ]
        if not self._members:
            raise SourceError(f"{path.name}: the ZIP has no .json files")

    def _unreadable(self, problem: str) -> str:
        """Why `zipfile` could not open the file, in words: a download cut short still starts
        like a ZIP, but its table of contents (at the end) is missing (§1.2)."""
        with self.path.open("rb") as file:
            start = file.read(4)
        if "not a zip file" not in problem.lower():  # the table of contents is there, damaged
            return f"{self.path.name}: the file is damaged: {_DOWNLOAD_AGAIN}"
        if start == _LOCAL_SIGNATURE:
            return (
                f"{self.path.name}: the file ends early: {_DOWNLOAD_AGAIN} (a complete ZIP ends "
                "with its table of contents, and this one has none)"
            )
        if not start:
            return f"{self.path.name}: the file is empty: {_DOWNLOAD_AGAIN}"
        return f"{self.path.name}: this is not a ZIP file, or it is damaged: {_DOWNLOAD_AGAIN}"

    def __len__(self) -> int:
        return len(self._members)

    def __iter__(self) -> Iterator[Entry]:
        for blob in self.blobs():
            yield blob if isinstance(blob, Entry) else read_entry(*blob)

    def blobs(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[str, bytes] | Entry]:
        """Each study file's name and bytes (of the `start`–`stop` ones), unparsed, or the
        rejected `Entry` of a file that could not be read out of the ZIP."""
        for info in self._members[start:stop]:
            name = info.filename
            if info.flag_bits & 0x1:
                yield Entry(name, None, "the file is encrypted in the ZIP")
                continue
            if info.file_size > MAX_STUDY_BYTES:
                size = f"{info.file_size:,} bytes"
                yield Entry(name, None, f"the file is too large for a study record ({size})")
                continue
            try:
                with self._zip.open(info) as member:
                    data = member.read(MAX_STUDY_BYTES + 1)
            except NotImplementedError:
                yield Entry(name, None, "the file is compressed with a method this reader lacks")
                continue
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
                why = " (its checksum does not match)" if "CRC" in str(error) else ""
                yield Entry(name, None, f"the file is damaged in the ZIP{why}: {_DOWNLOAD_AGAIN}")
                continue
            yield name, data


# --- A folder, one file -----------------------------------------------------------------------


class FolderSource:
    """The ``*.json`` files of a folder and its subfolders, in sorted order; names are relative
    to the folder."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._names = sorted(
                file.relative_to(path).as_posix()
                for file in path.rglob("*")
                if _is_study_file(file.name) and file.is_file()
            )
        except OSError as error:
            raise SourceError(f"{path.name}: cannot be read ({error.strerror or error})") from None
        if not self._names:
            raise SourceError(f"{path.name}: the folder has no .json files")

    def __len__(self) -> int:
        return len(self._names)

    def __iter__(self) -> Iterator[Entry]:
        for blob in self.blobs():
            yield blob if isinstance(blob, Entry) else read_entry(*blob)

    def blobs(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[str, bytes] | Entry]:
        """Each file's name and bytes (of the `start`–`stop` ones), unparsed, or the rejected
        `Entry` of an unreadable one."""
        for name in self._names[start:stop]:
            try:
                data = (self.path / name).read_bytes()
            except OSError as error:
                yield Entry(name, None, f"cannot be read ({error.strerror or error})")
                continue
            yield name, data


class FileSource:
    """One ``.json`` file: a study, or a saved API page whose studies are entries
    ``"<file> studies[3]"`` (numbered from 1)."""

    def __init__(self, path: Path):
        self.path = path
        try:
            data = path.read_bytes()
        except OSError as error:
            raise SourceError(f"{path.name}: cannot be read ({error.strerror or error})") from None
        if len(data) > MAX_STUDY_BYTES * 16:
            raise SourceError(f"{path.name}: the file is too large for one JSON document")
        self._entries: list[Entry] | None = None
        self._data: bytes | None = data
        studies = None
        try:
            obj = json.loads(data)
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict) and "protocolSection" not in obj:
            studies = obj.get("studies")
        elif isinstance(obj, list):
            studies = obj
        if isinstance(studies, list):
            self._data = None
            self._entries = [
                _entry(f"{path.name} studies[{i}]", study) for i, study in enumerate(studies, 1)
            ]

    def __len__(self) -> int:
        return 1 if self._entries is None else len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        if self._entries is not None:
            yield from self._entries
        else:
            yield read_entry(self.path.name, self._data or b"")


def open_source(path: str | Path) -> Source:
    """The source at `path`: a ``.zip`` file, a folder of ``.json`` files, or one ``.json``
    file. SourceError when it is none of these or cannot be used."""
    path = Path(path)
    if path.is_dir():
        return FolderSource(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    try:
        with path.open("rb") as file:
            start = file.read(4)
    except OSError as error:
        raise SourceError(f"{path.name}: cannot be read ({error.strerror or error})") from None
    if start in (_LOCAL_SIGNATURE, _EOCD_SIGNATURE) or path.suffix.lower() == ".zip":
        return ZipSource(path)
    if path.suffix.lower() == ".json" or start.lstrip()[:1] in (b"{", b"["):
        return FileSource(path)
    raise SourceError(f"{path.name}: neither a .zip nor a .json file")


# --- The live API -----------------------------------------------------------------------------

_USER_AGENT = "cellpath-trial-import (+https://clinicaltrials.gov/data-api/api)"
_RETRY_CLIENT_ERRORS = {408, 429}


class _PageError(Exception):
    """A page that could not be had this time; worth another try unless `final`."""

    def __init__(self, message: str, *, final: bool = False, wait: float | None = None):
        super().__init__(message)
        self.final = final
        self.wait = wait


def _retry_after(headers: object) -> float | None:
    value = getattr(headers, "get", lambda _: None)("Retry-After")
    try:
        return min(float(value), 60.0) if value is not None else None
    except ValueError:
        return None


def _get_page(opener: Callable, url: str, timeout: float) -> dict:
    request_headers = {"Accept": "application/json", "User-Agent": _USER_AGENT}
    request = urllib.request.Request(url, headers=request_headers)  # noqa: S310 (http/https checked)
    try:
        with opener(request, timeout=timeout) as response:
            status = getattr(response, "status", None) or response.getcode()
            body = response.read()
            headers = getattr(response, "headers", None)
    except urllib.error.HTTPError as error:
        status, headers = error.code, error.headers
        try:
            body = error.read()
        except (OSError, http.client.HTTPException):
            body = b""
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise _PageError(f"no answer ({reason})") from None
    if status != 200:
        text = body[:300].decode("utf-8", "replace").strip()
        detail = f"HTTP {status}" + (f": {text}" if text else "")
        if 400 <= status < 500 and status not in _RETRY_CLIENT_ERRORS:
            raise _PageError(f"the API refused the request ({detail})", final=True)
        raise _PageError(f"the API answered {detail}", wait=_retry_after(headers))
    try:
        page = json.loads(body)
    except (ValueError, RecursionError):
        raise _PageError("the API sent a page that is not valid JSON") from None
    if not isinstance(page, dict) or not isinstance(page.get("studies"), list):
        raise _PageError("the API sent a page without a list of studies")
    return page


def fetch_studies(
    *,
    base_url: str = "https://clinicaltrials.gov/api/v2",
    condition: str = "amyotrophic lateral sclerosis",
    statuses: Sequence[str] = DEFAULT_STATUSES,
    page_size: int = 1000,
    timeout: float = 30,
    retries: int = 3,
    opener: Callable = urllib.request.urlopen,
    on_page: Callable[[int, int | None], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    backoff: float = 2.0,
) -> Iterator[Entry]:
    """The studies matching `condition` and `statuses` from the API v2, page by page.

    Each page is asked for up to ``1 + retries`` times, waiting ``backoff × 2ⁿ`` seconds (or the
    server's Retry-After, at most a minute) in between, when the answer is not HTTP 200, not
    JSON, or does not come; then SourceError. A client error (HTTP 4xx other than 408 and 429)
    fails at once: asking again would not help. `on_page(page number, totalCount or None)` is
    called after each page. Nothing is fetched until the first entry is asked for."""
    unknown = [status for status in statuses if status not in OVERALL_STATUSES]
    if unknown:
        raise ValueError(f"unknown status: {', '.join(unknown)}")
    if not 1 <= page_size <= 1000:
        raise ValueError("page_size must be between 1 and 1,000")
    if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
        raise ValueError("base_url must be an http:// or https:// address")
    return _fetch(
        base_url.rstrip("/"),
        condition,
        tuple(statuses),
        page_size,
        timeout,
        retries,
        opener,
        on_page,
        sleep,
        backoff,
    )


def _fetch(
    base_url: str,
    condition: str,
    statuses: tuple[str, ...],
    page_size: int,
    timeout: float,
    retries: int,
    opener: Callable,
    on_page: Callable[[int, int | None], None] | None,
    sleep: Callable[[float], None],
    backoff: float,
) -> Iterator[Entry]:
    params = {"query.cond": condition} if condition else {}
    if statuses:
        params["filter.overallStatus"] = ",".join(statuses)
    params |= {"pageSize": str(page_size), "countTotal": "true", "format": "json"}
    token: str | None = None
    seen_tokens: set[str] = set()
    page_number = 0
    while True:
        page_number += 1
        query = dict(params, pageToken=token) if token else params
        url = f"{base_url}/studies?" + urllib.parse.urlencode(
            query, quote_via=urllib.parse.quote, safe=","
        )
        page = _page_with_retries(opener, url, timeout, retries, sleep, backoff, page_number)
        total = page.get("totalCount")
        if on_page is not None:
            on_page(page_number, total if isinstance(total, int) else None)
        for item, study in enumerate(page["studies"], 1):
            yield _entry(f"page {page_number} item {item}", study)
        token = page.get("nextPageToken")
        if not token or not isinstance(token, str):
            return
        if token in seen_tokens:
            raise SourceError(f"the API sent page {page_number}'s token again; stopped")
        seen_tokens.add(token)


def _page_with_retries(
    opener: Callable,
    url: str,
    timeout: float,
    retries: int,
    sleep: Callable[[float], None],
    backoff: float,
    page_number: int,
) -> dict:
    attempt = 0
    while True:
        try:
            return _get_page(opener, url, timeout)
        except _PageError as error:
            if error.final or attempt >= retries:
                tries = f"after {attempt + 1} tries" if attempt else "at once"
                raise SourceError(
                    f"ClinicalTrials.gov page {page_number} could not be fetched {tries}: {error}"
                ) from None
            sleep(error.wait if error.wait is not None else backoff * 2**attempt)
            attempt += 1
