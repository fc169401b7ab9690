"""Settings of the plugin API tests: restart backoff short enough for a fast suite."""

from __future__ import annotations

import pytest

from colophon.config import Settings

FAST_BACKOFF_S = 0.05


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings with ``plugins.restartBackoffMaxS`` cut to 50 ms (§4.5 caps the
    0, 1, 2, 4… s sequence with it), so start-failure tests do not sleep for seconds."""
    plugins = settings.plugins.model_copy(update={"restart_backoff_max_s": FAST_BACKOFF_S})
    return settings.model_copy(update={"plugins": plugins})
