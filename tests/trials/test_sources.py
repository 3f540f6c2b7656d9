"""Sources of study records: bulk ZIP, folder, single file, and the live API (a fake server)."""

from __future__ import annotations

import http.server
import json
import threading
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cellpath.trials.ctgov.sources import (
    Entry,
    SourceError,
    fetch_studies,
    open_source,
    read_entry,
)


def study(number: int, *, status: str = "RECRUITING", title: str = "A study") -> dict[str, Any]:
    return {
        "protocolSection": {
            "identificationModule": {"nctId": f"NCT{number:08d}", "briefTitle": title},
            "statusModule": {
                "overallStatus": status,
                "lastUpdatePostDateStruct": {"date": "2026-01-05"},
            },
        }
    }


def dumps(obj: Any) -> bytes:
    return json.dumps(obj).encode()


def write_zip(
    path: Path,
    members: list[tuple[str, bytes | None]],
    compression: int = zipfile.ZIP_DEFLATED,
    comment: bytes = b"",
) -> Path:
    """A ZIP with `members` in order; None content makes a folder entry."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in members:
            if content is None:
                archive.mkdir(name)
            else:
                archive.writestr(name, content)
        archive.comment = comment
    return path


def summary(entries: list[Entry]) -> list[tuple[str, str | None, str]]:
    return [
        (entry.name, entry.record.nct_id if entry.record else None, entry.reason)
        for entry in entries
    ]


# --- The bulk ZIP -----------------------------------------------------------------------------


def mixed_zip(path: Path) -> Path:
    return write_zip(
        path,
        [
            ("NCT00000001.json", dumps(study(1))),
            ("docs/", None),
            ("README.txt", b"not a study"),
            ("NCT00000002.json", b'{"protocolSection": {"identificationModule": '),
            ("NCT00000003.json", dumps({"protocolSection": {"statusModule": {}}})),
            ("NCT00000004.json", dumps({"FullStudiesResponse": {"FullStudies": []}})),
            ("__MACOSX/._NCT00000001.json", b"\x00\x05\x16\x07"),
            ("more/NCT00000005.json", dumps(study(5))),
            ("NCT00000006.JSON", b'{"title": "caf\xe9"}'),  # Latin-1, not UTF-8
            ("NCT00000007.json", b""),
        ],
    )


def test_a_zip_gives_an_entry_per_json_member_in_order(tmp_path):
    source = open_source(mixed_zip(tmp_path / "ctg-studies.json.zip"))
    assert len(source) == 7  # known before reading: folders, non-JSON and macOS copies left out
    entries = list(source)
    assert summary(entries)[0] == ("NCT00000001.json", "NCT00000001", "")
    assert [e.name for e in entries] == [
        "NCT00000001.json",
        "NCT00000002.json",
        "NCT00000003.json",
        "NCT00000004.json",
        "more/NCT00000005.json",
        "NCT00000006.JSON",
        "NCT00000007.json",
    ]
    reasons = {e.name: e.reason for e in entries if e.record is None}
    assert reasons["NCT00000002.json"].startswith("invalid JSON at line 1, column 46")
    assert reasons["NCT00000003.json"] == "no protocolSection.identificationModule.nctId"
    assert "retired classic" in reasons["NCT00000004.json"]
    assert reasons["NCT00000006.JSON"] == "the file is not UTF-8 text"
    assert reasons["NCT00000007.json"] == "the file is empty"
    assert entries[4].record is not None and entries[4].record.nct_id == "NCT00000005"
    assert list(source) == entries  # a source can be read again


def test_a_stored_zip_with_a_comment_and_a_stub_in_front_is_read(tmp_path):
    """Uncompressed members, an archive comment (the end record is not the last 22 bytes),
    and bytes before the archive (a self-extracting stub shifts every offset)."""
    plain = write_zip(
        tmp_path / "plain.zip",
        [(f"NCT{n:08d}.json", dumps(study(n))) for n in range(1, 4)],
        compression=zipfile.ZIP_STORED,
        comment=b"downloaded 2026-03-02",
    )
    shifted = tmp_path / "shifted.zip"
    shifted.write_bytes(b"#!/bin/sh\nexit 0\n" + plain.read_bytes())
    for path in (plain, shifted):
        entries = list(open_source(path))
        assert [e.record.nct_id for e in entries if e.record] == [
            "NCT00000001",
            "NCT00000002",
            "NCT00000003",
        ]


def test_a_zip64_archive_is_read(tmp_path, monkeypatch):
    """The real bulk file has far more than 65,535 members, so its end record is ZIP64 and
    its central directory may hold ZIP64 extra fields: forced here with lowered limits."""
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1 << 8)
    members = [(f"NCT{n:08d}.json", dumps(study(n, title="x" * 300))) for n in range(1, 6)]
    path = write_zip(tmp_path / "big.zip", members)
    monkeypatch.undo()
    data = path.read_bytes()
    assert b"PK\x06\x06" in data and b"PK\x06\x07" in data  # ZIP64 end record and locator
    with zipfile.ZipFile(path) as archive:  # the reference reader agrees it is valid
        assert archive.testzip() is None
    source = open_source(path)
    assert len(source) == 5
    assert [e.record.nct_id for e in source if e.record] == [f"NCT{n:08d}" for n in range(1, 6)]


@pytest.mark.parametrize("keep", [0.05, 0.5, 0.97, -1])
def test_a_truncated_zip_is_refused_up_front(tmp_path, keep):
    whole = write_zip(
        tmp_path / "whole.zip", [(f"NCT{n:08d}.json", dumps(study(n))) for n in range(1, 30)]
    )
    data = whole.read_bytes()
    cut = tmp_path / "ctg-studies.json.zip"
    cut.write_bytes(data[:-1] if keep == -1 else data[: int(len(data) * keep)])
    with pytest.raises(SourceError) as error:
        open_source(cut)
    assert str(error.value).startswith("ctg-studies.json.zip: the file ends early: download it")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty: download it again"),
        (b"<html>Service unavailable</html>", "this is not a ZIP file"),
    ],
)
def test_a_file_that_is_not_a_zip_is_refused(tmp_path, content, message):
    path = tmp_path / "ctg-studies.json.zip"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        open_source(path)


def test_a_damaged_table_of_contents_is_refused_up_front(tmp_path):
    path = write_zip(tmp_path / "a.zip", [(f"NCT{n:08d}.json", dumps(study(n))) for n in (1, 2)])
    data = bytearray(path.read_bytes())
    second_header = data.rfind(b"PK\x01\x02")
    data[second_header : second_header + 4] = b"XXXX"
    path.write_bytes(bytes(data))
    with pytest.raises(SourceError, match="the file is damaged: download it again"):
        open_source(path)


def test_a_member_damaged_in_the_middle_is_rejected_and_the_rest_read(tmp_path):
    members = [(f"NCT{n:08d}.json", dumps(study(n, title=f"Study number {n}"))) for n in (1, 2, 3)]
    path = write_zip(tmp_path / "a.zip", members, compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.find(b"Study number 2")
    data[at : at + 5] = b"Stuff"  # same length: only the checksum can tell
    path.write_bytes(bytes(data))
    source = open_source(path)
    assert len(source) == 3
    assert summary(list(source)) == [
        ("NCT00000001.json", "NCT00000001", ""),
        (
            "NCT00000002.json",
            None,
            "the file is damaged in the ZIP (its checksum does not match): download it again",
        ),
        ("NCT00000003.json", "NCT00000003", ""),
    ]


def test_a_corrupt_compressed_member_is_rejected(tmp_path):
    members = [(f"NCT{n:08d}.json", dumps(study(n, title="y" * 2000))) for n in (1, 2)]
    path = write_zip(tmp_path / "a.zip", members)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("NCT00000001.json")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start : start + info.compress_size] = bytes(info.compress_size)  # zeros
    path.write_bytes(bytes(data))
    first, second = open_source(path)
    assert first.record is None and "damaged in the ZIP" in first.reason
    assert second.record is not None


def test_an_encrypted_member_is_rejected(tmp_path):
    path = write_zip(tmp_path / "a.zip", [("NCT00000001.json", dumps(study(1)))])
    data = bytearray(path.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature) + flags_at
        data[at] |= 0x01
    path.write_bytes(bytes(data))
    (entry,) = open_source(path)
    assert entry.record is None and entry.reason == "the file is encrypted in the ZIP"


def test_a_zip_is_streamed_one_member_at_a_time(tmp_path):
    """Reading 300 study files of ~20 kB (6 MB of JSON) never holds much more than one."""
    body = "An invented sentence about the study. " * 500
    members = [(f"NCT{n:08d}.json", dumps(study(n, title=body))) for n in range(1, 301)]
    path = write_zip(tmp_path / "a.zip", members)
    source = open_source(path)
    tracemalloc.start()
    try:
        count = sum(1 for entry in source if entry.record is not None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 300
    assert peak < 500_000, peak  # all at once would be over 6 MB


# --- A folder, one file -----------------------------------------------------------------------


def test_a_folder_gives_its_json_files_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "NCT00000002.json").write_bytes(dumps(study(2)))
    (tmp_path / "NCT00000003.json").write_bytes(b"{not json")
    (tmp_path / "a.json").write_bytes(dumps(study(1)))
    (tmp_path / "notes.txt").write_text("skip me")
    source = open_source(tmp_path)
    assert len(source) == 3
    assert summary(list(source)) == [
        ("NCT00000003.json", None, "invalid JSON at line 1, column 2: Expecting property name "
         "enclosed in double quotes"),
        ("a.json", "NCT00000001", ""),
        ("b/NCT00000002.json", "NCT00000002", ""),
    ]  # fmt: skip


def test_a_folder_without_json_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(SourceError, match=r"the folder has no \.json files"):
        open_source(tmp_path)


def test_one_json_file_is_one_entry(tmp_path):
    path = tmp_path / "NCT00000001.json"
    path.write_bytes(dumps(study(1)))
    source = open_source(path)
    assert len(source) == 1
    assert summary(list(source)) == [("NCT00000001.json", "NCT00000001", "")]


def test_a_saved_api_page_gives_an_entry_per_study(tmp_path):
    path = tmp_path / "als.json"
    page = {"studies": [study(1), {"protocolSection": {}}, study(3)], "nextPageToken": "abc"}
    path.write_bytes(dumps(page))
    source = open_source(path)
    assert len(source) == 3
    assert summary(list(source)) == [
        ("als.json studies[1]", "NCT00000001", ""),
        ("als.json studies[2]", None, "no protocolSection.identificationModule.nctId"),
        ("als.json studies[3]", "NCT00000003", ""),
    ]


def test_one_invalid_json_file_is_one_rejected_entry(tmp_path):
    path = tmp_path / "study.json"
    path.write_text('{\n  "protocolSection": {\n    "identificationModule": nope\n}')
    (entry,) = open_source(path)
    assert entry.reason.startswith("invalid JSON at line 3, column 29")


@pytest.mark.parametrize("name", ["missing.zip", "missing"])
def test_a_missing_path_is_refused(tmp_path, name):
    with pytest.raises(SourceError, match="no such file or folder"):
        open_source(tmp_path / name)


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "studies.csv"
    path.write_text("NCTId,BriefTitle\n")
    with pytest.raises(SourceError, match=r"neither a \.zip nor a \.json file"):
        open_source(path)


def test_read_entry_accepts_text_and_bytes():
    assert read_entry("x", json.dumps(study(7))).record.nct_id == "NCT00000007"
    assert read_entry("x", b"[1, 2]").reason == "a study record must be a JSON object, not a list"
    assert read_entry("x", b"  ").reason == "the file is empty"


# --- The live API (a fake server on 127.0.0.1) ------------------------------------------------


class FakeApi:
    """A scripted ClinicalTrials.gov: `answers` are (status, body) pairs served in turn; every
    request's path and query are recorded."""

    def __init__(self, answers: list[tuple[int, bytes]]):
        self.answers = list(answers)
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                api.requests.append((url.path, urllib.parse.parse_qs(url.query)))
                status, body = api.answers.pop(0) if api.answers else (404, b"no more pages")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/v2"


