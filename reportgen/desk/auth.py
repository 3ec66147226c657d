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

import ipaddress
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

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


@dataclass
class SessionStore:
    """Sessions by identifier, expired by ``idle`` and ``lifetime`` (thread-safe)."""

    lifetime: float = DEFAULT_LIFETIME
    idle: float = DEFAULT_IDLE
    clock: Callable[[], float] = time.monotonic
    max_sessions: int = MAX_SESSIONS
    _sessions: dict[str, Session] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def start(self, login: str = "", *, replacing: str | None = None, via_proxy: bool = False) -> Session:
        """A new session for ``login`` with a fresh identifier; the session ``replacing`` (the one the browser came
        with) ends, so a sign-in never keeps an identifier someone else may know."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), login, secrets.token_urlsafe(32), now, now, via_proxy)
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
