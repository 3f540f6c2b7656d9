"""Security headers on every kind of page, and production settings that pass `check --deploy`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.commands import Installation, run_cellpath

PAGES = ["landing", "accounts:sign-in", "healthz"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_type_sends_the_security_headers(name: str, client, db) -> None:
    response = client.get(reverse(name))
    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_error_pages_send_them_too(client, db) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_pages_have_no_inline_scripts_or_external_assets(world, client_for) -> None:
    for actor, name in (
        ("anonymous", "landing"),
        ("coordinator_a", "care:patient-list"),
        ("administrator_a", "accounts:audit-log"),
    ):
        html = client_for(actor).get(reverse(name)).content.decode()
        assert "<script>" not in html and "onclick=" not in html and " style=" not in html
        assert "http://" not in html and "https://" not in html, f"external asset on {name}"


PRODUCTION = {
    "CELLPATH_ENV": "production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-for-the-test" + "y" * 10,
    "ALLOWED_HOSTS": "cellpath.example.org",
}


def test_production_settings_pass_the_deployment_check(tmp_path: Path) -> None:
    result = run_cellpath(
        ["check", "--deploy", "--fail-level", "WARNING"], tmp_path, env=PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_cellpath(["check"], tmp_path, env=env)
    assert result.returncode == 2
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_the_demo(tmp_path: Path) -> None:
    result = run_cellpath(["demo", "--no-serve"], tmp_path, env=PRODUCTION)
    assert result.returncode == 2 and "refuses" in result.stderr


def test_the_deployment_check_flags_demo_accounts_in_production(
    demo_loaded: Installation, tmp_path: Path
) -> None:
    assert demo_loaded.result.returncode == 0, demo_loaded.result.stderr
    result = run_cellpath(["check", "--deploy"], demo_loaded.copy(tmp_path), env=PRODUCTION)
    assert result.returncode != 0 and "cellpath.E001" in result.stderr
