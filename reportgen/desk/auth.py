"""A request → who is signed in at the desk: server-side sessions, sign-in with a password, or the division's own
sign-on through its web server.

- **Sessions** live on the server (``SessionStore``): the browser holds only a random identifier (32 bytes from
  ``secrets``) in a cookie that is ``HttpOnly`` (no script reads it), ``SameSite=Strict`` (no other site's page
  sends it) and ``Secure`` when the desk is reached over HTTPS. A session ends at sign-out, after ``idle`` without
  a request, and after ``lifetime`` whatever happens; removing an account or changing its password or roles ends
  its sessions. Signing in always starts a **new** identifier and ends the one the browser came with, so an
  identifier planted in a browser before sign-in (session fixation) is worth nothing after it. Sessions are kept
  in memory: restarting the desk signs everyone out, which is the safe failure.
- **Single sign-on** (``ProxyLogin``): a division whose web server already signs people in (Kerberos, SAML, an
  OIDC module) passes the login in a header it sets (e.g. ``X-Remote-User``). The desk believes that header only on
  a request whose TCP peer is one of the configured proxy addresses; from any other address the header is ignored
  and recorded as refused, since anyone can type a header. The login must still be an account of the store: the
  roles, name and position come from there.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from reportgen import wording
from reportgen.desk.identity import Person
from reportgen.errors import UsageError

if TYPE_CHECKING:
    from reportgen.desk.accounts import Account

logger = logging.getLogger(__name__)

#: The cookie that carries the session's identifier.
SESSION_COOKIE = "reportgen_desk_session"
DEFAULT_LIFETIME = 8 * 60 * 60.0  # a working day
DEFAULT_IDLE = 30 * 60.0
MAX_SESSIONS = 10_000


@dataclass
class Session:
    """One browser's time at the desk: its identifier, who is signed in (``login``; ``""`` before sign-in), its own
    CSRF secret, and when it began and was last used (``clock`` seconds)."""

    id: str
    login: str
    csrf_secret: str
    started: float
    last_seen: float
    via_proxy: bool = False
    #: A fingerprint of the account's password hash at sign-in: a new password ends the sessions of the old one.
    password_mark: str = ""


@dataclass
class SessionStore:
    """Sessions by identifier, expired by ``idle`` and ``lifetime`` (thread-safe)."""

    lifetime: float = DEFAULT_LIFETIME
    idle: float = DEFAULT_IDLE
    clock: Callable[[], float] = time.monotonic
    max_sessions: int = MAX_SESSIONS
    _sessions: dict[str, Session] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self, login: str = "", *, replacing: str | None = None, via_proxy: bool = False,
              password_mark: str = "") -> Session:
        """A new session for ``login`` with a fresh identifier; the session ``replacing`` (the one the browser came
        with) ends, so a sign-in never keeps an identifier someone else may know."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), login, secrets.token_urlsafe(32), now, now, via_proxy,
                          password_mark)
        with self._lock:
            if replacing is not None:
                self._sessions.pop(replacing, None)
            self._forget_expired(now)
            while len(self._sessions) >= self.max_sessions:  # a flood of new browsers: the oldest goes first
                self._sessions.pop(next(iter(self._sessions)))
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session ``session_id`` (now counted as used), or ``None`` if there is none or it has expired."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[session_id]
                return None
            session.last_seen = now
            return session

    def end(self, session_id: str | None) -> bool:
        """End the session (sign-out); whether there was one."""
        with self._lock:
            return self._sessions.pop(session_id or "", None) is not None

    def end_all_of(self, login: str) -> int:
        """End every session of ``login`` (account removed, password or roles changed); how many."""
        with self._lock:
            ids = [sid for sid, session in self._sessions.items() if session.login == login]
            for sid in ids:
                del self._sessions[sid]
            return len(ids)

    def expired(self, session_id: str) -> bool:
        """Whether ``session_id`` names a session that has run out (still held, not yet forgotten)."""
        with self._lock:
            session = self._sessions.get(session_id)
            return session is not None and self._expired(session, self.clock())

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.started >= self.lifetime or now - session.last_seen >= self.idle

    def _forget_expired(self, now: float) -> None:
        for sid in [sid for sid, session in self._sessions.items() if self._expired(session, now)]:
            del self._sessions[sid]


