"""The `cellpath` command: demo, serve, createadmin, worker, outcomes, synth, proact, and every
Django management command (`cellpath migrate`, `cellpath check --deploy`, ...)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

COMMANDS = {
    "demo": "set up the database, load the demo data, and serve Cellpath",
    "serve": "serve Cellpath with the waitress WSGI server",
    "createadmin": "create an installation administrator (asks for the password)",
    "worker": "run background tasks (when CELLPATH_TASKS=database)",
    "outcomes": "compute ALSFRS-R outcomes for a registry export (see --help)",
    "synth": "write a synthetic ALS cohort as registry CSV files",
    "proact": "convert a PRO-ACT download to registry CSV files (see --help)",
    "trials": "import ClinicalTrials.gov studies, sync them, read criteria (see --help)",
    "report": "the cohort report of a registry export as HTML, PDF or CSV (see --help)",
    "export": "export a cohort as tidy CSV files, FHIR R4 NDJSON or REDCap files (see --help)",
    "redcap": "import REDCap records through a mapping file, dry run first (see --help)",
}


def _setup(*, demo: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellpath.site.settings")
    if demo:
        os.environ["CELLPATH_DEMO"] = "1"
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        print(f"Cellpath is not configured correctly: {error}", file=sys.stderr)
        raise SystemExit(2) from None


def _serve(host: str, port: int, threads: int) -> int:
    from waitress import serve

    from cellpath.site.wsgi import application

    print(f"Cellpath is running at http://{host}:{port}/  (press Ctrl+C to stop)", flush=True)
    serve(application, host=host, port=port, threads=threads, ident="Cellpath")
    return 0


def _base_url(args: argparse.Namespace) -> None:
    """Links in e-mails point at this server unless CELLPATH_BASE_URL says otherwise."""
    os.environ.setdefault("CELLPATH_BASE_URL", f"http://{args.host}:{args.port}")


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--threads", type=int, default=8)


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cellpath demo", description=COMMANDS["demo"])
    _serve_args(parser)
    parser.add_argument("--no-serve", action="store_true", help="prepare the demo and exit")
    args = parser.parse_args(argv)
    if os.environ.get("CELLPATH_ENV") == "production":
        print("cellpath demo refuses to run with CELLPATH_ENV=production.", file=sys.stderr)
        return 2
    _base_url(args)
    _setup(demo=True)
    from django.core.management import call_command
    from django.test.utils import override_settings

    from cellpath.accounts.audit import Origin, origin
    from cellpath.site import demo as demo_data

    LOCMEM = "django.core.mail.backends.locmem.EmailBackend"

    print("1/2 Preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    print("2/2 Loading the demo data…", flush=True)
    # The alerts the demo's own events trigger are not worth printing to the console.
    with origin(Origin(channel="cli")), override_settings(EMAIL_BACKEND=LOCMEM):
        sign_ins = demo_data.load()
    url = f"http://{args.host}:{args.port}/"
    print(f"\nCellpath demo: {url}\n\nDemo sign-ins (staff: the code step shows the demo code):")
    for s in sign_ins:
        print(f"  {s.role:<14} {s.email:<44} {s.password}   (site {s.site_code.upper()})")
    print(flush=True)
    return 0 if args.no_serve else _serve(args.host, args.port, args.threads)


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cellpath serve", description=COMMANDS["serve"])
    _serve_args(parser)
    args = parser.parse_args(argv)
    _base_url(args)
    _setup()
    return _serve(args.host, args.port, args.threads)


def createadmin(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="cellpath createadmin", description=COMMANDS["createadmin"]
    )
    parser.add_argument("--email", required=True)
    parser.add_argument("--name", default="")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    args = parser.parse_args(argv)
    _setup()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from cellpath.accounts.audit import Origin, origin
    from cellpath.accounts.models import User
    from cellpath.accounts.services import user_create

    if User.objects.filter(email__iexact=args.email).exists():
        print(f"An account for {args.email} already exists.", file=sys.stderr)
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            print("The passwords do not match.", file=sys.stderr)
            return 2
    else:
        print("No terminal to ask for a password: use --password-stdin.", file=sys.stderr)
        return 2
    candidate = User(email=args.email, full_name=args.name)
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        print("\n".join(error.messages), file=sys.stderr)
        return 2
    with origin(Origin(channel="cli")):
        user_create(
            email=args.email,
            password=password,
            full_name=args.name,
            actor="cellpath createadmin",
            is_superuser=True,
        )
    print(f"Administrator {args.email} created. They set up an authenticator at first sign-in.")
    return 0


def worker(argv: list[str]) -> int:
    _setup()
    from django.core.management import call_command

    call_command("db_worker", *argv)
    return 0


def usage() -> str:
    lines = ["usage: cellpath COMMAND [ARGS]", "", "Cellpath commands:"]
    lines += [f"  {name:<12} {text}" for name, text in COMMANDS.items()]
    lines += [
        "",
        "Any Django management command also works, e.g. `cellpath migrate`,",
        "`cellpath check --deploy`, `cellpath shell`.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command in {"demo", "serve", "createadmin", "worker"}:
        return {"demo": demo, "serve": serve, "createadmin": createadmin, "worker": worker}[
            command
        ](rest)
    if command == "trials":
        from cellpath.trials import commands as trials_commands

        return trials_commands.main(rest)
    if command == "export":
        _setup()
        from cellpath.exchange.export_cli import export_main

        return export_main(rest)
    if command == "report":
        _setup()  # the report is rendered by the staff page's template; no database is opened
        from cellpath.reports.commands import report_main

        return report_main(rest)
    if command == "redcap":
        _setup()
        from cellpath.exchange.commands import redcap_main

        return redcap_main(rest)
    if command in {"outcomes", "synth"}:
        from cellpath.registry import commands

        return commands.outcomes_main(rest) if command == "outcomes" else commands.synth_main(rest)
    if command == "proact":
        from cellpath.registry.proact_cli import proact_main

        return proact_main(rest)
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cellpath", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
