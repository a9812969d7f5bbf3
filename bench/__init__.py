"""Benchmarks: each prints its figures as a ratio to a limit measured in the same run."""
