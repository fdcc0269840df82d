"""`repowright mcp`: serve the pipeline to MCP clients (Claude Code, Cursor, ...)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from repowright.cli.common import handle_errors
from repowright.errors import InputError

err = Console(stderr=True, highlight=False)


def parse_address(text: str) -> tuple[str, int]:
    """`HOST:PORT` (or `PORT`, on 127.0.0.1)."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InputError(f"--http wants HOST:PORT (e.g. 127.0.0.1:8765), got {text!r}")
    return host, int(port)


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def mcp(
        http: Annotated[
            str | None,
            typer.Option(help="Serve streamable HTTP on HOST:PORT (default: stdio)."),
        ] = None,
        workspace: Annotated[
            Path, typer.Option(help="The only folder tools may read and write.")
        ] = Path("."),
    ) -> None:
        """Serve repowright as MCP tools over stdio (or streamable HTTP with --http)."""
        try:
            from repowright.mcp.server import build_server
        except ImportError as exc:
            raise InputError(
                f"the MCP server needs the `mcp` extra ({exc.name} is missing): "
                "pip install 'repowright[mcp]'"
            ) from None
        server = build_server(workspace)
        if http is None:
            server.run()
            return
        host, port = parse_address(http)
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            err.print(f"warning: serving on {host}, reachable from other machines; no auth")
        server.run("streamable-http", host=host, port=port)
