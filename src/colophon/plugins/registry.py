"""`PluginHosts`: the plugin hosts of one server process, health pings, shutdown (§4.1, §4.8)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from colophon.plugins.definition import HostSettings, PluginDefinition
from colophon.plugins.health import HostObserver
from colophon.plugins.host import PluginHost
from colophon.plugins.rpc import ReverseHandler, refuse_reverse_calls

log = structlog.get_logger(__name__)

ReverseHandlerFactory = Callable[[str], ReverseHandler]
Sleep = Callable[[float], Awaitable[None]]


class PluginHosts:
    """One ``PluginHost`` per plugin name, created on first use and kept until removed.

    Library jobs and interactive requests in the same process get the same host, hence the
    same child process and the same rate limiter (acceptance item 47).
    """

    def __init__(
        self,
        settings: HostSettings,
        *,
        observer: HostObserver | None = None,
        reverse_handlers: ReverseHandlerFactory = lambda name: refuse_reverse_calls,
    ) -> None:
        self.settings = settings
        self._observer = observer
        self._reverse_handlers = reverse_handlers
        self._hosts: dict[str, PluginHost] = {}
        self._closed = False

    def host_for(self, definition: PluginDefinition) -> PluginHost:
        """The host of ``definition.name``, created (without starting) or updated to the
        definition when its revision is newer."""
        if self._closed:
            raise RuntimeError("plugin hosts are shut down")
        host = self._hosts.get(definition.name)
        if host is None:
            host = PluginHost(
                definition,
                self.settings,
                observer=self._observer,
                reverse_handler=self._reverse_handlers(definition.name),
            )
            self._hosts[definition.name] = host
        elif definition.revision > host.definition.revision:
            host.update(definition)
        return host

    def find(self, name: str) -> PluginHost | None:
        """The host of ``name`` when one exists in this process."""
        return self._hosts.get(name)

    async def remove(self, name: str) -> None:
        """Stop and forget a plugin's host (disable or delete)."""
        host = self._hosts.pop(name, None)
        if host is not None:
            await host.stop()

    async def ping_running(self) -> None:
        """Ping every running process once, in parallel; a ping never starts a process."""
        await asyncio.gather(*(host.ping() for host in list(self._hosts.values())))

    async def run_health_pings(self, *, sleep: Sleep = asyncio.sleep) -> None:
        """Ping running processes every ``pingIntervalS`` until cancelled."""
        while not self._closed:
            await sleep(self.settings.ping_interval_s)
            await self.ping_running()

    async def stop_all(self) -> None:
        """Stop admitting calls and stop every plugin process in parallel (§4.8)."""
        self._closed = True
        hosts, self._hosts = list(self._hosts.values()), {}
        await asyncio.gather(*(host.stop() for host in hosts), return_exceptions=True)
        log.info("plugins_stopped", count=len(hosts))
