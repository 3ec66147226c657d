"""The desk's test projects: a project in a git working copy with a bare remote (as the division's server has), and
what a browser would post from a page's form (``FormReader``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from projects import real_indicator, write_project

#: The reporting date of the desk's tests: quarter 1 of fiscal year 2569 has ended, quarter 2 is running.
TODAY = dt.date(2026, 1, 15)
OFFICER = "นางสาวทดสอบ ใจดี"
OFFICER_EMAIL = "tester@library.example"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout.strip()


def pushed(root: Path, timeout: float = 30.0) -> bool:
    """Whether the desk's background push brought ``origin/main`` to ``HEAD`` within ``timeout`` seconds (a save
    commits at once; its push follows off the save's path)."""
    deadline = time.monotonic() + timeout
    while git(root, "rev-parse", "HEAD") != git(root, "rev-parse", "origin/main"):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def quarter_form(code: str, officer: str, **overrides) -> dict:
    """Indicator ``code`` of 2569 as written at the start of the year: nothing reported yet."""
    data = real_indicator() | {"fiscal_year": 2569, "code": code, "officer": {"name": officer}, "quarters": {},
                               "evidence": []}
    data.pop("result")
    return data | overrides


def git_project(folder: Path) -> Path:
    """Forms 08 (the officer's own) and 09 (someone else's) of 2569 in ``folder/project``, committed, with a bare
    remote ``origin`` in ``folder/remote.git``."""
    root = write_project(folder / "project", {
        "indicators/2569/08.yaml": quarter_form("08", OFFICER),
        "indicators/2569/09.yaml": quarter_form("09", "นายอื่น ผู้อื่น", name="จำนวนผู้เข้าร่วมกิจกรรม"),
    })
    (root / ".gitignore").write_text(".cache/\noutput/\n.reportgen-tmp-*\n", encoding="utf-8")
    remote = folder / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", OFFICER)
    git(root, "config", "user.email", OFFICER_EMAIL)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "main")
    return root


class FormReader(HTMLParser):
    """What a browser posts from the form ``form_id`` of a page: its fields and their values (not those in a
    ``<template>``, nor checkboxes left unticked, nor disabled fieldsets' fields)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.template, self.disabled = form_id, False, 0, 0
        self.values: dict[str, str] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "template":
            self.template += 1
        if tag == "fieldset" and "disabled" in attributes:
            self.disabled += 1
        if self.template or self.disabled:
            return
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type", "text") not in ("checkbox", "file", "submit"):
            self.values[name] = attributes.get("value") or ""
        elif tag == "input" and name and attributes.get("type") == "checkbox" and "checked" in attributes:
            self.values[name] = attributes.get("value") or "on"
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self.select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attributes:
            self.values[self.select] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "template":
            self.template -= 1
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self.textarea and not self.template:
            self.values[self.textarea] += data.removeprefix("\n") if not self.values[self.textarea] else data


def form_values(html: str, form_id: str = "desk-form") -> dict[str, str]:
    """What the browser would post from the form ``form_id`` of ``html`` (the editor's by default)."""
    reader = FormReader(form_id)  # HTMLParser unescapes text and attributes as a browser does
    reader.feed(html)
    return dict(reader.values)


@contextlib.contextmanager
def running_desk(root: Path, settings) -> Iterator[str]:
    """The desk of ``root`` served by uvicorn on 127.0.0.1 and a free port, in a thread: its URL, until the block
    ends (the browser test and the benchmark talk to it as browsers do)."""
    import uvicorn

    from reportgen.desk.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(root, settings), host="127.0.0.1", port=port, access_log=False,
                            log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the desk did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