@dataclass(frozen=True)
class CookiePolicy:
    """The session cookie's attributes: ``Secure`` whenever the desk is reached over HTTPS (directly, or through a
    trusted proxy that says so), or always when ``always_secure`` (the desk's ``--https`` setting)."""

    always_secure: bool = False
    max_age: int = int(DEFAULT_LIFETIME)

    def header(self, value: str, *, https: bool, max_age: int | None = None) -> str:
        """The ``Set-Cookie`` value for ``value`` (an empty value with max-age 0 removes the cookie)."""
        parts = [f"{SESSION_COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Strict",
                 f"Max-Age={self.max_age if max_age is None else max_age}"]  # fmt: skip
        if https or self.always_secure:
            parts.append("Secure")
        return "; ".join(parts)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class ProxyLogin:
    """Sign-in done by the division's web server: the login in ``header``, believed only from ``trusted`` peers."""

    header: str
    trusted: tuple[Network, ...]

    @classmethod
    def configured(cls, header: str, addresses: Iterable[str]) -> ProxyLogin:
        """From the settings: a header name and the proxy's addresses or networks (``10.0.0.5``, ``10.0.0.0/24``,
        ``::1``). Raises ValueError for an address that is none, or for no address at all: a header trusted from
        everywhere is a door anyone opens."""
        trusted = tuple(ipaddress.ip_network(address.strip(), strict=False) for address in addresses)
        if not header.strip() or not trusted:
            raise ValueError("a proxy login needs a header and at least one proxy address")
        return cls(header.strip().lower(), trusted)

    def is_trusted(self, peer: str | None) -> bool:
        if not peer:
            return False
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.trusted)

    def login_of(self, peer: str | None, headers: Mapping[str, str]) -> tuple[str | None, bool]:
        """(the login the proxy vouches for, or ``None``; whether the header came from a peer not trusted, to be
        recorded as refused). ``headers`` are the request's, names in lower case."""
        value = headers.get(self.header)
        if value is None:
            return None, False
        if not self.is_trusted(peer):
            return None, True
        value = value.strip()
        # A domain login (``DIVISION\\somchai``, ``somchai@bma.go.th``) names the account by its user part.
        value = value.rsplit("\\", 1)[-1].split("@", 1)[0].lower()
        return (value or None), False


def client_address(peer: str | None, headers: Mapping[str, str], proxy: ProxyLogin | None) -> str:
    """The address a request comes from, for the rate limiter and the audit log: the TCP peer, or, behind a trusted
    proxy, the last address its ``X-Forwarded-For`` adds (the one the proxy itself saw)."""
    peer = peer or ""
    forwarded = headers.get("x-forwarded-for")
    if proxy is not None and forwarded and proxy.is_trusted(peer):
        last = forwarded.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            return peer
    return peer


def is_https(scheme: str, peer: str | None, headers: Mapping[str, str], proxy: ProxyLogin | None) -> bool:
    """Whether the browser reached the desk over HTTPS: the request's scheme, or a trusted proxy's
    ``X-Forwarded-Proto``."""
    if scheme == "https":
        return True
    return proxy is not None and proxy.is_trusted(peer) and headers.get("x-forwarded-proto", "").lower() == "https"


# --- The desk's side: settings, the middleware that says who is asking, sign-in and sign-out --------------------------


@dataclass(frozen=True)
class AuthSettings:
    """How people sign in: the accounts file and audit log (``None``: the defaults beside the project), the single
    sign-on header and its proxies, whether the cookie is always ``Secure`` (the desk is only reached over HTTPS),
    and how long a session lasts."""

    accounts_file: Path | None = None
    audit_file: Path | None = None
    proxy_header: str | None = None
    proxy_addresses: tuple[str, ...] = ()
    https: bool = False
    lifetime: float = DEFAULT_LIFETIME
    idle: float = DEFAULT_IDLE


#: Reached without signing in: the sign-in page itself and the files every page needs.
PUBLIC_PATHS = ("/login", "/static/", "/preview/assets/")


