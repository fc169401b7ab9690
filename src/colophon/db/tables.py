"""Imports every domain's tables so ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

from colophon.auth import models as auth_models
from colophon.db.base import Base
from colophon.jobs import models as job_models
from colophon.library import models as library_models
from colophon.metadata import models as metadata_models
from colophon.plugins import models as plugin_models
from colophon.system import models as system_models
from colophon.tasks import models as task_models

DOMAIN_TABLE_MODULES = (
    auth_models,
    job_models,
    library_models,
    metadata_models,
    plugin_models,
    system_models,
    task_models,
)
metadata = Base.metadata
