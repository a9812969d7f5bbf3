"""xinyong import FILE --type TYPE --department USCC: collect a file from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from xinyong.departments.models import Department, User
from xinyong.ingest.models import Batch
from xinyong.ingest.services import SubmissionError, prepare_file_batch, run_batch
from xinyong.records.models import Source


class Command(BaseCommand):
    help = (
        "按目录模板导入一个 xlsx/xls/csv 文件（CSV 可为 UTF-8 或 GBK）。每一行给出结论："
        "接收或拒绝（行号、字段、原因）；接收行数 + 拒绝行数 = 提交行数。"
        "同一决定机关 + 决定文书号再次报送即为更新，历史版本保留。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--type", required=True, dest="type_code", help="信息类型，如 xzcf")
        parser.add_argument("--department", required=True, help="报送部门统一社会信用代码")
        parser.add_argument("--user", help="以该用户身份报送（默认：命令行）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        department = Department.objects.filter(code=options["department"].upper()).first()
        if department is None:
            raise CommandError(f"没有统一社会信用代码为“{options['department']}”的部门")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户“{options['user']}”不存在")
        actor = user or "命令行"
        try:
            with path.open("rb") as fh:
                batch = prepare_file_batch(
                    user, department, options["type_code"], fh, path.name, Source.CLI, actor
                )
            bar = None
            if not options["no_progress"] and not options["json"]:
                bar = tqdm(unit="行", desc="导入", file=sys.stderr, dynamic_ncols=True)

            def progress(b: Batch) -> None:
                if bar is not None:
                    bar.update(b.submitted - bar.n)

            batch = run_batch(batch, actor, progress)
            if bar is not None:
                bar.close()
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        except SubmissionError as exc:
            if options["json"]:
                failure = {"ok": False, "error": exc.message}
                self.stdout.write(json.dumps(failure, ensure_ascii=False))
                sys.exit(1)
            raise CommandError(exc.message) from None
        self._report(batch, options["json"])
        if batch.rejected:
            sys.exit(1)

    def _report(self, batch: Batch, as_json: bool) -> None:
        errors = list(batch.row_errors.values("row_number", "errors")[:1000])
        if as_json:
            out = {
                "ok": True,
                "batch": batch.pk,
                **batch.counts(),
                "encoding": batch.encoding,
                "warnings": batch.warnings,
                "rejected_rows": [{"row": e["row_number"], "errors": e["errors"]} for e in errors],
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"批次 {batch.pk}：提交 {batch.submitted} 行，接收 {batch.accepted} 行"
            f"（新增 {batch.created}，更新 {batch.updated}，未变 {batch.unchanged}，"
            f"超期 {batch.late}），拒绝 {batch.rejected} 行"
        )
        for warning in batch.warnings:
            self.stdout.write(f"提示：{warning}")
        for e in errors:
            problems = "；".join(f"{i['field']}：{i['message']}" for i in e["errors"])
            self.stdout.write(f"第{e['row_number']}行 拒绝：{problems}")
        if batch.rejected > len(errors):
            self.stdout.write(f"……另有 {batch.rejected - len(errors)} 行被拒绝，见结果文件")
