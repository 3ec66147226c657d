"""reportgen.terminal and the CLI's one print path: control characters from names, paths and content never reach
a terminal raw (ESC commands, CR overwrites, LF fake lines, U+202E reversed text)."""

from __future__ import annotations

import json

import pytest
from pki import PASSWORD, SLUG, Pki, co_signed, sign
from projects import run_reportgen

from reportgen.errors import Problem
from reportgen.problems import clean_problem, format_problem
from reportgen.terminal import for_terminal, one_line

EVIL = "Ev\x1b[2J\x1b]0;x\x07\rFAKE\n✓ a.pdf: ok\u202efdp.exe"
RAW = ("\x1b", "\r", "\x07", "\u202e")


def test_one_line_escapes_every_control_character_and_keeps_thai():
    cleaned = one_line(EVIL + " ทำ ผู้อำนวยการ")
    assert not any(char in cleaned for char in (*RAW, "\n"))
    assert "\\u001b[2J" in cleaned and "\\u000d" in cleaned and "\\u000a" in cleaned and "\\u202e" in cleaned
    assert cleaned.endswith(" ทำ ผู้อำนวยการ")  # U+0E33 and the combining marks untouched


def test_for_terminal_keeps_the_layout_and_only_our_own_colours():
    assert for_terminal("a\tb\nc") == "a\tb\nc"
    assert for_terminal("x\r\x1b[31my") == "x\\u000d\\u001b[31my"
    assert for_terminal("\x1b[1mlabel\x1b[0m text\x1b]0;t\x07", styled=True) == "\x1b[1mlabel\x1b[0m text\\u001b]0;t\\u0007"
    assert json.loads(for_terminal(json.dumps({"name": "a\u202eb\x7f"}, ensure_ascii=False))) == {"name": "a\u202eb\x7f"}


def test_a_problem_echoing_content_is_printed_clean_even_in_colour():
    problem = Problem.create("invalid", file="content/indicators/2564/08.yaml", field="name\x1b[8m", line=3,
                             source_line="name: \x1b[2Jx\u202e", found="\x1b[31mred")  # fmt: skip
    problem = problem.__class__(**{**problem.__dict__, "message": "value \x1b[31mred\r"})
    text = format_problem(clean_problem(problem), "en", color=True)
    assert "\x1b[31mred" not in text and "\r" not in text and "\u202e" not in text and "\x1b[8m" not in text
    assert "\x1b[1m" in text  # reportgen's own colours are still there
    tabbed = Problem.create("yaml_tab", file="a.yaml", line=1, column=1, source_line="\tname: x")
    assert "→name: x" in format_problem(clean_problem(tabbed), "en")  # a tab is still shown as the arrow the hint names


@pytest.mark.e2e
def test_verify_and_sign_print_a_hostile_certificate_name_as_one_escaped_field(signed, signed_release, pki, tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    ca: Pki = pki["ca"]
    key, cert = ca.issue(EVIL)
    assert cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value == EVIL
    data = pkcs12.serialize_key_and_certificates(b"k", key, cert, [ca.cert], serialization.NoEncryption())
    pdf = tmp_path / "co-signed.pdf"
    pdf.write_bytes(co_signed(signed, signers.SimpleSigner.load_pkcs12_data(data, (), None), visible=False))
    for fmt in ("text", "json"):
        result = run_reportgen("verify", "--format", fmt, str(pdf), cwd=signed_release)
        assert not any(char in result.stdout + result.stderr for char in RAW), result.stdout
        if fmt == "text":
            assert len(result.stdout.strip().splitlines()) == 1  # no fake second line
            assert "Ev\\u001b[2J" in result.stdout
        else:
            assert json.loads(result.stdout)[0]["signatures"][1]["signer"] == EVIL  # JSON keeps the exact name

    p12 = tmp_path / "evil.p12"
    encryption = serialization.BestAvailableEncryption(PASSWORD.encode())
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"k", key, cert, [ca.cert], encryption))
    fresh = tmp_path / "fresh"
    import shutil

    shutil.copytree(signed_release, fresh, symlinks=True)
    (fresh / "output" / "pdf" / f"{SLUG}.pdf").write_bytes((signed_release / "output" / "pdf" / f"{SLUG}.pdf").read_bytes())
    result = sign(fresh, pki, "--force", key=p12)
    assert result.returncode == 0, result.stderr
    assert not any(char in result.stdout for char in RAW) and len(result.stdout.strip().splitlines()) == 1


def test_check_never_echoes_control_characters_from_content(tmp_path):
    """Whatever the loader makes of them, escape codes written in a content file reach no terminal raw, in any
    format (text, JSON, GitHub annotations)."""
    from projects import indicator_yaml, write_project

    text = indicator_yaml() + '"ag\\e[2J\\e]0;owned\\a\\rency\\u202e": "\\e[31mred"\n'
    root = write_project(tmp_path / "project", {"indicators/2564/08.yaml": text})
    for fmt in ("text", "json", "github"):
        result = run_reportgen("check", "--format", fmt, cwd=root)
        assert result.returncode == 1, result.stdout + result.stderr
        assert not any(char in result.stdout + result.stderr for char in RAW), (fmt, result.stdout)
        assert "Traceback" not in result.stderr
        if fmt == "json":
            json.loads(result.stdout)  # still valid JSON
