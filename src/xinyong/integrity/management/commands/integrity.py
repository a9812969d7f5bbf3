"""``xinyong integrity``: the monthly evaluation of 政务诚信 (R-GOV-3).

xinyong integrity evaluate --month YYYY-MM [--json]
xinyong integrity score USCC --month YYYY-MM [--json]
xinyong integrity model show [--json]
xinyong integrity model add FILE
xinyong integrity report USCC --month YYYY-MM [--pdf FILE | --html FILE]
xinyong integrity person ID_NUMBER [--reason TEXT] [--json]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinyong.departments.models import User
from xinyong.integrity import engine
from xinyong.integrity.model import default_versions
from xinyong.integrity.models import Evaluation
from xinyong.integrity.services import (
    IntegrityError,
    add_model_version,
    body_score,
    evaluate_month,
    model_for,
    parse_month,
    stored_versions,
)


class Command(BaseCommand):
    help = (
        "政务诚信监测评价：evaluate 按施行中的评价模型计算某月每个评价对象的得分、等级、"
        "层级内排名和较上月变化（滚动12个月；省级及以上荣誉计24个月；承诺、履约、拖欠类"
        "负面事件整改或修复后自次月起不再计分；按时报送履约信息加分），输入未变时重复运行"
        "结果不变，补录数据后重算记录变化；score 输出某单位某月的得分及各条目计分事件；"
        "model 查看或登记评价模型版本；report 输出某单位某月的评价报告（PDF 或 HTML 文件）；"
        "person 查阅公职人员诚信档案（非公开个人信息，每次查阅连同事由记入审计日志）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        p = sub.add_parser("evaluate", help="运行某月评价（可重复运行）")
        p.add_argument("--month", help="评价月份 YYYY-MM（默认上月）")
        p.add_argument("--user", help="以该用户身份运行（默认：命令行）")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("score", help="某单位某月的得分、等级、排名及计分明细")
        p.add_argument("code", help="统一社会信用代码")
        p.add_argument("--month", help="评价月份 YYYY-MM（默认上月）")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("report", help="某单位某月的评价报告（PDF/HTML，省略则输出摘要）")
        p.add_argument("code", help="统一社会信用代码")
        p.add_argument("--month", help="评价月份 YYYY-MM（默认上月）")
        out = p.add_mutually_exclusive_group()
        out.add_argument("--pdf", type=Path, metavar="FILE", help="写入PDF文件（需中文字体）")
        out.add_argument("--html", type=Path, metavar="FILE", help="写入HTML文件（自带样式）")
        p = sub.add_parser("person", help="查阅公职人员诚信档案（按身份证号码，记入审计日志）")
        p.add_argument("id_number", metavar="ID_NUMBER", help="18位居民身份证号码")
        p.add_argument("--reason", default="命令行查阅", help="查阅事由（记入审计日志）")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("model", help="评价模型版本")
        msub = p.add_subparsers(dest="model_action", required=True, metavar="操作")
        m = msub.add_parser("show", help="列出模型版本与计分规则说明")
        m.add_argument("--json", action="store_true")
        m = msub.add_parser("add", help="登记新的模型版本（YAML，格式同 data/model.yaml）")
        m.add_argument("file", type=Path)
        m.add_argument("--user", help="登记人用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            action = options["action"]
            if action == "evaluate":
                self._evaluate(options)
            elif action == "score":
                self._score(options)
            elif action == "report":
                self._report(options)
            elif action == "person":
                self._person(options)
            else:
                self._model(options)
        except IntegrityError as exc:
            raise CommandError(str(exc)) from None

    def _month(self, text: str | None) -> Any:
        if text:
            return parse_month(text)
        return engine.months_back(timezone.localdate(), 1)

    def _user(self, name: str | None) -> Any:
        if not name:
            return "命令行"
        user = User.objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"用户“{name}”不存在")
        return user

    def _evaluate(self, options: dict[str, Any]) -> None:
        month = self._month(options.get("month"))
        run = evaluate_month(month, actor=self._user(options.get("user")))
        grades: dict[str, int] = {}
        for grade in Evaluation.objects.filter(month=month).values_list("grade", flat=True):
            grades[grade] = grades.get(grade, 0) + 1
        out = {
            "month": f"{month:%Y-%m}",
            "run": run.pk,
            "model_version": run.model_version,
            "bodies": run.bodies,
            "events": run.events,
            "digest": run.digest,
            "unchanged": run.unchanged,
            "changes": run.changes,
            "grades": dict(sorted(grades.items())),
        }
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(
            f"{out['month']} 政务诚信评价（模型{run.model_version}）："
            f"{run.bodies}个评价对象，{run.events}条事件；等级分布 "
            + "、".join(f"{g}:{n}" for g, n in out["grades"].items())
        )
        if run.unchanged:
            self.stdout.write("输入与上次运行相同，结果未变。")
        elif run.changes:
            self.stdout.write(f"较上次运行有{len(run.changes)}个对象结果变化：")
            for change in run.changes:
                self.stdout.write(f"  {change['name']}：{change['before']} → {change['after']}")

    def _score(self, options: dict[str, Any]) -> None:
        out = body_score(options["code"], self._month(options.get("month")))
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        delta = "" if out["delta"] is None else f"，较上月{out['delta']}"
        self.stdout.write(
            f"{out['name']} {out['month']}：{out['score']}分，{out['grade']}级"
            f"（{out['grade_name']}），{out['level']}第{out['rank']}/{out['of']}名{delta}"
        )
        for item in out["items"]:
            self.stdout.write(f"  {item['item']} {item['name']}：{item['points']}分")
            for event in item["events"]:
                self.stdout.write(
                    f"    - {event['date']} {event['kind_name']} {event['level']} "
                    f"{event['source_doc']}"
                )
            for line in item["explanation"]:
                self.stdout.write(f"    · {line}")

    def _report(self, options: dict[str, Any]) -> None:
        from xinyong.integrity.pdf import export_report

        for line in export_report(
            options["code"], self._month(options.get("month")), options["pdf"], options["html"]
        ):
            self.stdout.write(line)

    def _person(self, options: dict[str, Any]) -> None:
        from xinyong.integrity.person_views import person_archive

        out = person_archive(options["id_number"], options["reason"], actor="命令行")
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        if not out["found"]:
            self.stdout.write(f"{out['id_masked']}：没有政务诚信档案事件")
            return
        self.stdout.write(f"{out['name']}（{out['id_masked']}）：{len(out['events'])}条事件")
        for e in out["events"]:
            cleared = "".join(
                f"，{label}{e[key]}"
                for key, label in (("rectified_on", "整改完成"), ("repaired_on", "信用修复"))
                if e[key]
            )
            self.stdout.write(
                f"  - {e['date']} {e['kind_name']} {e['body']}"
                f"{'（' + e['role'] + '）' if e['role'] else ''} {e['source_doc']}{cleared}"
            )

    def _model(self, options: dict[str, Any]) -> None:
        if options["model_action"] == "add":
            path: Path = options["file"]
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{path.name}：无法读取（{exc}）") from None
            rows = add_model_version(text, path.name, actor=self._user(options.get("user")))
            for row in rows:
                self.stdout.write(f"已登记评价模型版本{row.version}，{row.effective_from}起施行")
            return
        versions = [*default_versions(), *stored_versions()]
        current = model_for(timezone.localdate())
        out: list[dict[str, Any]] = [
            {
                "version": m.version,
                "effective_from": m.effective_from.isoformat(),
                "title": m.title,
                "in_force": m.version == current.version,
                "dimensions": [
                    {"code": d.code, "name": d.name, "weight": str(d.weight)} for d in m.dimensions
                ],
                "grades": [{"grade": g.grade, "name": g.name, "min": str(g.min)} for g in m.grades],
                "rules": engine.explanations(m),
            }
            for m in sorted(versions, key=lambda m: m.effective_from)
        ]
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        for m in out:
            mark = "（施行中）" if m["in_force"] else ""
            self.stdout.write(f"{m['version']} {m['effective_from']}起 {m['title']}{mark}")
            for rule in m["rules"].values():
                self.stdout.write(f"  · {rule}")
