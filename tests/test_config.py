from __future__ import annotations

from pathlib import Path

import pytest

from repowright.config import Settings
from repowright.errors import ConfigError


def test_precedence_file_env_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("repowright.config.USER_CONFIG", tmp_path / "none.toml")
    (tmp_path / "repowright.toml").write_text(
        "[repowright]\nmodel = 'openai:gpt-4.1'\njobs = 2\nfix-rounds = 5\n"
    )
    monkeypatch.setenv("REPOWRIGHT_JOBS", "3")
    settings = Settings.load({"fix_rounds": None}, cwd=tmp_path)
    assert (settings.model, settings.jobs, settings.fix_rounds) == ("openai:gpt-4.1", 3, 5)
    assert Settings.load({"jobs": 7}, cwd=tmp_path).jobs == 7


def test_keys_are_refused_in_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("repowright.config.USER_CONFIG", tmp_path / "none.toml")
    (tmp_path / "repowright.toml").write_text("openai_api_key = 'sk-123'\n")
    with pytest.raises(ConfigError, match="environment only"):
        Settings.load(cwd=tmp_path)


def test_max_tokens_is_a_setting_not_a_secret(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("repowright.config.USER_CONFIG", tmp_path / "none.toml")
    monkeypatch.setenv("REPOWRIGHT_MAX_TOKENS", "5000")
    assert Settings.load(cwd=tmp_path).max_tokens == 5000
    assert Settings.load({"max_tokens": 10}, cwd=tmp_path).max_tokens == 10


def test_invalid_values_are_one_line_errors(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("repowright.config.USER_CONFIG", tmp_path / "none.toml")
    monkeypatch.setenv("REPOWRIGHT_JOBS", "many")
    with pytest.raises(ConfigError, match="invalid setting jobs"):
        Settings.load(cwd=tmp_path)
    monkeypatch.delenv("REPOWRIGHT_JOBS")
    (tmp_path / "repowright.toml").write_text("jobs = [")
    with pytest.raises(ConfigError, match="invalid TOML"):
        Settings.load(cwd=tmp_path)


def test_list_settings_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("repowright.config.USER_CONFIG", tmp_path / "none.toml")
    monkeypatch.setenv("REPOWRIGHT_RAG_INDEXES", "torch-ref, rich")
    assert Settings.load(cwd=tmp_path).rag_indexes == ["torch-ref", "rich"]
