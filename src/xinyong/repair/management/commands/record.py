"""``xinyong record show --department USCC DOCNO [--type xzcf] [--json]``.

Prints a credit record with its tier (and how it was obtained), status, publicity window, the
rule in force on its decision date, the earliest repair date and the repair conditions — the
same computation as the portal and the API (``repair.eligibility.record_repair``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from xinyong.records.models import CreditRecord
from xinyong.repair.eligibility import record_repair


def _date(value: Any) -> str:
    return value.isoformat() if value else "—"


class Command(BaseCommand):
    help = (
        "查看信用记录：xinyong record show --department 部门统一社会信用代码 决定文书号 "
        "[--type xzcf] [--json]。显示失信等级（认定单位填报或按规则推定）、状态、公示期"
        "（起始、最短期满、最长期满）、决定日期适用的规则、最早可申请信用修复的日期和修复条件。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{show}")
        show = sub.add_parser("show", help="显示一条信用记录及其公示期与修复条件")
        show.add_argument("doc_no", metavar="DOCNO", help="决定文书号")
        show.add_argument(
            "--department", required=True, help="报送部门或决定机关的统一社会信用代码"
        )
        show.add_argument("--type", default="", help="信息类型，如 xzcf（同号多条时必填）")
        show.add_argument("--json", action="store_true", help="以JSON输出（供脚本使用）")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["department"].strip().upper()
        found = CreditRecord.objects.filter(doc_no=options["doc_no"].strip()).filter(
            Q(department__code=code) | Q(authority_code=code)
        )
        if options["type"]:
            found = found.filter(type_code=options["type"])
        records = list(found.select_related("subject", "department")[:10])
        if not records:
            raise CommandError(f"未找到部门{code}的决定文书号“{options['doc_no']}”")
        if len(records) > 1:
            types = "、".join(sorted({r.type_code for r in records}))
            raise CommandError(f"找到{len(records)}条记录（信息类型：{types}），请用 --type 指定")
        record = records[0]
        info = record_repair(record)
        if options["json"]:
            data = {
                "record": record.pk,
                "type": record.type_code,
                "doc_no": record.doc_no,
                "subject": record.subject.name,
                "department": record.department.name,
                "authority": record.authority_name,
                **info.as_dict(),
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        lines = [
            f"决定文书号：{record.doc_no}（{record.type_code}，记录编号{record.pk}）",
            f"主体：{record.subject.name}",
            f"决定机关：{record.authority_name}；报送部门：{record.department.name}",
            f"决定日期：{_date(record.decision_date)}",
            f"状态：{info.status_display}",
            f"失信等级：{info.tier or '—'}（{info.tier_source_display or '不分等级'}"
            + (f"：{info.tier_reason}" if info.tier_reason else "")
            + "）",
            f"适用规则：{info.rule_name or info.rule_id or '—'}"
            + (f"（{info.rule_effective_from}起施行）" if info.rule_effective_from else ""),
            f"公示：{'是' if info.published else '否'}；起始{_date(info.publicity_start)}，"
            f"最短期满{_date(info.shortest_end)}，最长期满（停止公示）{_date(info.longest_end)}，"
            f"最后公示日{_date(info.last_day_shown)}",
        ]
        if info.window_explanation:
            lines.append(f"说明：{info.window_explanation}")
        if info.repairable:
            lines.append(f"最早可申请信用修复：{_date(info.earliest_date)}")
            lines.append("修复条件：")
            lines.extend(f"  {n}. {text}" for n, text in enumerate(info.conditions, start=1))
        lines.append(f"今日可否申请：{'可以' if info.eligible else '不可以'}（{info.reason}）")
        for line in lines:
            self.stdout.write(line)
