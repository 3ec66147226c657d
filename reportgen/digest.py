"""An indicator's content → the digest a sign-off records (``sha256v3:<64 hex>``), and a sign-off → whether it
still holds (``check_signoff``, ``sign_state``).

``reportgen signoff`` stores ``signoff_digest`` in the file's ``signoff.digest``; every build recomputes it: a form
whose text no longer matches is drawn as a draft, and ``build --release`` leaves it out. The digest must therefore
change when anything the form prints or carries changes, and stay the same for everything else, for years, across
Python, PyYAML and pydantic versions.

**What a sign-off covers** (form 3): every field the form prints or the site publishes from it (sections 1–9, the
header's code, year and agency, the target with its direction and quarterly plan, which decide the status the site
prints beside the form), the bytes of each evidence ``file`` (embedded in the release PDF), and the signature
block itself (the sign-off's ``name``, ``position`` and ``date``). Not covered: ``officer`` (who reports the form:
administrative, printed nowhere on the form, so assigning or changing it never invalidates a sign-off) and the
digest itself.

- **What is hashed**: those fields as the model holds them after loading, so comments, key order, quoting, line
  endings and YAML styles (``>-``, ``|``, ``"…"``) change nothing, while any change of a value does. Each evidence
  ``file`` also contributes the SHA-256 of its bytes (``file_sha256``).
- **Canonical form**: JSON with sorted keys, no whitespace (``separators=(",", ":")``), UTF-8, non-ASCII written
  as is (``ensure_ascii=False``). Numbers are the loader's exact ``Decimal`` written with ``str`` (``36.00`` in
  YAML is read as the float 36.0 and hashed as ``"36.0"``; ``3`` as ``"3"``), dates as ISO ``YYYY-MM-DD``. Text is
  hashed exactly as loaded: never Unicode-normalised, since a different code point sequence prints differently.
- **Absent is absent**: fields whose value is ``None`` (not written, or an optional section left out) are
  dropped, so adding a new optional field to the model, defaulting to ``None``, leaves every existing digest
  unchanged. A new field with any other default would change them all: don't. ``tests/test_digest.py`` pins the
  digest of a fixed indicator in each form so that such a change cannot go unnoticed.

The prefix names the form, so that sign-offs made by older versions keep verifying next to new ones:

- ``sha256:<hex>`` (**form 1**, ``content_digest``): every field but ``signoff`` (``officer`` included). The
  sign-off block is not covered, so its name, position and date could be edited by hand unnoticed. Still
  accepted: ``check_signoff`` says ``"old"``, and ``check`` warns (``signoff_old_digest``) with the command that
  signs off again.
- ``sha256v2:<hex>`` (**form 2**, ``signoff_digest_v2``): form 1's JSON with one more key, ``"signoff"``, holding
  the sign-off's ``name``, ``position`` and ``date`` (ISO). Still accepted (``"current"``).
- ``sha256v3:<hex>`` (**form 3**, ``signoff_digest``, what ``reportgen signoff`` writes): form 2 without
  ``officer``.

Forms 1 and 2 covered ``officer``; the division has since decided it is not part of what is signed. So a form-1
or form-2 digest is checked twice when the file names an officer: as written, and as if no officer were written
(the officer was added after the sign-off: the form as signed had none). Either match means the printed form is
what was signed. A form-1 or form-2 digest that matches neither (the content changed, or an officer that was
there at the sign-off was changed) is stale, and ``check`` says so with the exact command to sign off again
(``signoff_stale_legacy``): the older digest cannot tell those two apart, and nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from reportgen.model import Indicator

PREFIX = "sha256:"
#: Form 2: the content (``officer`` included) and the sign-off's name, position and date.
V2_PREFIX = "sha256v2:"
#: Form 3, what ``reportgen signoff`` writes: what the form prints (no ``officer``) and the sign-off block.
SIGNOFF_PREFIX = "sha256v3:"

#: The fields a form-3 digest leaves out, besides the sign-off itself: never printed on the form.
NOT_SIGNED = ("officer",)

#: What a sign-off means for how the form is drawn and published (``sign_state``).
SignState = Literal["signed", "edited_after_signoff", "no_digest", "draft"]

SignoffCheck = Literal["current", "old", "stale", "none"]


def content_digest(indicator: Indicator, content_dir: Path | None = None) -> str:
    """``sha256:<hex>`` (form 1) of the indicator's content fields (all but ``signoff``) and its evidence files' bytes.

    ``content_dir`` is the project's ``content/`` folder, where evidence ``file`` paths are resolved; it is
    required when the indicator lists an evidence file (``ValueError`` otherwise). A missing evidence file
    raises ``FileNotFoundError``: validation reports those before anything asks for a digest. Besides verifying
    old sign-offs, it names a PDF's content (its file identifier, ``release.form_pdf_options``).
    """
    return PREFIX + _sha256(canonical_content(indicator, content_dir))


def signoff_digest(
    indicator: Indicator, content_dir: Path | None, *, name: str, position: str, date: dt.date
) -> str:
    """``sha256v3:<hex>`` (form 3, what ``reportgen signoff`` writes): what the form prints and the sign-off's
    ``name``, ``position`` and ``date``; ``officer`` is not part of it."""
    signed = _signed_block(name, position, date)
    return SIGNOFF_PREFIX + _sha256(canonical_content(indicator, content_dir, signoff=signed, exclude=NOT_SIGNED))


def signoff_digest_v2(
    indicator: Indicator, content_dir: Path | None, *, name: str, position: str, date: dt.date
) -> str:
    """``sha256v2:<hex>`` (form 2, written by reportgen before form 3): the content with ``officer`` and the
    sign-off's ``name``, ``position`` and ``date``. Kept to verify those sign-offs."""
    signed = _signed_block(name, position, date)
    return V2_PREFIX + _sha256(canonical_content(indicator, content_dir, signoff=signed))


