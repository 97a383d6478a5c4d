"""Where `facilitation serve` listens, what it tells the terminal, and the listening socket.

The socket is bound before the slow start (the app, the grouping model), so a port that is
already taken ends the command in a second with one line, in the terminal's language.
No socket is ever shared: eventlet's `listen` sets SO_REUSEPORT by default, with which a
second server on the same port would silently take half of the phones.
"""

from __future__ import annotations

import errno
import importlib
import ipaddress
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
EVERYWHERE = ("0.0.0.0", "::", "")


def lan_address() -> str:
    """This machine's address on the local network (the hotspot's), else 127.0.0.1.

    Connecting a UDP socket sends no packet: it only asks the kernel which interface
    would route to a documentation address (TEST-NET-1). With no route out (a network
    without a gateway), the first address of a real interface will do.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
    except OSError:
        address = next(iter(interface_addresses()), LOOPBACK)
    finally:
        probe.close()
    return address


VIRTUAL = ("docker", "br-", "veth", "virbr", "lxc", "lxd", "tun", "tap", "wg", "zt")


def interface_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces (Linux; elsewhere none), without
    loopback, link-local addresses and the bridges of containers and VPNs."""
    try:
        import fcntl
        import struct
    except ImportError:
        return []
    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            if name.startswith(VIRTUAL):
                continue
            try:  # SIOCGIFADDR: the interface's IPv4 address
                answer = fcntl.ioctl(probe.fileno(), 0x8915,
                                     struct.pack("256s", name[:15].encode()))
            except OSError:  # no IPv4 address on it
                continue
            address = ipaddress.ip_address(socket.inet_ntoa(answer[20:24]))
            if not (address.is_loopback or address.is_link_local):
                found.append(str(address))
    return found


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@dataclass(frozen=True)
class Plan:
    """Where to listen and which addresses to give out."""

    host: str  # the address to bind
    port: int
    local_url: str  # for the browser of this machine
    phones_url: str | None  # for phones; None when they cannot reach the server
    public_url: str | None  # what join links and QR codes use (None: the address in use)
    offline: bool = False  # --lan asked, but the machine is on no network


def plan(host: str | None, port: int, lan: bool, public_url: str | None = None,
         probe: Any = lan_address) -> Plan:
    """`serve` listens on 127.0.0.1 unless told otherwise (a proxy in front of it);
    `serve --lan` (`make run`) listens on the network and gives out the LAN address, or
    falls back to 127.0.0.1 when there is no network. PUBLIC_URL always wins for links."""
    if not lan or (host and host not in EVERYWHERE):  # one address, as given
        host = host or LOOPBACK
        local = _url(LOOPBACK if host in EVERYWHERE else host, port)
        reachable = not is_loopback(host) and host not in EVERYWHERE
        phones = public_url or (local if reachable else None)
        return Plan(host, port, local, phones, public_url or (phones if lan else None))
    address = probe()
    if is_loopback(address):  # no network: this laptop only, until it joins one
        return Plan(LOOPBACK, port, _url(LOOPBACK, port), public_url, public_url,
                    offline=public_url is None)
    phones = public_url or _url(address, port)
    return Plan(host or "0.0.0.0", port, _url(LOOPBACK, port), phones, phones)


# --- the terminal's language -------------------------------------------------------------

def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """French or English, as the locale settings say (LC_ALL, LC_MESSAGES, LANG, and GNU's
    LANGUAGE list when a locale is set); English for the C locale or none."""
    environ = os.environ if environ is None else environ
    locale = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG")
                   if environ.get(name)), "")
    if not locale or locale in ("C", "POSIX") or locale.startswith("C."):
        return "en"
    wanted = (environ.get("LANGUAGE") or locale).split(":")[0]
    return "fr" if wanted.lower().startswith("fr") else "en"


@cache
def _catalogue(language: str) -> Any:
    from babel.support import NullTranslations, Translations

    if language == "en":
        return NullTranslations()
    return Translations.load(str(Path(__file__).resolve().parents[1] / "translations"), [language])


def _(message: str, **params: object) -> str:
    """A terminal message in the terminal's language (the web pages' catalogue)."""
    text = _catalogue(terminal_language()).gettext(message)
    return text % params if params else text


