"""Screenshots of Cellpath's main page types at a phone width and a desktop width.

    make screens                     # or: python scripts/screens.py [--out docs/screens]

It builds the demo in an empty temporary var directory (`cellpath demo`, as `make demo` does),
serves it on a free port, signs in as the demo roles it needs, and writes
`<out>/<page>-<width>.png` for every page at 390 and 1280 pixels wide. One line per shot; a page
that answers an error (or sends the browser back to sign-in) stops the run with a non-zero exit.
At the end it lists the pages that scroll sideways at 390 pixels (scrollWidth > innerWidth).

Headless Chromium is Debian's /usr/bin/chromium (CELLPATH_CHROMIUM overrides it), driven by
Playwright; no browser is downloaded.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
CHROMIUM = os.environ.get("CELLPATH_CHROMIUM", "/usr/bin/chromium")
WIDTHS = (390, 1280)
HEIGHT = {390: 844, 1280: 800}
MAX_HEIGHT = 13000  # a taller page is cut here (the set must stay small in git)

# The demo's sign-ins (src/cellpath/site/demo.py, SIGN_INS).
PASSWORDS = {
    "patient@demo.cellpath.test": "demo-patient-riverside",
    "coordinator@demo.cellpath.test": "demo-coordinator-riverside",
    "clinician@demo.cellpath.test": "demo-clinician-riverside",
}


class ScreensError(Exception):
    """A page answered an error, or the demo could not be served: the script stops with it."""


@dataclass
class Shot:
    name: str
    width: int
    path: Path
    scroll_width: int
    inner_width: int

    @property
    def sideways(self) -> bool:
        return self.scroll_width > self.inner_width


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo(var_dir: Path, port: int, log: io.TextIOBase) -> subprocess.Popen:
    env = dict(os.environ, CELLPATH_VAR_DIR=str(var_dir), PYTHONPATH=str(SRC))
    env.pop("DATABASE_URL", None)  # always the temporary SQLite database
    return subprocess.Popen(
        [sys.executable, "-m", "cellpath.cli", "demo", "--port", str(port), "--threads", "4"],
        cwd=var_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(server: subprocess.Popen, base: str, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            raise ScreensError(f"the demo server stopped (exit {server.returncode}):\n{tail}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass  # not serving yet: ask again
        time.sleep(1)
    raise ScreensError(f"the demo server did not answer within {timeout:.0f} s")


def django_setup(var_dir: Path) -> None:
    """This process reads the same SQLite database, for slugs and the current TOTP codes."""
    os.environ["CELLPATH_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellpath.site.settings")
    # The ORM calls happen between Playwright's page actions (its sync API keeps an event loop).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sys.path.insert(0, str(SRC))
    import django

    django.setup()


def demo_targets() -> dict[str, str]:
    from cellpath.accounts.models import User
    from cellpath.care.models import Patient
    from cellpath.evidence.models import KnowledgePage
    from cellpath.programmes.models import Programme
    from cellpath.trials.models import Trial

    learn = KnowledgePage.objects.filter(published=True).order_by("pk").first()
    programme = Programme.objects.filter(published=True).order_by("pk").first()
    trial = Trial.objects.first()  # the finder's first
    patient = Patient.objects.get(user=User.objects.get(email="patient@demo.cellpath.test"))
    if not (learn and programme and trial):
        raise ScreensError("the demo has no learn page, programme or trial to show")
    return {
        "learn": learn.get_absolute_url(),
        "programme": programme.get_absolute_url(),
        "trial": f"/trials/{trial.nct_id}/",
        "progression": f"/patients/{patient.pk}/progression/",
    }


def current_code(email: str) -> str:
    from cellpath.accounts import mfa
    from cellpath.accounts.models import User

    device = mfa.confirmed_device(User.objects.get(email=email))
    if device is None:
        raise ScreensError(f"{email} has no authenticator")
    return mfa.current_code(device.secret)


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORDS[email])
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if "/code/" in page.url:
        page.fill("main input:not([type=hidden])", current_code(email))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    if "/accounts/sign-in" in page.url:
        raise ScreensError(f"signing in as {email} failed (still at {page.url})")


def save_png(data: bytes, path: Path) -> int:
    """A 256-colour palette keeps the set small in git; text stays sharp. Returns the page's
    full height (the image stops at MAX_HEIGHT)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    height = image.height
    if height > MAX_HEIGHT:
        image = image.crop((0, 0, image.width, MAX_HEIGHT))
    image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    image.save(path, optimize=True)
    return height


