"""The Prometheus metrics catalogue of platform §9.3, in one registry.

Every domain increments its metrics here (``metrics.TASK_RUNS.labels(...).inc()``), so the
catalogue stays in one place and this module imports no domain. Labels never carry ids.
``system/scrape.py`` serves the registry on ``GET /metrics``.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from colophon.runtime import VERSION

REGISTRY = CollectorRegistry()
# Task and job runs last from milliseconds (no-op) to hours (a large library refresh).
LONG_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, float("inf"))

BUILD_INFO = Gauge("colophon_build_info", "Build information.", ["version"], registry=REGISTRY)
TASKS = Gauge(
    "colophon_tasks",
    "Tasks in the database by type and status.",
    ["type", "status"],
    registry=REGISTRY,
)
TASKS_OLDEST_PENDING_AGE = Gauge(
    "colophon_tasks_oldest_pending_age_seconds",
    "How long the oldest due pending task has waited.",
    registry=REGISTRY,
)
TASK_RUNS = Counter(
    "colophon_task_runs", "Task executions by outcome.", ["type", "outcome"], registry=REGISTRY
)
TASK_DURATION = Histogram(
    "colophon_task_duration_seconds",
    "Time a worker spent running a task.",
    ["type", "outcome"],
    buckets=LONG_BUCKETS,
    registry=REGISTRY,
)
TASK_QUEUE_WAIT = Histogram(
    "colophon_task_queue_wait_seconds",
    "Time from due to claimed.",
    ["type"],
    buckets=LONG_BUCKETS,
    registry=REGISTRY,
)
JOB_RUNS = Counter("colophon_job_runs", "Job runs by status.", ["status"], registry=REGISTRY)
JOB_RUN_DURATION = Histogram(
    "colophon_job_run_duration_seconds",
    "Duration of job runs.",
    ["status"],
    buckets=LONG_BUCKETS,
    registry=REGISTRY,
)
JOB_ITEMS = Counter("colophon_job_items", "Job items by outcome.", ["outcome"], registry=REGISTRY)
PLUGIN_REQUESTS = Counter(
    "colophon_plugin_requests",
    "Plugin requests by outcome.",
    ["plugin", "method", "outcome"],
    registry=REGISTRY,
)
PLUGIN_REQUEST_DURATION = Histogram(
    "colophon_plugin_request_duration_seconds",
    "Plugin request latency.",
    ["plugin", "method"],
    registry=REGISTRY,
)
PLUGIN_ERRORS = Counter(
    "colophon_plugin_errors", "Plugin errors by code.", ["plugin", "code"], registry=REGISTRY
)
PLUGIN_RATE_LIMIT_WAITS = Counter(
    "colophon_plugin_rate_limit_waits",
    "Calls that waited for a rate limit.",
    ["plugin", "reason"],
    registry=REGISTRY,
)
PLUGIN_RATE_LIMIT_WAIT_SECONDS = Counter(
    "colophon_plugin_rate_limit_wait_seconds",
    "Time spent waiting for rate limits.",
    ["plugin", "reason"],
    registry=REGISTRY,
)
SCHEDULER_FIRES = Counter(
    "colophon_scheduler_fires", "Scheduler slots by outcome.", ["outcome"], registry=REGISTRY
)
SCAN_FILES = Counter(
    "colophon_scan_files", "Scanned files by outcome.", ["outcome"], registry=REGISTRY
)
HTTP_REQUESTS = Counter(
    "colophon_http_requests", "HTTP requests.", ["method", "route", "status"], registry=REGISTRY
)
HTTP_REQUEST_DURATION = Histogram(
    "colophon_http_request_duration_seconds",
    "HTTP request latency.",
    ["method", "route"],
    registry=REGISTRY,
)
SSE_SUBSCRIBERS = Gauge(
    "colophon_sse_subscribers", "Open event streams.", ["stream"], registry=REGISTRY
)

BUILD_INFO.labels(version=VERSION).set(1)
