"""The desk's fixtures: the test project in git (``desk_projects.py``) and the desk on it, in process."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk_projects import TODAY
from desk_projects import git_project as make_git_project


@pytest.fixture
def git_project(tmp_path) -> Path:
    return make_git_project(tmp_path)


@pytest.fixture
def desk_settings(tmp_path):
    from reportgen.desk.app import DeskSettings

    def make(**overrides) -> DeskSettings:
        return DeskSettings(**({"secret_file": tmp_path / "secret" / "desk-secret", "today": TODAY} | overrides))

    return make


@pytest.fixture
def desk(git_project, desk_settings):
    """A factory: ``desk(**settings)`` → a TestClient of the desk of ``git_project`` (each one a browser session)."""
    from starlette.testclient import TestClient

    from reportgen.desk.app import create_app

    clients = []

    def make(**overrides):
        client = TestClient(create_app(git_project, desk_settings(**overrides)), base_url="http://127.0.0.1")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
        client.app.state.desk.pusher.close()
