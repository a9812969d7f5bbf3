"""The county's lists: criteria, local entries and national list files (R-LST-1…4).

A few departments publish criteria; about 200 subjects are put on the red and serious lists by
``lists.services.add_entry`` (some serious ones with their responsible persons). The national
lists arrive as files in their published layouts — 失信被执行人 (CSV in GBK, persons' ID numbers
masked as the courts publish them), 重大税收违法失信主体 and 政府采购严重违法失信 (xlsx) — and go
through the real importer. Part of each file names subjects of the county (so checks hit, and
masked numbers are linked to the person they agree with); the rest are outsiders.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from xinyong.core import ric, uscc
from xinyong.core.publicity import add_months
from xinyong.demo import words as W
from xinyong.demo.generator.common import Log
from xinyong.demo.generator.subjects import SubjectSpec

#: Rows of each national file (with the ~200 local entries: more than 12,000 entries).
NATIONAL_ROWS = {"sxbzxr": 9500, "zdsswf": 1700, "zfcg": 1500}
LOCAL_ENTRIES = 200
#: Share of national rows naming a subject of the county.
IN_COUNTY = 0.25

CRITERIA: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {
    # department key → (list, code, title, text, basis)
    "scjg": (
        (
            "serious",
            "SCJG-YZ-01",
            "食品安全严重违法",
            "因食品安全违法行为受到较重行政处罚的",
            "《市场监督管理严重违法失信名单管理办法》第九条",
        ),
        (
            "serious",
            "SCJG-YZ-02",
            "无证无照经营拒不改正",
            "未依法取得许可从事经营活动，责令改正后拒不改正的",
            "《市场监督管理严重违法失信名单管理办法》第十三条",
        ),
        (
            "red",
            "SCJG-HM-01",
            "守合同重信用企业",
            "连续三年被公示为守合同重信用企业的",
            "《示范县守信激励对象认定办法》第五条",
        ),
    ),
    "sw": (
        (
            "red",
            "SW-HM-01",
            "纳税信用A级纳税人",
            "连续三年纳税信用评价为A级的",
            "《纳税信用管理办法》第三十条",
        ),
        (
            "serious",
            "SW-YZ-01",
            "欠缴税款拒不缴纳",
            "欠缴税款经催缴拒不缴纳，情节严重的",
            "《重大税收违法失信主体信息公布管理办法》第六条",
        ),
    ),
    "sthj": (
        (
            "serious",
            "STHJ-YZ-01",
            "超标排放拒不改正",
            "超过污染物排放标准排放污染物，受到按日连续处罚的",
            "《企业环境信用评价办法》",
        ),
        (
            "red",
            "STHJ-HM-01",
            "环保诚信企业",
            "企业环境信用评价为环保诚信企业的",
            "《企业环境信用评价办法》",
        ),
    ),
    "zjj": (
        (
            "serious",
            "ZJJ-YZ-01",
            "拖欠农民工工资",
            "拖欠农民工工资被列入拖欠农民工工资失信联合惩戒对象名单的",
            "《保障农民工工资支付条例》第四十八条",
        ),
        (
            "red",
            "ZJJ-HM-01",
            "优质工程企业",
            "近三年承建工程获省级以上优质工程奖的",
            "《示范县守信激励对象认定办法》第六条",
        ),
    ),
    "rsj": (
        (
            "serious",
            "RSJ-YZ-01",
            "拒不支付劳动报酬",
            "以转移财产、逃匿等方法逃避支付劳动者劳动报酬，数额较大的",
            "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条",
        ),
    ),
}

SX_HEADERS = [
    "被执行人姓名/名称",
    "身份证号码/组织机构代码",
    "法定代表人或者负责人姓名",
    "执行法院",
    "省份",
    "案号",
    "生效法律文书确定的义务",
    "被执行人的履行情况",
    "失信被执行人行为具体情形",
    "发布时间",
    "屏蔽时间",
]
SW_HEADERS = [
    "纳税人名称",
    "纳税人识别号",
    "法定代表人或者负责人姓名",
    "主要违法事实",
    "相关法律依据及税务处理处罚情况",
    "公布机关",
    "案件编号",
    "公布日期",
]
CG_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "严重违法失信行为的具体情形",
    "处罚依据",
    "处罚结果",
    "执法单位",
    "处罚决定书文号",
    "处罚日期",
    "公布日期",
    "公布截止日期",
]
COURTS = (
    ("示范县人民法院", "浙0122"),
    ("杭州市中级人民法院", "浙01"),
    ("杭州市西湖区人民法院", "浙0106"),
    ("宁波市鄞州区人民法院", "浙0212"),
    ("上海市浦东新区人民法院", "沪0115"),
    ("广州市天河区人民法院", "粤0106"),
    ("合肥市蜀山区人民法院", "皖0104"),
)
OUTSIDE_REGIONS = ("330106", "330212", "310115", "440106", "340104", "320106", "350102")
OUTSIDE_PLACES = ("杭州", "宁波", "上海", "广州", "合肥", "南京", "福州")
SX_SITUATIONS = (
    "有履行能力而拒不履行生效法律文书确定义务",
    "违反财产报告制度",
    "违反限制消费令",
    "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
)
TAX_FACTS = (
    "虚开增值税专用发票",
    "偷税，采取在账簿上多列支出、少列收入手段少缴税款",
    "逃避追缴欠税",
    "骗取出口退税",
)
CG_FACTS = (
    "提供虚假材料谋取中标、成交",
    "与采购人、其他供应商恶意串通",
    "拒绝有关部门监督检查或者提供虚假情况",
)


def _outside_uscc(rng: random.Random, seen: set[str]) -> str:
    while True:
        body = "MA" + rng.choice("23456789") + "".join(rng.choices(uscc.ALPHABET, k=5))
        code = uscc.build("91" + rng.choice(OUTSIDE_REGIONS), body)
        if code not in seen:
            seen.add(code)
            return code


def _person_name(rng: random.Random) -> str:
    surnames = [s for s, _ in W.SURNAMES]
    chars = W.MALE_CHARS if rng.random() < 0.6 else W.FEMALE_CHARS
    return (
        rng.choice(surnames) + rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    )


def _masked_outsider(rng: random.Random) -> str:
    region = rng.choice(OUTSIDE_REGIONS)
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 40 * 365))
    body = f"{region}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return ric.mask(body + ric.calc_check_digit(body))


def _company_name(rng: random.Random) -> str:
    industry = rng.choice(W.COMPANY_INDUSTRIES)[0]
    zihao = rng.choice(W.ZIHAO_FIRST) + rng.choice(W.ZIHAO_SECOND)
    return f"{rng.choice(OUTSIDE_PLACES)}{zihao}{industry}有限公司"


def _day(rng: random.Random, today: dt.date, years: float) -> dt.date:
    return today - dt.timedelta(days=rng.randint(1, int(years * 365)))


def _sx_rows(
    rng: random.Random, specs: list[SubjectSpec], today: dt.date, n: int, seen: set[str]
) -> list[list[str]]:
    companies = [s for s in specs if s.code and s.code.startswith("91")]
    people = [s for s in specs if s.id_number]
    rows = []
    for i in range(n):
        court, abbr = rng.choice(COURTS)
        start = _day(rng, today, 6)
        if rng.random() < IN_COUNTY:
            court, abbr = COURTS[0]
            if people and rng.random() < 0.5:
                s = rng.choice(people)
                name, code, rep = s.name, ric.mask(s.id_number or ""), ""
            else:
                s = rng.choice(companies)
                name, code, rep = s.name, s.code or "", s.rep
        elif rng.random() < 0.55:
            name, code, rep = _person_name(rng), _masked_outsider(rng), ""
        else:
            name, code, rep = _company_name(rng), _outside_uscc(rng, seen), _person_name(rng)
        end = ""
        if rng.random() < 0.08:  # 屏蔽: paid up or the term has run
            end = min(
                today - dt.timedelta(days=1), start + dt.timedelta(days=rng.randint(90, 900))
            ).isoformat()
        amount = rng.randint(1, 500) * 1000
        rows.append(
            [
                name,
                code,
                rep,
                court,
                "浙江" if abbr.startswith("浙") else "",
                f"({start.year - rng.randint(0, 1)}){abbr}执{1000 + i}号",
                f"支付款项人民币{amount}元及利息",
                "全部未履行" if rng.random() < 0.8 else "部分未履行",
                rng.choice(SX_SITUATIONS),
                start.isoformat(),
                end,
            ]
        )
    return rows


def _sw_rows(
    rng: random.Random, specs: list[SubjectSpec], today: dt.date, n: int, seen: set[str]
) -> list[list[Any]]:
    companies = [s for s in specs if s.code and s.code[:2] in ("91", "92")]
    rows: list[list[Any]] = []
    for i in range(n):
        if rng.random() < IN_COUNTY:
            s = rng.choice(companies)
            name, code, rep = s.name, s.code, s.rep
            office = "国家税务总局示范县税务局"
        else:
            name, code, rep = _company_name(rng), _outside_uscc(rng, seen), _person_name(rng)
            office = f"国家税务总局{rng.choice(OUTSIDE_PLACES)}市税务局稽查局"
        fact = rng.choice(TAX_FACTS)
        amount = rng.randint(10, 900) * 10000
        rows.append(
            [
                name,
                code,
                rep,
                f"经检查，该纳税人{fact}，涉及税款{amount}元",
                f"依照《中华人民共和国税收征收管理法》有关规定，追缴税款{amount}元，处以罚款",
                office,
                f"税稽罚〔{today.year - rng.randint(0, 3)}〕{2000 + i}号",
                _day(rng, today, 4),
            ]
        )
    return rows


def _cg_rows(
    rng: random.Random, specs: list[SubjectSpec], today: dt.date, n: int, seen: set[str]
) -> list[list[Any]]:
    companies = [s for s in specs if s.code and s.code.startswith("91")]
    rows: list[list[Any]] = []
    for i in range(n):
        if rng.random() < IN_COUNTY:
            s = rng.choice(companies)
            name, code, unit = s.name, s.code, "示范县财政局"
        else:
            name, code = _company_name(rng), _outside_uscc(rng, seen)
            unit = f"{rng.choice(OUTSIDE_PLACES)}市财政局"
        decided = _day(rng, today, 3)
        months = rng.choice((12, 24, 36))
        end = add_months(decided, months) - dt.timedelta(days=1)
        rows.append(
            [
                name,
                code,
                rng.choice(CG_FACTS),
                "《中华人民共和国政府采购法》第七十七条",
                f"罚款，列入不良行为记录名单，{months // 12}年内禁止参加政府采购活动",
                unit,
                f"财采罚〔{decided.year}〕{3000 + i}号",
                decided,
                min(today, decided + dt.timedelta(days=rng.randint(1, 10))),
                end,
            ]
        )
    return rows


def _write_csv(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def _write_xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def build_lists(
    seed: int,
    specs: list[SubjectSpec],
    departments: dict[str, Any],
    today: dt.date,
    log: Log | None = None,
) -> dict[str, int]:
    """Criteria, local entries and the three national lists; returns counts by list."""
    from django.db import transaction

    from xinyong.audit.models import AuditAction
    from xinyong.audit.services import record as audit
    from xinyong.lists.importing import import_file
    from xinyong.lists.models import ListCriterion, ListEntry
    from xinyong.lists.services import expire_due
    from xinyong.subjects.models import Subject

    say = log or (lambda message: None)
    actor = "演示数据"
    # a smaller county (tests) gets smaller files; the demo's 20,000 subjects get them whole
    scale = min(1.0, len(specs) / 20000)
    rows = {code: max(20, int(n * scale)) for code, n in NATIONAL_ROWS.items()}
    rng = random.Random(f"xinyong-demo:{seed}:lists")

    # criteria ------------------------------------------------------------------------------
    criteria: dict[tuple[str, str], list[Any]] = {}
    with transaction.atomic():
        for key, items in CRITERIA.items():
            department = departments.get(key)
            if department is None:
                continue
            for list_code, code, title, text, basis in items:
                c = ListCriterion.objects.create(
                    department=department,
                    list_code=list_code,
                    code=code,
                    title=title,
                    text=text,
                    legal_basis=basis,
                    effective_from=dt.date(2021, 1, 1),
                )
                criteria.setdefault((key, list_code), []).append(c)
                audit(actor, AuditAction.CREATE, f"{department}公布认定标准“{c}”", obj=c)

    # local entries -------------------------------------------------------------------------
    candidates = [s for s in specs if s.code and s.code[:2] in ("91", "92", "93")]
    picked = rng.sample(candidates, min(max(20, int(LOCAL_ENTRIES * scale)), len(candidates)))
    subjects = Subject.objects.in_bulk([s.code for s in picked], field_name="uscc")
    keys = sorted({k for k, _ in criteria})
    say(f"列入本地红黑名单 {len(picked)} 条 …")
    with transaction.atomic():
        for n, s in enumerate(picked):
            _local_entry(n, s, subjects, criteria, keys, departments, today, rng, actor)
    expired = expire_due(today)

    # national files --------------------------------------------------------------------------
    seen: set[str] = set()
    made = {
        "sxbzxr": _sx_rows(rng, specs, today, rows["sxbzxr"], seen),
        "zdsswf": _sw_rows(rng, specs, today, rows["zdsswf"], seen),
        "zfcg": _cg_rows(rng, specs, today, rows["zfcg"], seen),
    }
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "sxbzxr": _write_csv(Path(tmp) / "失信被执行人名单.csv", SX_HEADERS, made["sxbzxr"]),
            "zdsswf": _write_xlsx(
                Path(tmp) / "重大税收违法失信主体.xlsx", SW_HEADERS, made["zdsswf"]
            ),
            "zfcg": _write_xlsx(
                Path(tmp) / "政府采购严重违法失信行为记录名单.xlsx", CG_HEADERS, made["zfcg"]
            ),
        }
        for code, path in files.items():
            outcome = import_file(path, code, actor=actor, today=today)
            li = outcome.list_import
            say(
                f"  导入{path.stem}：提交 {li.submitted:,} 行，接收 {li.accepted:,} 行，"
                f"关联本县主体 {li.linked:,} 个"
            )
    counts = {
        code: ListEntry.objects.filter(list_code=code).count()
        for code in ("red", "serious", "sxbzxr", "zdsswf", "zfcg")
    }
    counts["expired_local"] = expired
    return counts


def _local_entry(
    n: int,
    s: SubjectSpec,
    subjects: dict[Any, Any],
    criteria: dict[tuple[str, str], list[Any]],
    keys: list[str],
    departments: dict[str, Any],
    today: dt.date,
    rng: random.Random,
    actor: str,
) -> None:
    from xinyong.lists.services import ResponsiblePerson, add_entry

    red = n % 4 == 0
    list_code = "red" if red else "serious"
    options = [k for k in keys if (k, list_code) in criteria]
    key = options[n % len(options)]
    department = departments[key]
    chosen = criteria[(key, list_code)][: 1 + (n % 2)]
    start = today - dt.timedelta(days=rng.randint(0, 4 * 365))
    people = []
    if not red and s.rep and s.rep_id and n % 3 == 0:
        people = [ResponsiblePerson(s.rep, s.rep_id, "法定代表人")]
    kind = "守信" if red else "严失"
    add_entry(
        None,
        list_code=list_code,
        subject=subjects[s.code],
        department=department,
        reason=f"符合{chosen[0].title}认定条件" if red else chosen[0].text.rstrip("的"),
        legal_basis=chosen[0].legal_basis,
        criteria=chosen,
        doc_no=f"{department.short_name or department.name}{kind}〔{start.year}〕{n + 1}号",
        start_date=start,
        responsible=people,
        actor=actor,
    )
