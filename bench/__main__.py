"""Run every benchmark: python -m bench (./x bench). Figures go to docs/benchmarks.md."""

from bench import check, ingest, integrity, names, portal

if __name__ == "__main__":
    ingest.main([])
    names.main([])
    portal.main([])
    check.main([])
    integrity.main([])
