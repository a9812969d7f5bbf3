"""Configuration from environment variables, with safe demo defaults and loud errors.

Everything the deployment decides comes from ``XINYONG_*`` variables so that a county can be
run from a unit file or a container without editing Python.
"""

from __future__ import annotations

import os
from pathlib import Path

DEMO_SECRET = "xinyong-demo-secret-not-for-production"


class ConfigError(RuntimeError):
    """A configuration value is missing or unsafe."""


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def data_dir() -> Path:
    path = Path(env("XINYONG_DATA_DIR") or Path.cwd() / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    url = env("XINYONG_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'xinyong.sqlite3'}"


def secret_key(debug: bool) -> str:
    key = env("XINYONG_SECRET_KEY")
    if key:
        return key
    if not debug:
        raise ConfigError("生产环境必须设置 XINYONG_SECRET_KEY（XINYONG_DEBUG=0 时不允许使用演示密钥）")
    return DEMO_SECRET


def pii_key(secret: str) -> str:
    """Key protecting personal ID numbers; defaults to one derived from the secret key."""
    return env("XINYONG_PII_KEY") or secret