@pytest.fixture
def fake_api() -> Iterator[Callable[[list[tuple[int, bytes]]], FakeApi]]:
    servers: list[FakeApi] = []

    def start(answers: list[tuple[int, bytes]]) -> FakeApi:
        api = FakeApi(answers)
        api.thread.start()
        servers.append(api)
        return api

    yield start
    for api in servers:
        api.server.shutdown()
        api.server.server_close()


# no proxy, ever: the fake server is on this machine
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({})).open


def page(studies: list[Any], token: str | None = None, total: int | None = 5) -> bytes:
    body: dict[str, Any] = {"studies": studies}
    if token:
        body["nextPageToken"] = token
    if total is not None:
        body["totalCount"] = total
    return dumps(body)


def test_pages_are_followed_through_next_page_tokens(fake_api):
    api = fake_api(
        [
            (200, page([study(1), study(2)], token="tok-2")),
            (200, page([study(3), {"protocolSection": []}], token="tok 3/+")),
            (200, page([study(5)])),
        ]
    )
    progress: list[tuple[int, int | None]] = []
    entries = list(
        fetch_studies(base_url=api.base_url, opener=DIRECT, on_page=lambda *a: progress.append(a))
    )
    assert summary(entries) == [
        ("page 1 item 1", "NCT00000001", ""),
        ("page 1 item 2", "NCT00000002", ""),
        ("page 2 item 1", "NCT00000003", ""),
        ("page 2 item 2", None, "protocolSection must be an object, not a list"),
        ("page 3 item 1", "NCT00000005", ""),
    ]
    assert progress == [(1, 5), (2, 5), (3, 5)]
    assert [path for path, _ in api.requests] == ["/api/v2/studies"] * 3
    first, second, third = (query for _, query in api.requests)
    assert first == {
        "query.cond": ["amyotrophic lateral sclerosis"],
        "filter.overallStatus": ["RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION,AVAILABLE"],
        "pageSize": ["1000"],
        "countTotal": ["true"],
        "format": ["json"],
    }
    assert second["pageToken"] == ["tok-2"] and third["pageToken"] == ["tok 3/+"]
    assert {k: v for k, v in third.items() if k != "pageToken"} == first