class DeskAuth:
    """Everything the desk needs to know who asks: the accounts, the sessions, the limiter, the proxy, the log."""

    def __init__(self, project_root: Path, settings: AuthSettings, *, clock: Callable[[], float] = time.monotonic):
        from reportgen.desk.accounts import AccountStore
        from reportgen.desk.audit import AuditLog, default_audit_path
        from reportgen.desk.ratelimit import LoginLimiter

        self.settings = settings
        self.store = AccountStore.for_project(project_root, settings.accounts_file)
        self.audit = AuditLog(settings.audit_file or default_audit_path(project_root))
        self.sessions = SessionStore(lifetime=settings.lifetime, idle=settings.idle, clock=clock)
        self.limiter = LoginLimiter(clock=clock)
        self.cookies = CookiePolicy(always_secure=settings.https, max_age=int(settings.lifetime))
        try:
            self.proxy = (ProxyLogin.configured(settings.proxy_header, settings.proxy_addresses)
                          if settings.proxy_header else None)  # fmt: skip
        except ValueError:
            raise UsageError("desk_proxy_misconfigured", header=settings.proxy_header,
                             addresses=" ".join(settings.proxy_addresses) or "-") from None
        self._active = False

    @property
    def active(self) -> bool:
        """Whether people sign in (accounts exist, or a single sign-on is configured); else the desk is local. Once
        true it stays true while the desk runs: removing the last account never opens the desk to everyone."""
        if not self._active:
            self._active = self.proxy is not None or self.store.exists()
        return self._active

    def record(self, event: str, request: Request | None = None, **details: object) -> None:
        """An audit event of ``request`` (who, from where); the desk's log line if the audit log cannot be written."""
        login, address = "", ""
        if request is not None:
            person = getattr(request.state, "person", None)
            login = person.login if person is not None else str(details.pop("login", "") or "")
            address = getattr(request.state, "client_address", "") or (request.client.host if request.client else "")
        try:
            self.audit.record(event, login=login, address=address, **details)
        except OSError as error:
            logger.error(wording.message("log_desk_audit_failed", event=event, reason=str(error)))

    def password_mark(self, account: Account) -> str:
        return hashlib.sha256((account.password_hash or "").encode()).hexdigest()


def auth_of(request: Request) -> DeskAuth | None:
    auth: DeskAuth | None = getattr(request.app.state, "auth", None)
    return auth


def record(request: Request, event: str, **details: object) -> None:
    """Record ``event`` of ``request`` in the audit log (routes of the desk call this for saves, uploads, …)."""
    auth = auth_of(request)
    if auth is not None:
        auth.record(event, request, **details)


