"""``qualcode serve``: the workbench as a web page."""

from __future__ import annotations

import click

from qualcode.cli._base import Context, cli, echo_err, pass_ctx
from qualcode.i18n import _


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="HOST",
    help="The address to listen on. Anything but this machine (e.g. 0.0.0.0) lets "
    "others reach the project without a login: put a reverse proxy with a password "
    "in front (see docs/workbench.md).",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The address browsers use when a reverse proxy is in front "
    "(e.g. https://lab.example.org/qualcode).",
)
@pass_ctx
def serve(ctx: Context, port: int, host: str, public_url: str | None) -> None:
    """Serve the workbench as a web page (for researchers and supervisors who do
    not live in a terminal); every browser tab works on this project as this coder."""
    from qualcode.store import open_project
    from qualcode.tui import serve as web

    project = open_project(ctx.project_location, coder=ctx.who(), blind=ctx.blind)
    try:
        location = project.path or project.location
        where = project.where
    finally:
        project.close()
    if not web.is_local(host):
        echo_err(
            _(
                "warning: serving on {host}: qualcode has no login of its own, so anyone who can reach port {port} can read and change this project; put a reverse proxy with a password in front (docs/workbench.md shows one)"
            ).format(host=host, port=port)
        )
    url = web.public_url(host, port, public_url)
    echo_err(_("serving {where} at {url} (ctrl+c stops)").format(where=where, url=url))
    web.serve(
        location,
        host=host,
        port=port,
        url=public_url,
        coder=ctx.coder,
        blind=ctx.blind,
        title=_("qualcode · {where}").format(where=where),
    )
