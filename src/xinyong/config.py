"""Configuration from environment variables, with safe demo defaults and loud errors.

Everything the deployment decides comes from ``XINYONG_*`` variables so that a county can be
run from a unit file or a container without editing Python.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


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


def default_data_dir() -> Path:
    """$XDG_DATA_HOME/xinyong (~/.local/share/xinyong): the same place from any directory."""
    base = env("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "xinyong"


def data_dir() -> Path:
    path = Path(env("XINYONG_DATA_DIR") or default_data_dir()).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    url = env("XINYONG_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'xinyong.sqlite3'}"


def secret_key() -> str:
    """XINYONG_SECRET_KEY, or a random key generated once and kept in the data directory.

    A deployment that runs several processes on several machines must set the variable; a
    county demo or a single server keeps working across restarts with the generated file.
    """
    key = env("XINYONG_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ConfigError("XINYONG_SECRET_KEY 过短：至少需要32个字符")
        return key
    path = data_dir() / "secret.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def pii_key(secret: str) -> str:
    """Key protecting personal ID numbers (XINYONG_PII_KEY), by default the secret key.

    Losing it makes stored ID numbers unreadable: back it up apart from the database."""
    return env("XINYONG_PII_KEY") or secret
