"""The workbench in a browser tab, through textual-serve.

``qualcode serve`` runs a small web server; every browser tab that opens its page
gets its own workbench process (the same program, with the web driver), working on
the same project as the coder who started the server. The server has no login of
its own, so it listens on this machine only unless ``--host`` says otherwise; on a
lab server, put it behind a reverse proxy that asks for a password (see
``docs/workbench.md``) and give the proxy's address as ``--public-url``.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys

from qualcode.errors import InputError
from qualcode.i18n import _

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_local(host: str) -> bool:
    """Whether ``host`` only reaches this machine (``localhost``, 127.x, ``::1``)."""
    if host.lower() in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def command(*, coder: str | None = None, blind: bool = False) -> str:
    """The shell command each browser tab runs: this qualcode (the project comes from
    ``QUALCODE_PROJECT``, so a database password never shows in a process list)."""
    from qualcode.i18n import chosen

    args = [sys.executable, "-m", "qualcode"]
    lang = chosen()
    if lang:  # a language someone chose; otherwise each tab follows the environment
        args += ["--ui-lang", lang]
    if coder:
        args += ["--coder", coder]
    if blind:
        args.append("--blind")
    return " ".join(shlex.quote(a) for a in args)


def public_url(host: str, port: int, given: str | None) -> str:
    """The address browsers use (the page's websocket is built from it)."""
    if given:
        url = given.rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise InputError(
                _("--public-url {given!r} is not a web address").format(given=given),
                hint=_("give it as http://HOST:PORT or https://HOST/PATH"),
            )
        return url
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def serve(
    location: str,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    url: str | None = None,
    coder: str | None = None,
    blind: bool = False,
    title: str = "qualcode",
) -> None:
    """Serve the workbench on ``host:port`` until interrupted.

    Raises:
        InputError: the address cannot be listened on (in use, not this machine's).
    """
    import os

    from textual_serve.server import Server

    os.environ["QUALCODE_PROJECT"] = location  # the tabs' processes inherit it
    server = Server(
        command(coder=coder, blind=blind),
        host=host,
        port=port,
        title=title,
        public_url=public_url(host, port, url),
    )
    import asyncio

    # a loop of its own (the server asks for "the current loop", which may be closed)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        server.serve()
    except OSError as exc:
        raise InputError(
            _("cannot listen on {host}:{port}: {why}").format(host=host, port=port, why=_why(exc)),
            hint=_("choose another port with --port, or stop what uses it"),
        ) from None
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def _why(exc: OSError) -> str:
    import errno

    reasons = {
        errno.EADDRINUSE: _("the port is in use"),
        errno.EADDRNOTAVAIL: _("the address is not one of this machine's"),
        errno.EACCES: _("not allowed (ports below 1024 need administrator rights)"),
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))
