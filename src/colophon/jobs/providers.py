"""The running plugin behind a job's provider, in this process (RUN-13).

Every job, dry-run and interactive call of one process must share one host per plugin, hence
one child process and one rate limiter. Until the plugin supervisor of the plugins domain
lands, the hosts of a process live here, keyed by the runtime's instance id.
"""

from __future__ import annotations

import uuid

from colophon.plugins.definition import HostSettings, PluginDefinition
from colophon.plugins.host import PluginHost
from colophon.plugins.models import Plugin
from colophon.plugins.registry import PluginHosts
from colophon.runtime import Runtime

_HOSTS: dict[uuid.UUID, PluginHosts] = {}


def plugin_hosts(runtime: Runtime) -> PluginHosts:
    """This process's hosts, created on first use."""
    hosts = _HOSTS.get(runtime.instance_id)
    if hosts is None:
        settings = runtime.settings
        hosts = PluginHosts(
            HostSettings.from_config(
                settings.plugins,
                data_dir=settings.plugin_data_path,
                server_log_level=settings.logging.level,
            )
        )
        _HOSTS[runtime.instance_id] = hosts
    return hosts


def definition_of(row: Plugin) -> PluginDefinition:
    """The host's view of a plugin row (credentials are the plugin supervisor's business)."""
    return PluginDefinition(
        name=row.name,
        command=row.command,
        args=tuple(row.args),
        env=dict(row.env),
        working_dir=row.working_dir,
        admin_config=dict(row.admin_config),
        log_level=row.log_level,
        rate_limit_per_minute=row.rate_limit_per_minute,
        request_timeout_s=row.request_timeout_s,
        revision=row.revision,
    )


def host_for(runtime: Runtime, definition: PluginDefinition) -> PluginHost:
    """The shared host of that plugin in this process."""
    return plugin_hosts(runtime).host_for(definition)


async def stop_plugin_hosts(runtime: Runtime) -> None:
    """Stop every plugin process this runtime started."""
    hosts = _HOSTS.pop(runtime.instance_id, None)
    if hosts is not None:
        await hosts.stop_all()
