"""`cellpath trials sync` against a local stand-in for the ClinicalTrials.gov API v2 (never the
internet): it pages with nextPageToken, asks for ALS and open statuses, and imports."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from cellpath.trials.ctgov.commands import sync_main
from cellpath.trials.models import Trial
from tests.trials.conftest import demo_record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry() -> Iterator[tuple[str, list[dict]]]:
    pages = {
        None: {"studies": [demo_record("NCT99000001"), demo_record("NCT99000002")],
               "nextPageToken": "page-2", "totalCount": 3},
        "page-2": {"studies": [demo_record("NCT99000006")], "totalCount": 3},
    }  # fmt: skip
    asked: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = parse_qs(url.query)
            asked.append({"path": url.path, **query})
            token = query.get("pageToken", [None])[0]
            body = json.dumps(pages[token]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v2", asked
    finally:
        server.shutdown()


def test_it_pages_through_the_api_and_imports(registry) -> None:
    url, asked = registry
    out, err = io.StringIO(), io.StringIO()
    assert sync_main(["--url", url, "--quiet"], out=out, err=err) == 0, err.getvalue()
    assert out.getvalue().startswith("added 3, updated 0, unchanged 0")
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {
        "NCT99000001", "NCT99000002", "NCT99000006"
    }  # fmt: skip
    first = asked[0]
    assert first["path"] == "/api/v2/studies"
    assert first["query.cond"] == ["amyotrophic lateral sclerosis"]
    assert "RECRUITING" in first["filter.overallStatus"][0]
    assert asked[1]["pageToken"] == ["page-2"]


def test_no_network_is_a_clear_message(db) -> None:
    err = io.StringIO()
    argv = ["--url", "http://127.0.0.1:9/api/v2", "--retries", "0", "--quiet"]
    status = sync_main(argv, out=io.StringIO(), err=err)
    assert status == 1
    assert "Traceback" not in err.getvalue() and err.getvalue().strip()
