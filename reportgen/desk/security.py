"""Requests → the desk's defences: a session cookie, a CSRF token on every change, security headers, size limits.

- **The secret** signs the session cookie and derives the CSRF tokens. It is a file outside the project and outside
  git (``$REPORTGEN_DESK_SECRET_FILE``, else ``~/.config/reportgen/desk-secret``), made on first use, readable by
  its owner only; a secret in ``content/`` would be pushed to every clone.
- **The session** is a random identifier in a cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure`` over https),
  signed with the secret, so a forged or altered cookie is a new session. Accounts (issue 29) keep who is signed in
  against it; until then the session carries the CSRF token only.
- **CSRF**: every POST carries ``csrf_token`` (a form field, or the ``X-CSRF-Token`` header of the desk's script),
  an HMAC of the session under the secret; ``check_csrf`` refuses a request without the session's own token (403),
  so another site cannot make a signed-in browser change a form. ``SameSite=Strict`` is the second wall.
- **Headers**: a Content-Security-Policy with no inline script or style (the desk's script and stylesheet are files),
  framing by the desk itself only (the preview of the form sits in a frame of the editor), ``nosniff``, no referrer
  to other sites.
- **Limits**: a request body larger than ``max_body`` (the largest evidence file plus the form) is refused with 413
  before it is read, also when it comes without a length (counted as it streams in).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Mapping
from http.cookies import SimpleCookie
from pathlib import Path

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reportgen import wording
from reportgen.errors import UsageError

logger = logging.getLogger(__name__)

SESSION_COOKIE = "reportgen_desk"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SECRET_BYTES = 32

#: The policy of every page: only the desk's own files; the form's preview is framed by the desk itself.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'self'; "
    "object-src 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class CsrfRefused(UsageError):
    """A change without the session's CSRF token (403)."""


def secret_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the desk's secret is kept: ``$REPORTGEN_DESK_SECRET_FILE`` or ``~/.config/reportgen/desk-secret``."""
    given = environ.get("REPORTGEN_DESK_SECRET_FILE", "").strip()
    return Path(given) if given else Path.home() / ".config" / "reportgen" / "desk-secret"


def load_secret(path: Path, project_root: Path) -> bytes:
    """The secret in ``path``, made (random, owner-only) when missing or damaged; refused inside the project."""
    resolved = path.expanduser().resolve()
    if resolved.is_relative_to(Path(project_root).resolve()):
        raise UsageError("desk_secret_in_project", path=path)
    try:
        data = resolved.read_bytes()
        if len(data) >= SECRET_BYTES:
            return data
        logger.warning(wording.message("log_desk_secret_replaced", path=resolved))
    except FileNotFoundError:
        pass
    resolved.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = resolved.with_name(f".{resolved.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(secrets.token_bytes(SECRET_BYTES))
    os.replace(temporary, resolved)
    logger.info(wording.message("log_desk_secret_made", path=resolved))
    return resolved.read_bytes()


def _sign(secret: bytes, purpose: str, value: str) -> str:
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def session_cookie_value(secret: bytes, session_id: str) -> str:
    return f"{session_id}.{_sign(secret, 'session', session_id)}"


def session_from_cookie(secret: bytes, value: str | None) -> str | None:
    """The session identifier of a cookie signed with ``secret``; None for a missing, forged or altered one."""
    if not value or "." not in value:
        return None
    session_id, signature = value.rsplit(".", 1)
    return session_id if hmac.compare_digest(signature, _sign(secret, "session", session_id)) else None


def csrf_token(request: Request) -> str:
    """The CSRF token of the request's session (for templates and the desk's script)."""
    secret: bytes = request.app.state.secret
    return _sign(secret, "csrf", request.state.session_id)


def check_csrf(request: Request, given: str | None) -> None:
    """Refuse (``CsrfRefused``, 403) a change whose token is not the session's."""
    header = request.headers.get(CSRF_HEADER)
    token = given or header or ""
    if not hmac.compare_digest(token.encode(), csrf_token(request).encode()):
        raise CsrfRefused("desk_csrf_refused")


class BodyTooLarge(Exception):
    """The request body went past the limit while it was read."""


class DeskSecurity:
    """ASGI middleware: the session cookie, security headers on every response, the body size limit."""

    def __init__(self, app: ASGIApp, *, secret: bytes, max_body: int, too_large: ASGIApp):
        self.app = app
        self.secret = secret
        self.max_body = max_body
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header is no session, whatever is wrong in it
            cookie = SimpleCookie()
        morsel = cookie.get(SESSION_COOKIE)
        session_id = session_from_cookie(self.secret, morsel.value if morsel else None)
        new_session = session_id is None
        if session_id is None:
            session_id = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["session_id"] = session_id
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                if new_session:
                    value = session_cookie_value(self.secret, session_id)
                    attributes = "; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
                    extra.append((b"set-cookie", f"{SESSION_COOKIE}={value}{attributes}".encode()))
                present = {key.lower() for key, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(item for item in extra if item[0] not in present)]
            await send(message)

        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await self.too_large(scope, receive, send_with_headers)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except BodyTooLarge:
            await self.too_large(scope, receive, send_with_headers)
