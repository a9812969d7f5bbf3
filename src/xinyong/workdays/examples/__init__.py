"""Example holiday schedule files (fictional data, for tests and demonstrations)."""
