"""Service settings: environment by prefix, secrets from files, validation at start."""
from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from kabinet_kit.settings import ServiceSettings


class SampleSettings(ServiceSettings, env_prefix="SAMPLE_"):
    service = "sample"
    default_port = 8199
    min_cell: int = Field(default=5, ge=1)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("SAMPLE_MIN_CELL", "SAMPLE_DATABASE_URL", "DATABASE_URL", "AMQP_URL", "SAMPLE_AMQP_URL",
                 "SAMPLE_PORT", "KABINET_SECRETS_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_work_without_any_environment():
    settings = SampleSettings.load()
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("/var/sample.db")
    assert settings.amqp_url.startswith("amqp://") and settings.port == 8199 and settings.min_cell == 5


def test_prefixed_variables_win_over_generic_ones(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://generic@db/x")
    assert SampleSettings.load().database_url == "postgresql://generic@db/x"
    monkeypatch.setenv("SAMPLE_DATABASE_URL", "postgresql://own@db/sample")
    monkeypatch.setenv("SAMPLE_MIN_CELL", "7")
    settings = SampleSettings.load()
    assert settings.database_url == "postgresql://own@db/sample" and settings.min_cell == 7


def test_a_bad_value_stops_the_start_naming_the_field(monkeypatch):
    monkeypatch.setenv("SAMPLE_MIN_CELL", "zero")
    with pytest.raises(ValidationError, match="min_cell"):
        SampleSettings.load()
    monkeypatch.setenv("SAMPLE_MIN_CELL", "0")
    with pytest.raises(ValidationError, match="min_cell"):
        SampleSettings.load()
    monkeypatch.delenv("SAMPLE_MIN_CELL")
    monkeypatch.setenv("SAMPLE_DATABASE_URL", "mysql://nope")
    with pytest.raises(ValidationError, match="database_url"):
        SampleSettings.load()


def test_secrets_are_read_from_files(monkeypatch, tmp_path):
    (tmp_path / "SAMPLE_DATABASE_URL").write_text("postgresql://secret@db/sample")
    monkeypatch.setenv("KABINET_SECRETS_DIR", str(tmp_path))
    assert SampleSettings.load().database_url == "postgresql://secret@db/sample"


def test_test_overrides_win_and_unknown_keys_are_ignored():
    marker = object()
    settings = SampleSettings.load({"min_cell": 9, "key_source": marker, "not_a_setting": 1})
    assert settings.min_cell == 9 and settings.key_source is marker