# --- the listening socket ------------------------------------------------------------------

# Connections waiting to be accepted: a plenary's phones arrive together after the QR code is
# shown (eventlet's default, 50, made the rest retry after 1, 3, 7 s). The kernel caps it
# at net.core.somaxconn (4096 on current kernels).
BACKLOG = 1024
# Connections served at once. Each phone holds one (its websocket) for the whole meeting;
# eventlet's server accepts no more than 1,024 by default, so the 1,025th phone of a
# plenary waited, unanswered, until one left. FACILITATION_MAX_CONNECTIONS changes it.
MAX_CONNECTIONS = 10_000


def max_connections() -> int:
    """How many connections `serve` holds at once (FACILITATION_MAX_CONNECTIONS)."""
    value = os.environ.get("FACILITATION_MAX_CONNECTIONS", "")
    return int(value) if value.isdigit() and int(value) > 0 else MAX_CONNECTIONS


def open_files_for(connections: int) -> tuple[int, int]:
    """Raise this process's open-file limit (soft, up to the hard one) so that it can hold
    `connections` sockets plus its own files: many desktops start programs with a soft
    limit of 1,024, which a room of a thousand phones exceeds. Returns (soft, hard)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 256  # the database, the worker's pipes, logs, static files
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if target > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    return soft, hard


class CannotListen(Exception):
    """The port or address cannot be used; the message says what to do."""


def listen(host: str, port: int, mode: str) -> Any:
    """The server's listening socket, bound now, never shared with another process."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        if mode == "eventlet":
            eventlet = importlib.import_module("eventlet")
            listener = eventlet.listen((host, port), family, backlog=BACKLOG,
                                       reuse_port=False)
        else:  # threading, or gevent (its socket, once patched)
            listener = socket.socket(family, socket.SOCK_STREAM)
            try:
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind((host, port))
                listener.listen(BACKLOG)
            except OSError:
                listener.close()
                raise
    except OSError as error:
        raise CannotListen(refusal(error, host, port)) from None
    # Without TCP_NODELAY (inherited by every connection) each small Socket.IO answer
    # waits ~40 ms for the client's delayed ACK (Nagle's algorithm).
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


def refusal(error: OSError, host: str, port: int) -> str:
    """One line: what went wrong with the port, and what to do."""
    if error.errno == errno.EADDRINUSE:
        return _("facilitation: port %(port)s is already in use, probably by another "
                 "“make run” or “facilitation serve”. Stop it (Ctrl+C in its terminal) or "
                 "choose another port: PORT=%(other)s make run, or --port %(other)s.",
                 port=port, other=port + 1)
    if error.errno == errno.EACCES:
        return _("facilitation: port %(port)s is reserved for the administrator. Choose a "
                 "port above 1024: PORT=5000 make run, or --port 5000.", port=port)
    return _("facilitation: cannot listen on %(host)s port %(port)s (%(reason)s). Check "
             "HOST and PORT, or --host and --port.",
             host=host, port=port, reason=error.strerror or error)


def run(app: Any, listener: Any, mode: str, access_log: bool) -> None:
    """Serve `app` on the already bound `listener` until stopped, in the async mode's own
    server (what `socketio.run` does, minus binding)."""
    if mode == "eventlet":
        wsgi = importlib.import_module("eventlet.wsgi")
        wsgi.server(listener, app, log_output=access_log, max_size=max_connections())
    elif mode == "gevent":
        pywsgi = importlib.import_module("gevent.pywsgi")
        options: dict[str, Any] = {"log": "default" if access_log else None}
        try:
            options["handler_class"] = importlib.import_module(
                "geventwebsocket.handler").WebSocketHandler
        except ImportError:  # websockets then come from simple-websocket
            pass
        pywsgi.WSGIServer(listener, app, **options).serve_forever()
    else:
        from werkzeug.serving import WSGIRequestHandler, make_server

        class Handler(WSGIRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                if access_log:
                    super().log_request(*args, **kwargs)

        host, port = listener.getsockname()[:2]
        server = make_server(host, port, app, threaded=True, request_handler=Handler,
                             fd=listener.fileno())
        server.serve_forever()
