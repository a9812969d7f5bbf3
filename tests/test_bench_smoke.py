"""The benchmark scripts that write rows directly (no service in between) still run: a new
non-null column would otherwise break them silently until someone measures again."""

from __future__ import annotations

import pytest


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_integrity_benchmark_runs_on_a_tiny_archive(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bench import integrity

    monkeypatch.delenv("XINYONG_BENCH_POSTGRES", raising=False)
    result = integrity.main(["--bodies", "6", "--events", "300"])
    (run,) = result["runs"]
    assert run["bodies"] == 6 and run["events_read"] > 0
    assert run["unchanged"] is True and run["database"] == "sqlite"
    assert sum(run["grades"].values()) == 6