def test_the_condition_statuses_and_page_size_are_asked_for(fake_api):
    api = fake_api([(200, page([], total=None))])
    progress: list[tuple[int, int | None]] = []
    entries = list(
        fetch_studies(
            base_url=api.base_url + "/",
            condition="motor neurone disease",
            statuses=["COMPLETED"],
            page_size=50,
            opener=DIRECT,
            on_page=lambda *a: progress.append(a),
        )
    )
    assert entries == [] and progress == [(1, None)]
    (_, query), = api.requests  # fmt: skip
    assert query["query.cond"] == ["motor neurone disease"]
    assert query["filter.overallStatus"] == ["COMPLETED"]
    assert query["pageSize"] == ["50"]


def test_nothing_is_fetched_until_the_first_entry_is_asked_for(fake_api):
    api = fake_api([(200, page([study(1)]))])
    entries = fetch_studies(base_url=api.base_url, opener=DIRECT)
    assert api.requests == []
    assert next(entries).record.nct_id == "NCT00000001"


@pytest.mark.parametrize("bad", [(500, b"oops"), (503, b""), (200, b"<html>busy</html>")])
def test_a_failed_page_is_asked_for_again(fake_api, bad):
    api = fake_api([bad, (200, page([study(1)]))])
    waits: list[float] = []
    entries = list(fetch_studies(base_url=api.base_url, opener=DIRECT, sleep=waits.append))
    assert summary(entries) == [("page 1 item 1", "NCT00000001", "")]
    assert len(api.requests) == 2 and waits == [2.0]


