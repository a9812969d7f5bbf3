"""``xinyong demo``: build the demo county 示范县 into an empty database, then serve it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count

from xinyong.demo.generator import DEFAULT_PASSWORD, BuildResult, build


def _existing_data() -> dict[str, int]:
    """What the database already holds (empty dict: nothing)."""
    from xinyong.departments.models import Department, User
    from xinyong.ingest.models import Batch
    from xinyong.records.models import CreditRecord
    from xinyong.subjects.models import Subject

    counts = {
        "部门": Department.objects.count(),
        "用户": User.objects.count(),
        "信用主体": Subject.objects.count(),
        "信用记录": CreditRecord.objects.count(),
        "报送批次": Batch.objects.count(),
    }
    return {k: v for k, v in counts.items() if v}


def _has_demo() -> bool:
    from xinyong.ingest.models import Batch
    from xinyong.records.models import Source

    return Batch.objects.filter(source=Source.DEMO).exists()


class Command(BaseCommand):
    help = (
        "生成并启动演示县“示范县”：先执行数据库迁移；数据库为空时生成各部门、信用办管理员和部门报送员、"
        "约2万个信用主体和近三年约10万条行政许可、行政处罚记录（经正式归集流程按月报送），"
        "打印登录信息后用 waitress 启动平台。"
        "规则：数据库已有演示数据时不再生成，直接启动；"
        "数据库已有其他数据时拒绝写入，除非给出 --reset；"
        "--reset 先清空全部数据（SQLite 删除数据库文件重建）；"
        "PostgreSQL 上 --reset 清空所有表。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只生成数据，不启动服务")
        parser.add_argument(
            "--seed", type=int, default=2026, help="随机种子（默认 2026；同一种子生成同样的示范县）"
        )
        parser.add_argument(
            "--subjects", type=int, default=20000, help="信用主体数（默认 20000，至少 100）"
        )
        parser.add_argument(
            "--records", type=int, default=100000, help="许可和处罚决定数（默认 100000，至少 100）"
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"全部演示账号的密码（默认 {DEFAULT_PASSWORD}）",
        )
        parser.add_argument("--host", default="127.0.0.1", help="服务监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=8000, help="服务端口（默认 8000）")
        parser.add_argument("--threads", type=int, default=8, help="服务线程数（默认 8）")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="先清空数据库的全部数据再生成（SQLite 删除数据库文件；PostgreSQL 清空所有表）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subjects"] < 100 or options["records"] < 100:
            raise CommandError("--subjects 和 --records 都至少为 100")
        # An empty database (SQLite or PostgreSQL) is built into; one holding anything but
        # the demo is refused below unless --reset says to empty it first.
        if options["reset"]:
            self._reset_before_migrate()
        self.stdout.write("执行数据库迁移 …")
        call_command("migrate", interactive=False, verbosity=0)
        if self._flush_needed:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("已清空数据库的全部数据")
        result: BuildResult | None = None
        existing = _existing_data()
        if existing:
            if not _has_demo():
                held = "、".join(f"{k}{v:,}" for k, v in existing.items())
                raise CommandError(
                    f"数据库中已有数据（{held}），演示数据不会写入已有数据的数据库。"
                    "如确需清空全部数据后生成示范县，请加 --reset；只想启动平台请用 xinyong serve。"
                )
            self.stdout.write("数据库中已有演示数据，不再重新生成（如需重新生成，请加 --reset）。")
        else:
            self.stdout.write(
                f"生成示范县演示数据（种子 {options['seed']}，信用主体 {options['subjects']:,} 个，"
                f"决定 {options['records']:,} 条）…"
            )
            result = build(
                seed=options["seed"],
                subjects=options["subjects"],
                records=options["records"],
                password=options["password"],
                log=lambda message: self.stdout.write(message),
            )
        self._summary(result, options)
        if not options["no_serve"]:
            call_command(
                "serve", host=options["host"], port=options["port"], threads=options["threads"]
            )

    _flush_needed = False

    def _reset_before_migrate(self) -> None:
        """SQLite file: delete the database files; otherwise flush after migrating."""
        connection = connections[DEFAULT_DB_ALIAS]
        media = Path(settings.MEDIA_ROOT) / "batches"
        in_memory = getattr(connection, "is_in_memory_db", lambda: True)()
        if connection.vendor == "sqlite" and not in_memory:
            path = Path(str(connection.settings_dict["NAME"]))
            connections.close_all()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self.stdout.write(f"已删除数据库文件 {path}，重新建库")
        else:
            self._flush_needed = True
        if media.is_dir():
            shutil.rmtree(media)

    def _summary(self, result: BuildResult | None, options: dict[str, Any]) -> None:
        from xinyong.departments.models import ApiToken, Department, Role, User
        from xinyong.ingest.models import Batch
        from xinyong.records.models import CreditRecord, RecordStatus
        from xinyong.subjects.models import Subject, SubjectKind

        write = self.stdout.write
        kinds = dict(Subject.objects.values_list("kind").annotate(n=Count("id")))
        types = dict(CreditRecord.objects.values_list("type_code").annotate(n=Count("id")))
        records = sum(types.values())
        late = CreditRecord.objects.filter(late=True).count()
        batches = Batch.objects.count()
        totals = {
            key: sum(Batch.objects.values_list(key, flat=True))
            for key in ("submitted", "accepted", "rejected")
        }
        write("")
        if result is not None:
            stages = "，".join(f"{k} {v:.0f} 秒" for k, v in result.stages.items())
            write(
                self.style.SUCCESS(
                    f"示范县演示数据生成完毕，用时 {result.elapsed:.0f} 秒（{stages}）"
                )
            )
        write(f"  部门 {Department.objects.count()} 个，用户 {User.objects.count()} 个")
        write(
            f"  信用主体 {sum(kinds.values()):,} 个："
            + "、".join(f"{label} {kinds.get(value, 0):,}" for value, label in SubjectKind.choices)
        )
        write(
            f"  信用记录 {records:,} 条：行政许可 {types.get('xzxk', 0):,}、"
            f"行政处罚 {types.get('xzcf', 0):,}；"
            f"超期报送 {late:,} 条（及时率 {100 * (records - late) / max(records, 1):.1f}%），"
            f"有修改历史 {CreditRecord.objects.filter(version__gt=1).count():,} 条，"
            f"已撤销 {CreditRecord.objects.filter(status=RecordStatus.REVOKED).count()} 条"
        )
        write(
            f"  报送批次 {batches:,} 个：提交 {totals['submitted']:,} 行，"
            f"接收 {totals['accepted']:,} 行，"
            f"拒绝 {totals['rejected']:,} 行"
        )
        password = result.password if result else f"生成时设定的密码（默认 {DEFAULT_PASSWORD}）"
        write("")
        write(f"登录账号（密码：{password}）：")
        for user in User.objects.select_related("department").order_by("role", "username"):
            where = user.department.name if user.department else "示范县信用办"
            role = "信用办管理员" if user.role == Role.OPERATOR else "部门报送员"
            write(f"  {user.username:<6} {role}  {where}")
        if result is not None and result.token:
            write(
                f"接口令牌（{result.token_user} 的，只显示这一次，平台不保存原文）：{result.token}"
            )
        elif ApiToken.objects.exists():
            write("接口令牌只在生成时显示一次；如需新令牌：xinyong token issue 用户名 --name 用途")
        host = options["host"]
        shown = f"[{host}]" if ":" in host else host
        write("")
        write(f"门户网站：http://{shown}:{options['port']}/")
        write(f"管理后台：http://{shown}:{options['port']}/admin/")
        write(f"数据目录：{settings.DATA_DIR}")
