"""Creating, finding and opening projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from themekit.errors import ProjectExists, ProjectNotFound
from themekit.project import Project


def test_init_creates_settings_and_database(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "study", name="MHTR evaluation")
    assert (tmp_path / "study" / "themekit.toml").exists()
    assert (tmp_path / "study" / "themekit.db").exists()
    assert project.settings.name == "MHTR evaluation"
    assert project.settings.import_settings.unit == "sentence"
    assert [e.action for e in project.store.audit_entries()] == ["init"]


def test_init_refuses_an_existing_project(tmp_path: Path) -> None:
    Project.init(tmp_path).close()
    with pytest.raises(ProjectExists):
        Project.init(tmp_path)


def test_find_walks_upwards(tmp_path: Path) -> None:
    Project.init(tmp_path / "study").close()
    deep = tmp_path / "study" / "notes" / "2026"
    deep.mkdir(parents=True)
    assert Project.find(start=deep).root == (tmp_path / "study").resolve()


def test_find_uses_environment_variable(tmp_path: Path, monkeypatch) -> None:
    Project.init(tmp_path / "study").close()
    monkeypatch.setenv("THEMEKIT_PROJECT", str(tmp_path / "study"))
    assert Project.find(start=tmp_path).root == (tmp_path / "study").resolve()


def test_outside_a_project_is_one_clear_line(tmp_path: Path, bare_cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = bare_cli("status")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Not inside a themekit project (no themekit.db here or in any parent folder)."
        " Run 'themekit init' to create one, or pass --project PATH.\n"
    )
    with pytest.raises(ProjectNotFound):
        Project.find(start=tmp_path)


def test_cli_init_then_status_json(tmp_path: Path, bare_cli, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = bare_cli("init", "study", "--name", "pilot")
    assert result.exit_code == 0, result.output
    assert "Created project 'pilot'" in result.stderr
    monkeypatch.chdir(tmp_path / "study")
    status = bare_cli("status", "--format", "json")
    assert status.exit_code == 0
    import json

    data = json.loads(status.stdout)
    assert data["name"] == "pilot"
    assert data["transcripts"] == 0
    assert data["codebook_version"] is None


def test_backup_and_restore(project: Project, cli, tmp_path: Path) -> None:
    project.store.ensure_coder("ana")
    result = cli("backup", "-o", str(tmp_path / "b.db"))
    assert result.exit_code == 0, result.output
    project.store.ensure_coder("ben")
    result = cli("restore", str(tmp_path / "b.db"))
    assert result.exit_code == 0, result.output
    reopened = Project.open(project.root)
    assert reopened.store.coders() == ["ana"]
    assert reopened.store.db.integrity_ok()
    reopened.close()


def test_log_shows_who_did_what(project: Project, cli) -> None:
    import getpass

    result = cli("log", "--action", "init", "--format", "json")
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    assert (entry["actor"], entry["action"], entry["details"]) == (
        getpass.getuser(),
        "init",
        "name=study",
    )
    assert json.loads(cli("log", "--last", "0", "--format", "json").stdout) == []
