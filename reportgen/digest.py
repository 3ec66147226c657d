"""An indicator's content → its digest (``sha256:<64 hex>``), the fingerprint a sign-off records.

``reportgen signoff`` stores ``content_digest`` in the file's ``signoff.digest``; ``build --release`` recomputes it
and refuses a form whose content changed after it was signed. The digest must therefore change when anything the
form shows (or carries) changes, and stay the same for everything else, for years, across Python, PyYAML and
pydantic versions:

- **What is hashed**: every field of the indicator except ``signoff`` (the sign-off cannot cover itself), as the
  model holds it after loading, so comments, key order, quoting, line endings and YAML styles (``>-``, ``|``,
  ``"…"``) change nothing, while any change of a value does. Each evidence ``file`` also contributes the SHA-256
  of its bytes (``file_sha256``): the file is embedded in the release PDF, so replacing it is a change of content.
- **Canonical form**: JSON with sorted keys, no whitespace (``separators=(",", ":")``), UTF-8, non-ASCII written
  as is (``ensure_ascii=False``). Numbers are the loader's exact ``Decimal`` written with ``str`` (``36.00`` in
  YAML is read as the float 36.0 and hashed as ``"36.0"``; ``3`` as ``"3"``), dates as ISO ``YYYY-MM-DD``. Text is
  hashed exactly as loaded: never Unicode-normalised, since a different code point sequence prints differently.
- **Absent is absent**: fields whose value is ``None`` (not written, or an optional section left out) are
  dropped, so adding a new optional field to the model, defaulting to ``None``, leaves every existing digest
  unchanged. A new field with any other default would change them all: don't. ``tests/test_digest.py`` pins the
  digest of a fixed indicator so that such a change cannot go unnoticed.

The prefix names the form, so that old sign-offs keep verifying next to new ones:

- ``sha256:<hex>`` (**form 1**, ``content_digest``): the content only, as above. The sign-off block itself is not
  covered, so its name, position and date can be edited by hand without the digest noticing. Still accepted:
  ``check_signoff`` says ``"old"``, and ``check`` warns (``signoff_old_digest``) with the command that signs off again.
- ``sha256v2:<hex>`` (**form 2**, ``signoff_digest``, what ``reportgen signoff`` writes): the same canonical
  JSON with one more key, ``"signoff"``, holding the sign-off's ``name``, ``position`` and ``date`` (ISO) as loaded.
  Editing any of them, or the content, makes the digest stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from reportgen.model import Indicator

PREFIX = "sha256:"
#: Form 2: the content and the sign-off's name, position and date.
SIGNOFF_PREFIX = "sha256v2:"


def content_digest(indicator: Indicator, content_dir: Path | None = None) -> str:
    """``sha256:<hex>`` of the indicator's content fields (all but ``signoff``) and its evidence files' bytes.

    ``content_dir`` is the project's ``content/`` folder, where evidence ``file`` paths are resolved; it is
    required when the indicator lists an evidence file (``ValueError`` otherwise). A missing evidence file
    raises ``FileNotFoundError``: validation reports those before anything asks for a digest.
    """
    return PREFIX + hashlib.sha256(canonical_content(indicator, content_dir)).hexdigest()


def signoff_digest(
    indicator: Indicator, content_dir: Path | None, *, name: str, position: str, date: dt.date
) -> str:
    """``sha256v2:<hex>``: form 2, the content and the sign-off ``name``, ``position`` and ``date``."""
    signed = {"name": name, "position": position, "date": date.isoformat()}
    return SIGNOFF_PREFIX + hashlib.sha256(canonical_content(indicator, content_dir, signoff=signed)).hexdigest()


def check_signoff(indicator: Indicator, content_dir: Path | None) -> str:
    """The indicator's sign-off against its content: ``"current"`` (a form-2 digest that matches), ``"old"`` (a
    form-1 digest that matches: valid, but the sign-off block is not covered), ``"stale"`` (no match), ``"none"``
    (no sign-off or no digest)."""
    signoff = indicator.signoff
    if signoff is None or signoff.digest is None:
        return "none"
    if signoff.digest.startswith(SIGNOFF_PREFIX):
        expected = signoff_digest(
            indicator, content_dir, name=signoff.name, position=signoff.position, date=signoff.date
        )
        return "current" if signoff.digest == expected else "stale"
    return "old" if signoff.digest == content_digest(indicator, content_dir) else "stale"


def canonical_content(indicator: Indicator, content_dir: Path | None = None, *, signoff: dict | None = None) -> bytes:
    """The exact bytes ``content_digest`` (``signoff_digest``, given ``signoff``) hashes (see the module docstring)."""
    data = _plain(indicator.model_dump(mode="python", exclude={"signoff"}))
    if signoff is not None:
        data["signoff"] = signoff
    for item in data.get("evidence", []):
        if "file" in item:
            if content_dir is None:
                raise ValueError("content_digest needs content_dir to read the evidence files")
            item["file_sha256"] = file_sha256(content_dir, item["file"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


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
