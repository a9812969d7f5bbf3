"""``xinyong serve``: the platform behind waitress, a multi-threaded production WSGI server."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
STAMP = ".xinyong-static.sha256"


def static_fingerprint() -> str:
    """A digest of every static file the finders see (path, size, modification time)."""
    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            try:
                stat = Path(storage.path(path)).stat()
            except (NotImplementedError, OSError):
                continue
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def collect_static_if_needed() -> bool:
    """Run collectstatic into STATIC_ROOT when the static files changed since the last run;
    return whether it ran."""
    root = Path(settings.STATIC_ROOT)
    stamp = root / STAMP
    fingerprint = static_fingerprint()
    if stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    root.mkdir(parents=True, exist_ok=True)
    stamp.write_text(fingerprint + "\n")
    return True


def pending_migrations() -> int:
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = (
        "用 waitress（多线程的生产级 WSGI 服务器，不是开发用的 runserver）提供平台服务。"
        "规则：首次启动或静态文件有变化时，先把静态文件收集到 XINYONG_DATA_DIR/static；"
        "默认只监听本机 127.0.0.1:8000，对外服务须用 --host 指定地址并设置 XINYONG_ALLOWED_HOSTS；"
        "数据库迁移不会自动执行（请先运行 xinyong migrate）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="监听地址（默认 127.0.0.1，只允许本机访问；0.0.0.0 表示所有网卡）",
        )
        parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
        parser.add_argument("--threads", type=int, default=8, help="每个进程的工作线程数（默认 8）")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="服务进程数（默认 1；多核机器可设为核数，进程共用同一端口）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        threads: int = options["threads"]
        workers: int = options["workers"]
        if workers < 1:
            raise CommandError("进程数至少为 1")
        if not 0 < port < 65536:
            raise CommandError(f"端口 {port} 无效，应在 1–65535 之间")
        if threads < 1:
            raise CommandError("线程数至少为 1")
        if collect_static_if_needed():
            self.stdout.write(f"静态文件已收集到 {settings.STATIC_ROOT}")
        pending = pending_migrations()
        if pending:
            self.stderr.write(
                self.style.WARNING(f"数据库还有 {pending} 个迁移未执行，请先运行 xinyong migrate")
            )
        if host not in LOOPBACK:
            allowed = set(settings.ALLOWED_HOSTS)
            if "*" not in allowed and host not in allowed and host not in {"0.0.0.0", "::"}:  # noqa: S104
                self.stderr.write(
                    self.style.WARNING(
                        f"地址 {host} 不在 XINYONG_ALLOWED_HOSTS 中，访问会被拒绝（400）"
                    )
                )
            if settings.DEBUG:
                self.stderr.write(
                    self.style.WARNING(
                        "当前为调试模式（XINYONG_DEBUG 未设为 0），不应对外提供服务；"
                        "对外服务前请设置 XINYONG_DEBUG=0、XINYONG_SECRET_KEY"
                        " 和 XINYONG_ALLOWED_HOSTS"
                    )
                )
        from waitress import serve

        from xinyong.wsgi import application

        shown = f"[{host}]" if ":" in host else host
        processes = f"{workers} 个进程、每个 " if workers > 1 else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"平台已启动：http://{shown}:{port}/ （waitress，{processes}{threads} 个线程；"
                "按 Ctrl+C 停止）"
            )
        )
        self.stdout.flush()
        if workers == 1:
            serve(application, host=host, port=port, threads=threads, ident="xinyong")
            return
        serve_forked(application, host, port, threads, workers)


def serve_forked(application: Any, host: str, port: int, threads: int, workers: int) -> None:
    """Several waitress processes accepting on one listening socket: one GIL per core."""
    import os
    import signal
    import socket

    from django.db import connections
    from waitress import serve

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    # Children must not share the parent's database connections.
    connections.close_all()
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            serve(application, sockets=[sock], threads=threads, ident="xinyong")
            os._exit(0)
        children.append(pid)

    def stop(*_: Any) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child, 0)
