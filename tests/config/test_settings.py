from __future__ import annotations

from pathlib import Path

import pytest

from colophon.config import ConfigError, env_name, load_settings


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "colophon.yaml"
    path.write_text(text)
    return str(path)


def test_env_overrides_file_overrides_defaults(tmp_path: Path) -> None:
    config = _write(
        tmp_path,
        "worker:\n  concurrency: 4\n  pollIntervalS: 1\n"
        "server:\n  trustProxy: true\n"
        "scanner:\n  ignore: ['a']\n",
    )
    environ = {
        "COLOPHON_WORKER__CONCURRENCY": "8",
        "COLOPHON_SERVER__TRUST_PROXY": "no",
        "COLOPHON_SCANNER__IGNORE": "x, y",
    }
    loaded = load_settings(config, environ=environ)
    settings = loaded.settings
    assert settings.worker.concurrency == 8  # env beats file
    assert settings.worker.poll_interval_s == 1  # file beats default
    assert settings.worker.heartbeat_s == 10  # default
    assert settings.server.trust_proxy is False
    assert settings.scanner.ignore == ["x", "y"]
    assert loaded.sources["worker.concurrency"] == "COLOPHON_WORKER__CONCURRENCY"
    assert loaded.sources["worker.pollIntervalS"] == "colophon.yaml"


def test_cli_flags_beat_environment(tmp_path: Path) -> None:
    loaded = load_settings(
        _write(tmp_path, "{}"),
        environ={"COLOPHON_SERVER__PORT": "9000"},
        overrides={"server.port": 9100},
    )
    assert loaded.settings.server.port == 9100


def test_lists_parse_as_json_too(tmp_path: Path) -> None:
    loaded = load_settings(
        _write(tmp_path, "{}"), environ={"COLOPHON_SERVER__CORS_ORIGINS": '["https://a.example"]'}
    )
    assert loaded.settings.server.cors_origins == ["https://a.example"]


def test_bad_timezone_names_key_and_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, "{}"), environ={"COLOPHON_SCHEDULER__TIMEZONE": "Mars/Base"})
    assert caught.value.problems == [
        "scheduler.timezone: 'Mars/Base' is not a valid IANA timezone "
        "(from COLOPHON_SCHEDULER__TIMEZONE)"
    ]


def test_unknown_file_key_suggests_the_closest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, "worker:\n  concurency: 3\n"), environ={})
    assert caught.value.problems == [
        "colophon.yaml: worker.concurency: unknown key (did you mean 'worker.concurrency'?)"
    ]


def test_every_error_is_listed(tmp_path: Path) -> None:
    config = _write(tmp_path, "server:\n  port: 70000\ndatabase:\n  url: mysql://x/y\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={"COLOPHON_WORKER__CONCURRENCY": "0"})
    text = "\n".join(caught.value.problems)
    assert "server.port" in text and "(from colophon.yaml)" in text
    assert "unsupported scheme 'mysql' (use sqlite:/// or postgresql://)" in text
    assert "worker.concurrency" in text and "COLOPHON_WORKER__CONCURRENCY" in text


def test_lease_must_cover_three_heartbeats(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, "worker:\n  heartbeatS: 30\n  leaseS: 60\n"), environ={})
    assert "leaseS must be at least 3 × heartbeatS" in caught.value.problems[0]


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(str(tmp_path / "nope.yaml"), environ={})


def test_environment_names_follow_the_key_path() -> None:
    assert env_name("scheduler.misfireGraceS") == "COLOPHON_SCHEDULER__MISFIRE_GRACE_S"
    assert env_name("dataDir") == "COLOPHON_DATA_DIR"


def test_sqlite_is_the_default_database(tmp_path: Path) -> None:
    loaded = load_settings(_write(tmp_path, f"dataDir: {tmp_path}/d\n"), environ={})
    assert loaded.settings.database_url == f"sqlite:///{tmp_path}/d/colophon.db"
    assert loaded.settings.is_sqlite