class Authenticate:
    """The middleware that says who is asking when people sign in (``DeskAuth.active``): ``request.state.person``
    from the session cookie, or from the single sign-on header of a trusted proxy; anyone else is sent to the sign-in
    page (a page) or refused (401, a change or the desk's script). ``request.state.session_id`` becomes the signed-in
    session's, so CSRF tokens change at sign-in and die at sign-out. Without accounts, ``fallback`` (the desk's own
    middleware, the person git knows) answers."""

    def __init__(self, app: ASGIApp, *, auth: DeskAuth, fallback: Callable[[ASGIApp], ASGIApp]):
        self.app = app
        self.auth = auth
        self.fallback = fallback(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.auth.active:
            await self.fallback(scope, receive, send)
            return
        request = Request(scope)
        state = scope.setdefault("state", {})
        headers = {key.lower(): value for key, value in request.headers.items()}
        peer = request.client.host if request.client else None
        state["client_address"] = client_address(peer, headers, self.auth.proxy)
        state["https"] = is_https(scope.get("scheme", "http"), peer, headers, self.auth.proxy)
        state["person"], state["signed_in"] = None, False
        person = await run_in_threadpool(self._person, request, headers, peer, state)
        path = scope["path"]
        if person is not None:
            state["person"], state["signed_in"] = person, True
        elif not path.startswith(PUBLIC_PATHS):
            await self._sign_in_first(request)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _person(self, request: Request, headers: Mapping[str, str], peer: str | None,
                state: dict[str, object]) -> Person | None:  # fmt: skip
        auth = self.auth
        if auth.proxy is not None:
            login, spoofed = auth.proxy.login_of(peer, headers)
            if spoofed:
                auth.record("proxy_header_refused", request, peer=peer or "", header=auth.proxy.header)
            elif login is not None:
                account = auth.store.get(login)
                if account is None:
                    auth.record("login_refused", request, login=login, via="proxy")
                    return None
                return account.person
        session_id = request.cookies.get(SESSION_COOKIE)
        expired = bool(session_id) and auth.sessions.expired(session_id or "")
        session = auth.sessions.get(session_id)
        if session is None or not session.login:
            if expired:
                auth.record("session_expired", request)
            return None
        account = auth.store.get(session.login)
        if account is None or session.password_mark != auth.password_mark(account):
            auth.sessions.end(session.id)  # removed, or its password changed since: that session is over
            return None
        state["session_id"] = f"signed-in:{session.id}"
        return account.person

    @staticmethod
    def _sign_in_first(request: Request) -> Response:
        if request.method in ("GET", "HEAD") and not request.url.path.endswith("/check"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
        return JSONResponse({"error": wording.label("desk_sign_in_needed", "th")}, status_code=401)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of the desk only (never another site: ``//evil``, ``/\\evil``, a URL)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or any(
        ord(char) < 32 for char in target
    ):
        return "/"
    return target


async def login_page(request: Request) -> Response:
    from reportgen.desk.app import _desk

    desk = _desk(request)
    return desk.page(request, "login.html.j2", next=safe_next(request.query_params.get("next")), problem=None,
                     login="")  # fmt: skip


async def login(request: Request) -> Response:
    """Sign in: the CSRF token of the page, then the limiter, then the password; the same answer for a wrong login
    and a wrong password; on success a new session (the browser's old one ends) and its cookie."""
    from reportgen.desk.app import _desk
    from reportgen.desk.security import CSRF_FIELD, check_csrf

    desk, auth = _desk(request), auth_of(request)
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    check_csrf(request, _field(form, CSRF_FIELD))
    typed, password = _field(form, "login").strip().lower()[:200], _field(form, "password")
    target = safe_next(_field(form, "next"))
    address = getattr(request.state, "client_address", "") or (request.client.host if request.client else "")
    if auth is None or not auth.active:
        return RedirectResponse("/", status_code=303)
    verdict = auth.limiter.check(typed, address)
    if not verdict.allowed:
        auth.record("login_throttled", request, login=typed, retry_after=verdict.retry_after)
        problem = wording.message("desk_login_wait", "th", seconds=verdict.retry_after)
        response = desk.page(request, "login.html.j2", status_code=429, next=target, problem=problem, login=typed)
        response.headers["retry-after"] = str(verdict.retry_after)
        return response
    account = await run_in_threadpool(auth.store.verify, typed, password)
    if account is None:
        auth.limiter.failed(typed, address)
        auth.record("login_refused", request, login=typed)
        problem = wording.label("desk_login_refused", "th")
        return desk.page(request, "login.html.j2", status_code=401, next=target, problem=problem, login=typed)
    auth.limiter.succeeded(typed, address)
    session = auth.sessions.start(account.login, replacing=request.cookies.get(SESSION_COOKIE),
                                  password_mark=auth.password_mark(account))
    request.state.person = account.person
    auth.record("login", request)
    signed_in = RedirectResponse(target, status_code=303)
    signed_in.headers.append("set-cookie", auth.cookies.header(session.id, https=request.state.https))
    return signed_in


async def logout(request: Request) -> Response:
    """Sign out: the session ends on the server and its cookie is removed."""
    from reportgen.desk.security import CSRF_FIELD, check_csrf

    auth = auth_of(request)
    form = await request.form(max_files=0, max_fields=5, max_part_size=1024)
    check_csrf(request, _field(form, CSRF_FIELD))
    response = RedirectResponse("/login", status_code=303)
    if auth is not None:
        auth.sessions.end(request.cookies.get(SESSION_COOKIE))
        auth.record("logout", request)
        response.headers.append("set-cookie", auth.cookies.header("", https=request.state.https, max_age=0))
    return response


async def audit_page(request: Request) -> Response:
    """The audit log, newest first, for administrators (403 for anyone else)."""
    from reportgen.desk.app import ERROR_PAGES, DeskError, _desk
    from reportgen.desk.permissions import Action, may

    desk, auth = _desk(request), auth_of(request)
    if auth is None or not may(getattr(request.state, "person", None), Action.READ_AUDIT):
        raise DeskError(403, *ERROR_PAGES[403])
    event = request.query_params.get("event") or None
    entries = await run_in_threadpool(auth.audit.entries, limit=500, event=event)
    return desk.page(request, "audit.html.j2", entries=entries, event=event)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""