def capture(page, base: str, name: str, url: str, out: Path) -> list[Shot]:
    shots = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT[width]})
        response = page.goto(f"{base}{url}", wait_until="load")
        if response is None:
            raise ScreensError(f"{name}: no response from {url}")
        if response.status >= 400:
            raise ScreensError(f"{name}: {url} answered HTTP {response.status}")
        if "/accounts/sign-in" in page.url and "/accounts/" not in url:
            raise ScreensError(f"{name}: {url} sent the browser to sign-in ({page.url})")
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        path = out / f"{name}-{width}.png"
        height = save_png(page.screenshot(full_page=True, animations="disabled"), path)
        shot = Shot(name, width, path, scroll_width, inner_width)
        shots.append(shot)
        note = f"  (cut at {MAX_HEIGHT} of {height} px)" if height > MAX_HEIGHT else ""
        if shot.sideways:
            note += f"  SCROLLS SIDEWAYS: scrollWidth {scroll_width} > {inner_width}"
        size = path.stat().st_size // 1024
        print(f"  {path.relative_to(ROOT)}  {url}  {size} KB{note}", flush=True)
    return shots


def run(out: Path, timeout: float) -> list[Shot]:
    if not shutil.which(CHROMIUM):
        raise ScreensError(f"{CHROMIUM} is missing: install Debian's chromium")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cellpath-screens-") as tmp:
        var_dir = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log_path = var_dir / "server.log"
        with log_path.open("w") as log:
            print(f"Building the demo in {var_dir} and serving it at {base} …", flush=True)
            server = start_demo(var_dir, port, log)
            try:
                wait_until_up(server, base, log_path, timeout)
                django_setup(var_dir)
                targets = demo_targets()
                return shoot(base, targets, out)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()


def shoot(base: str, targets: dict[str, str], out: Path) -> list[Shot]:
    from playwright.sync_api import sync_playwright

    public = [
        ("landing", "/"),
        ("learn", targets["learn"]),
        ("study-library", "/evidence/"),
        ("programme", targets["programme"]),
        ("trial-finder", "/trials/"),
        ("trial", targets["trial"]),
        ("apply", "/apply/"),
    ]
    # Each user signs in once (a TOTP code is good for one use); one context serves both widths.
    signed_in = [
        ("clinician@demo.cellpath.test", [("progression", targets["progression"])]),
        (
            "coordinator@demo.cellpath.test",
            [
                ("coordinator-home", "/home/"),
                ("dashboard", "/patients/dashboard/"),
                ("applications", "/applications/"),
            ],
        ),
        ("patient@demo.cellpath.test", [("portal-home", "/home/")]),
    ]
    shots: list[Shot] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            for who, pages in [(None, public), *signed_in]:
                context = browser.new_context(device_scale_factor=1)
                page = context.new_page()
                page.set_default_timeout(30_000)
                print(f"As {who or 'a visitor'}:", flush=True)
                if who:
                    sign_in(page, base, who)
                for name, url in pages:
                    shots += capture(page, base, name, url, out)
                context.close()
        finally:
            browser.close()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds to wait for the demo to be served"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        shots = run(args.out.resolve(), args.timeout)
    except ScreensError as error:
        print(f"screens: {error}", file=sys.stderr)
        return 1
    total = sum(shot.path.stat().st_size for shot in shots)
    print(
        f"\n{len(shots)} screenshots in {args.out}, {total / 1_000_000:.2f} MB, "
        f"{time.monotonic() - started:.0f} s"
    )
    sideways = [shot for shot in shots if shot.width == WIDTHS[0] and shot.sideways]
    if sideways:
        print(f"Pages that scroll sideways at {WIDTHS[0]} px:")
        for shot in sideways:
            print(f"  {shot.name}: scrollWidth {shot.scroll_width} > {shot.inner_width}")
    else:
        print(f"No page scrolls sideways at {WIDTHS[0]} px.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
