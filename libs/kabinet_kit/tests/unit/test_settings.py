"""Service settings: environment by prefix, secrets from files, validation at start."""
from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from kabinet_kit.settings import ConfigurationError, ServiceSettings


class SampleSettings(ServiceSettings, env_prefix="SAMPLE_"):
    service = "sample"
    default_port = 8199
    min_cell: int = Field(default=5, ge=1)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("SAMPLE_MIN_CELL", "SAMPLE_DATABASE_URL", "DATABASE_URL", "AMQP_URL", "SAMPLE_AMQP_URL",
                 "SAMPLE_RELAY_AMQP_URL", "SAMPLE_CONSUMER_AMQP_URL", "SAMPLE_PORT", "KABINET_SECRETS_DIR",
                 "SAMPLE_QUEUE_TYPE"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_work_without_any_environment():
    settings = SampleSettings.load()
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("/var/sample.db")
    assert settings.port == 8199 and settings.min_cell == 5


@pytest.mark.parametrize("process", ["relay", "consumer"])
def test_a_process_without_its_broker_url_stops_naming_the_variable(monkeypatch, process):
    # No default broker account (least of all guest's): the relay and the consumer each need their own.
    monkeypatch.setenv("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/kabinet")  # a generic one is not used
    monkeypatch.setenv("SAMPLE_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/kabinet")
    settings = SampleSettings.load()
    with pytest.raises(ConfigurationError, match=f"SAMPLE_{process.upper()}_AMQP_URL is not set"):
        settings.broker_url(process)


def test_each_process_reads_its_own_broker_url(monkeypatch):
    monkeypatch.setenv("SAMPLE_RELAY_AMQP_URL", "amqp://sample-relay:r@127.0.0.1:5672/kabinet")
    monkeypatch.setenv("SAMPLE_CONSUMER_AMQP_URL", "amqp://sample-consumer:c@127.0.0.1:5672/kabinet")
    settings = SampleSettings.load()
    assert settings.broker_url("relay") == "amqp://sample-relay:r@127.0.0.1:5672/kabinet"
    assert settings.broker_url("consumer") == "amqp://sample-consumer:c@127.0.0.1:5672/kabinet"
    assert "sample-relay:r@" not in repr(settings)  # the URLs carry passwords
    monkeypatch.setenv("SAMPLE_RELAY_AMQP_URL", "http://nope")
    with pytest.raises(ValidationError, match="relay_amqp_url"):
        SampleSettings.load()


def test_no_default_in_code_carries_guest_credentials():
    for name, field in ServiceSettings.model_fields.items():
        assert "guest" not in str(field.default), name
    import kabinet_kit.settings as module
    assert not [v for v in vars(module).values() if isinstance(v, str) and "guest:guest" in v]


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


def test_queue_type_and_a_list_of_brokers(monkeypatch):
    assert SampleSettings.load().queue_type == "classic"
    monkeypatch.setenv("SAMPLE_QUEUE_TYPE", "quorum")
    monkeypatch.setenv("SAMPLE_RELAY_AMQP_URL", "amqp://s:p@node1:5681/v;amqp://s:p@node2:5682/v")
    settings = SampleSettings.load()
    assert settings.queue_type == "quorum" and settings.broker_url("relay").count("amqp://") == 2
    monkeypatch.setenv("SAMPLE_QUEUE_TYPE", "stream")
    with pytest.raises(ValidationError, match="queue_type"):
        SampleSettings.load()
    monkeypatch.setenv("SAMPLE_QUEUE_TYPE", "classic")
    monkeypatch.setenv("SAMPLE_RELAY_AMQP_URL", "amqp://s:p@node1:5681/v;http://node2")
    with pytest.raises(ValidationError, match="relay_amqp_url"):
        SampleSettings.load()