def test_a_page_that_keeps_failing_stops_the_fetch(fake_api):
    api = fake_api([(500, b"internal error")] * 4)
    waits: list[float] = []
    entries = fetch_studies(base_url=api.base_url, opener=DIRECT, sleep=waits.append, retries=3)
    with pytest.raises(SourceError) as error:
        list(entries)
    assert str(error.value) == (
        "ClinicalTrials.gov page 1 could not be fetched after 4 tries: "
        "the API answered HTTP 500: internal error"
    )
    assert len(api.requests) == 4 and waits == [2.0, 4.0, 8.0]


def test_a_refused_request_is_not_asked_again(fake_api):
    api = fake_api([(400, b"invalid value of filter.overallStatus")])
    with pytest.raises(SourceError, match=r"refused the request \(HTTP 400: invalid value"):
        list(fetch_studies(base_url=api.base_url, opener=DIRECT, sleep=lambda _: None))
    assert len(api.requests) == 1


def test_a_later_page_failing_keeps_the_entries_already_given(fake_api):
    api = fake_api([(200, page([study(1)], token="t2")), *[(502, b"")] * 2])
    entries = fetch_studies(base_url=api.base_url, opener=DIRECT, retries=1, sleep=lambda _: None)
    assert next(entries).record.nct_id == "NCT00000001"
    with pytest.raises(SourceError, match="page 2 could not be fetched after 2 tries"):
        next(entries)
    assert len(api.requests) == 3


def test_an_unreachable_api_is_a_source_error():
    def refuse(request: Any, timeout: float) -> Any:
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    with pytest.raises(SourceError, match=r"after 3 tries: no answer \(.*Connection refused"):
        list(fetch_studies(opener=refuse, retries=2, sleep=lambda _: None))


def test_a_repeated_page_token_stops_the_fetch(fake_api):
    api = fake_api([(200, page([study(1)], token="same"))] * 3)
    with pytest.raises(SourceError, match="token again"):
        list(fetch_studies(base_url=api.base_url, opener=DIRECT))
    assert len(api.requests) == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"statuses": ["OPEN"]}, "unknown status: OPEN"),
        ({"page_size": 5000}, "page_size"),
        ({"base_url": "file:///etc"}, "http"),
    ],
)
def test_bad_arguments_are_refused_at_once(options, message):
    with pytest.raises(ValueError, match=message):
        fetch_studies(**options)
