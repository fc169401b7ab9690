"""`colophon jobs list|run` and the demo job, as real processes (platform §10, §10.1).

One test, because each step spawns processes and the suite must stay fast.
"""

from __future__ import annotations

from pathlib import Path

from tests.processes import colophon_env, run_cli


def test_demo_creates_one_job_and_jobs_run_reports_changes(tmp_path: Path) -> None:
    env = colophon_env(tmp_path / "data", COLOPHON_LOGGING__LEVEL="warning")
    assert run_cli("demo", env=env).returncode == 0
    second = run_cli("demo", env=env)
    assert "job 'Demo refresh' exists" in second.stdout
    listed = run_cli("jobs", "list", "--library", "Demo", env=env)
    assert listed.returncode == 0 and listed.stdout.count("Demo refresh") == 1
    assert "disabled  0 4 * * *  UTC" in listed.stdout
    ran = run_cli("jobs", "run", "Demo refresh", "--library", "Demo", "--inline", env=env)
    assert ran.returncode == 0, ran.stderr
    assert "success: Refreshed 3 of 3 item(s) (3 changed, 0 failed, 0 skipped)" in ran.stdout
    # Without a worker the next run stays queued: a second one exits 3 (platform §10).
    queued = run_cli("jobs", "run", "Demo refresh", "--library", "Demo", env=env)
    assert queued.returncode == 0 and "queued" in queued.stdout
    again = run_cli("jobs", "run", "Demo refresh", "--library", "Demo", env=env)
    assert again.returncode == 3
    assert "A run of this job is already queued or running" in again.stderr
    missing = run_cli("jobs", "run", "nope", env=env)
    assert missing.returncode == 1 and "job not found" in missing.stderr
