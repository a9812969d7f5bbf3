"""Run every benchmark: python -m bench (./x bench). Figures go to docs/benchmarks.md."""

from bench import ingest, portal

if __name__ == "__main__":
    ingest.main([])
    portal.main([])
