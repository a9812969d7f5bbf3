"""``xinyong feeds``: internet collection (互联网采集).

xinyong feeds fetch [--source ID]
xinyong feeds add-source --name NAME --url URL [--keywords WORDS] [--collector NAME] --user USER
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from xinyong.departments.models import Role, User
from xinyong.departments.permissions import PermissionDenied
from xinyong.feeds import services
from xinyong.feeds.models import FeedSource


class Command(BaseCommand):
    help = (
        "互联网信息采集：fetch 读取所有启用的采集来源（或 --source 指定的一个），同一来源的同一条"
        "信息只保存一次，按单位名称和关键词给出建议，待信用办审核采纳后才计入政务诚信档案；"
        "逐个来源输出新增、已有、筛除和无效条数，有来源采集失败时退出状态为1。"
        "add-source 登记采集来源（RSS 2.0、Atom 1.0、JSON Feed）：http(s)://地址，主机不能是本机"
        "（回环、链路本地地址）；本机文件（file:// 或路径）只能在此登记，且须位于订阅文件目录"
        "（XINYONG_FEED_DIR，默认为数据目录下的 feeds；相对路径相对于该目录）内。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="子命令")
        p = sub.add_parser("fetch", help="立即采集")
        p.add_argument("--source", type=int, help="只采集该编号的来源（停用的也可）")
        p = sub.add_parser("add-source", help="登记采集来源")
        p.add_argument("--name", required=True, help="来源名称")
        p.add_argument(
            "--url",
            required=True,
            help="地址：http(s)://，或订阅文件目录内的 file:// 地址或文件路径",
        )
        p.add_argument("--keywords", default="", help="关键词筛选（逗号或空格分隔，选填）")
        p.add_argument("--collector", default="feed", help="采集器名称（默认 feed）")
        p.add_argument("--user", help="登记人（信用办管理员）用户名；默认第一个管理员")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "fetch":
            self._fetch(options.get("source"))
        else:
            self._add(options)

    def _fetch(self, source_id: int | None) -> None:
        if source_id is not None and not FeedSource.objects.filter(pk=source_id).exists():
            raise CommandError(f"采集来源{source_id}不存在")
        runs = services.fetch_all("命令行", source_id=source_id)
        if not runs:
            self.stdout.write("没有启用的采集来源。")
            return
        for run in runs:
            self.stdout.write(f"[{run.source_id}] {run.line()}")
        failed = [run for run in runs if not run.ok]
        if failed:
            raise CommandError(f"{len(failed)}个来源采集失败")

    def _add(self, options: dict[str, Any]) -> None:
        name = options.get("user")
        if name:
            user = User.objects.filter(username=name).first()
            if user is None:
                raise CommandError(f"用户“{name}”不存在")
        else:
            operators = User.objects.filter(Q(is_superuser=True) | Q(role=Role.OPERATOR))
            user = operators.filter(is_active=True).order_by("pk").first()
            if user is None:
                raise CommandError("请用 --user 指定信用办管理员")
        try:
            source = services.add_source(
                user,
                name=options["name"],
                url=options["url"],
                collector=options["collector"],
                keywords=options["keywords"],
                allow_local=True,
            )
        except (services.FeedError, PermissionDenied) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已登记采集来源[{source.pk}]“{source.name}”（{source.url}）")
