"""``reportgen desk [--host 127.0.0.1] [--port 8000]``: the project → the officers' desk (``desk/app.py``) served by
uvicorn until Ctrl-C or SIGTERM.

Until accounts exist every change is made as the person git knows here (``desk.identity.local_person``), so the desk
listens on 127.0.0.1 only: another ``--host`` is refused before anything starts (behind the division's nginx, the desk
still listens on 127.0.0.1 and nginx forwards to it). uvicorn's own access log is replaced by the desk's, one line
per request naming who asked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from reportgen import wording
from reportgen.commands import Line, Shown
from reportgen.desk.accounts import AccountStore
from reportgen.desk.app import DeskSettings, create_app
from reportgen.desk.auth import AuthSettings
from reportgen.desk.identity import local_person
from reportgen.errors import UsageError

logger = logging.getLogger(__name__)

#: Where the desk may listen until accounts exist.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

#: The loggers whose lines a system administrator reads: every request and change of the desk, every commit and push.
SERVER_LOGGERS = ("reportgen.desk", "reportgen.authoring.repository")


def log_for_administrators() -> None:
    """The desk's log on stderr, one timestamped line per request and per change, whatever ``-v`` says (a server's
    log is for the administrator; systemd's journal keeps it)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        if server_logger.level == logging.NOTSET or server_logger.level > logging.INFO:
            server_logger.setLevel(logging.INFO)
        server_logger.addHandler(handler)
        server_logger.propagate = False


def check_host(root: Path, host: str, auth: AuthSettings | None = None) -> None:
    """Refuse any address but this computer's while nobody signs in (``UsageError`` naming who every visitor would
    save as); once accounts exist (or a single sign-on is configured) everyone signs in and any address will do."""
    if host in LOCAL_HOSTS:
        return
    signing_in = auth is not None and (auth.proxy_header or AccountStore.for_project(root, auth.accounts_file).exists())
    if not signing_in:
        raise UsageError("desk_host_refused", host=host, name=local_person(root).name)


def desk(root: Path, *, host: str = "127.0.0.1", port: int = 8000, on_ready: Callable[[str], None] | None = None,
         auth: AuthSettings | None = None) -> None:
    """Serve the desk of ``root`` on ``host``:``port`` until interrupted."""
    import uvicorn

    root = Path(root).resolve()
    auth = auth or AuthSettings()
    check_host(root, host, auth)
    log_for_administrators()
    app = create_app(root, DeskSettings(host=host, port=port, auth=auth))
    # With a single sign-on the desk itself decides which peer is the proxy (desk/auth.py): uvicorn must not replace
    # the peer's address by what X-Forwarded-For claims before the desk has looked at it.
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None,
                            proxy_headers=not auth.proxy_header,
                            forwarded_allow_ips="127.0.0.1", server_header=False, timeout_keep_alive=15,
                            limit_concurrency=200)
    server = uvicorn.Server(config)
    if on_ready is not None:
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
        on_ready(url)
    server.run()


def run(root: Path, *, host: str = "127.0.0.1", port: int = 8000, lang: str = "th",
        show: Callable[[Shown], None], auth: AuthSettings | None = None) -> None:
    """``reportgen desk``: say where the desk is and as whom it saves, then serve it."""
    root = Path(root).resolve()

    def ready(url: str) -> None:
        person = local_person(root)
        show(Line(wording.message("desk_listening", lang, url=url, name=person.name, email=person.email), flush=True))

    desk(root, host=host, port=port, on_ready=ready, auth=auth)