def check_signoff(indicator: Indicator, content_dir: Path | None) -> SignoffCheck:
    """The indicator's sign-off against its content: ``"current"`` (a form-3 or form-2 digest that matches),
    ``"old"`` (a form-1 digest that matches: valid, but the sign-off block is not covered), ``"stale"`` (no match),
    ``"none"`` (no sign-off or no digest). A form-1 or form-2 digest also matches the content as if no officer were
    written (see the module docstring)."""
    signoff = indicator.signoff
    if signoff is None or signoff.digest is None:
        return "none"
    if signoff.digest.startswith(SIGNOFF_PREFIX):
        expected = signoff_digest(indicator, content_dir, name=signoff.name, position=signoff.position, date=signoff.date)
        return "current" if signoff.digest == expected else "stale"
    candidates = [indicator]
    if indicator.officer is not None:  # forms 1 and 2 covered officer: one added after the sign-off is not an edit
        candidates.append(indicator.model_copy(update={"officer": None}))
    for candidate in candidates:
        if signoff.digest.startswith(V2_PREFIX):
            expected = signoff_digest_v2(
                candidate, content_dir, name=signoff.name, position=signoff.position, date=signoff.date
            )
            if signoff.digest == expected:
                return "current"
        elif signoff.digest == content_digest(candidate, content_dir):
            return "old"
    return "stale"


def is_legacy_digest(digest: str | None) -> bool:
    """A digest of form 1 or 2, which also covered ``officer``."""
    return digest is not None and not digest.startswith(SIGNOFF_PREFIX)


def sign_state(indicator: Indicator, content_dir: Path | None) -> SignState:
    """How the form stands, for drawing and publishing it: ``"signed"`` (its sign-off holds for exactly this text),
    ``"edited_after_signoff"`` (the text, an evidence file or the sign-off block changed since; or an evidence file
    cannot be read), ``"no_digest"`` (a sign-off without a digest, written by hand: nothing shows what it was for),
    ``"draft"`` (no sign-off). Only ``"signed"`` prints a signature block."""
    if indicator.signoff is None:
        return "draft"
    try:
        state = check_signoff(indicator, content_dir)
    except (OSError, ValueError):  # an evidence file missing or unreadable: not the signed content
        return "edited_after_signoff"
    if state in ("current", "old"):
        return "signed"
    return "no_digest" if state == "none" else "edited_after_signoff"


def canonical_content(
    indicator: Indicator,
    content_dir: Path | None = None,
    *,
    signoff: dict[str, str] | None = None,
    exclude: tuple[str, ...] = (),
) -> bytes:
    """The exact bytes a digest hashes (see the module docstring): form 1 without ``signoff``, form 2 with it,
    form 3 with it and ``exclude=NOT_SIGNED``."""
    # bma_pid (issue 27) points to the BMA's system and prints nothing on the form: no digest covers it, so adding
    # it to a signed-off form keeps the sign-off.
    data = _plain(indicator.model_dump(mode="python", exclude={"signoff", "bma_pid", *exclude}))
    if signoff is not None:
        data["signoff"] = signoff
    for item in data.get("evidence", []):
        if "file" in item:
            if content_dir is None:
                raise ValueError("content_digest needs content_dir to read the evidence files")
            item["file_sha256"] = file_sha256(content_dir, item["file"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _signed_block(name: str, position: str, date: dt.date) -> dict[str, str]:
    return {"name": name, "position": position, "date": date.isoformat()}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(content_dir: Path, relative: str) -> str:
    """The hex SHA-256 of the file at ``relative`` (a POSIX path) under ``content_dir``."""
    path = Path(content_dir).joinpath(*PurePosixPath(relative).parts)
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    """JSON values: None-valued keys dropped, Decimal → str, date → ISO text."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"content_digest cannot hash a {type(value).__name__}; give it a canonical form here first")
