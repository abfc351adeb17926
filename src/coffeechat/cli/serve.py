"""`coffeechat serve`: the web app on waitress, a production server that runs anywhere."""

from __future__ import annotations

import signal
import sys
from typing import Annotated, Any

import typer

from coffeechat.cli.runtime import data_location, django_setup, fail, migrate_database, say


def _stop(signum: int, frame: Any) -> None:
    # waitress closes cleanly on SystemExit, so `kill` and `docker stop` end it like Ctrl+C.
    raise SystemExit(0)


def serve_command(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    threads: Annotated[
        int, typer.Option("--threads", min=1, max=256, help="Requests served at once.")
    ] = 8,
) -> None:
    """Run the Coffeechat web app (applies database migrations first).

    Static files are served by the app itself, so nothing else is needed. On a shared server,
    put it behind a TLS proxy and set COFFEECHAT_SECRET_KEY and COFFEECHAT_ALLOWED_HOSTS.

    Examples:

    ```
    coffeechat serve
    COFFEECHAT_DEBUG=1 coffeechat serve --port 8080
    coffeechat serve --host 0.0.0.0 --port 80 --threads 16
    ```
    """
    django_setup()
    from django.db import DatabaseError
    from waitress.server import create_server

    try:
        migrate_database()
    except DatabaseError as exc:
        fail(f"Could not set up the database at {data_location()}: {exc}")

    from coffeechat.wsgi import application

    try:
        server = create_server(application, host=host, port=port, threads=threads)
    except OSError as exc:
        fail(f"Could not listen on {host}:{port}: {exc.strerror or exc}")
    shown_host = f"[{host}]" if ":" in host else host
    say(f"Coffeechat is running at http://{shown_host}:{port} — press Ctrl+C to stop")
    say(f"Data: {data_location()}")
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, _stop)
    server.run()
    say("Coffeechat stopped.")
