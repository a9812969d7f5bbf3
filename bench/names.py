"""Name matching for 联合奖惩核查 (xinyong.core.names): precision and recall on the labelled
name variants in tests/data/name_variants.csv at the default threshold, and the time to screen
10,000 query names against 50,000 synthetic list names with NameIndex.

    python -m bench.names [--queries 10000] [--list 50000]
    python -m bench.names --write-variants     # regenerate tests/data/name_variants.csv

The labelled set is generated here, deterministically, from synthetic names (traditional
characters come from a hand-written table below, not from OpenCC, so the test is not circular),
followed by hand-written hard cases. Labels are the author's judgement of whether two names
name the same subject; see ``HARD_CASES`` for the disputable ones.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

from bench.common import ROOT, machine, peak_rss_mb

VARIANTS_FILE = ROOT / "tests" / "data" / "name_variants.csv"
SEED = 20260101

# (province, city) pairs: both appear in the national table of administrative divisions.
REGIONS = [
    ("浙江省", "杭州市"),
    ("浙江省", "宁波市"),
    ("浙江省", "温州市"),
    ("浙江省", "绍兴市"),
    ("浙江省", "嘉兴市"),
    ("浙江省", "湖州市"),
    ("浙江省", "金华市"),
    ("浙江省", "台州市"),
    ("江苏省", "苏州市"),
    ("江苏省", "南京市"),
    ("江苏省", "无锡市"),
    ("广东省", "广州市"),
    ("广东省", "深圳市"),
    ("福建省", "厦门市"),
    ("福建省", "福州市"),
    ("湖南省", "长沙市"),
    ("湖北省", "武汉市"),
    ("四川省", "成都市"),
    ("山东省", "济南市"),
    ("山东省", "青岛市"),
]
TRADE_CHARS = (
    "明辉华伟龙兴达鸿汇泽荣宝顺丽凤广庆乐园鑫盛泰信德诚源瑞祥丰东方新宏昌发财富隆永益佳众联合"
    "天海山星光辰宇阳晨博远卓越创智慧腾飞凯旋锦绣春秋云峰林森"
)
LATIN_TRADES = ["ABC", "KT", "3E", "JD", "ZX", "HY", "88", "A1", "IT", "TC"]
INDUSTRIES = [
    "贸易",
    "科技",
    "商贸",
    "电子",
    "机械",
    "服装",
    "建材",
    "餐饮管理",
    "物流",
    "建筑工程",
    "食品",
    "纺织",
    "五金",
    "印刷",
    "包装",
    "化工",
    "医药",
    "房地产开发",
    "装饰工程",
    "信息技术",
    "网络科技",
    "文化传媒",
    "农业开发",
    "汽车服务",
]
COMPANY_FORMS = ["有限公司"] * 6 + ["有限责任公司"] * 2 + ["股份有限公司"]
OTHER_FORMS = ["经营部", "商行", "店", "农民专业合作社", "厂"]
SURNAMES = (
    "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶潘杜戴夏钟汪田任姜方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎常武"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官"]
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅鹏辉玲建国志文斌兵"
    "俊峰波宇浩凯健琳雪婷倩晶颖慧欣佳怡丹萍燕鑫海东亮成"
)

# Simplified → traditional, written by hand for the characters of the pools above (only the
# characters whose traditional form differs). Kept independent of OpenCC on purpose.
_TRAD_PAIRS = (
    "辉輝 华華 伟偉 龙龍 兴興 达達 鸿鴻 汇匯 泽澤 荣榮 宝寶 顺順 丽麗 凤鳳 广廣 庆慶 乐樂 园園 "
    "东東 发發 财財 众眾 联聯 阳陽 远遠 创創 腾騰 飞飛 凯凱 锦錦 绣繡 云雲 "
    "宁寧 温溫 绍紹 苏蘇 无無 锡錫 门門 长長 汉漢 济濟 岛島 东東 "
    "贸貿 电電 机機 械械 装裝 饮飲 筑築 纺紡 织織 药藥 产產 开開 饰飾 术術 络絡 "
    "传傳 农農 业業 车車 务務 "
    "责責 营營 经經 专專 厂廠 "
    "张張 刘劉 陈陳 杨楊 赵趙 黄黃 吴吳 孙孫 马馬 罗羅 郑鄭 谢謝 韩韓 冯馮 邓鄧 许許 吕呂 卢盧 "
    "蒋蔣 贾賈 叶葉 钟鍾 谭譚 邹鄒 陆陸 顾顧 万萬 钱錢 汤湯 "
    "芳芳 静靜 强強 军軍 艳艷 杰傑 涛濤 刚剛 兰蘭 红紅 鹏鵬 玲玲 国國 颖穎 "
    "区區 县縣 省省 司司 限限"
)
TRAD = {pair[0]: pair[1] for pair in _TRAD_PAIRS.split() if pair[0] != pair[1]}


def traditional(text: str) -> str:
    return "".join(TRAD.get(ch, ch) for ch in text)


def fullwidth(text: str) -> str:
    return "".join(
        chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" and ch not in "()" else ch for ch in text
    ).translate(str.maketrans("()", "（）"))


def _short(region: str) -> str:
    return region[:-1]


class Maker:
    """Random names from the pools above, from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def trade(self, latin: bool = False) -> str:
        rng = self.rng
        if latin:
            return rng.choice(LATIN_TRADES) + rng.choice(TRADE_CHARS)
        return "".join(rng.sample(TRADE_CHARS, rng.choice([2, 2, 2, 3])))

    def company(self, latin: bool = False, form: str | None = None) -> dict[str, str]:
        rng = self.rng
        province, city = rng.choice(REGIONS)
        return {
            "province": province,
            "city": city,
            "trade": self.trade(latin),
            "industry": rng.choice(INDUSTRIES),
            "form": form or rng.choice(COMPANY_FORMS),
        }

    def person(self) -> str:
        rng = self.rng
        surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.1 else rng.choice(SURNAMES)
        return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))

    def other_char(self, ch: str) -> str:
        return self.rng.choice([c for c in TRADE_CHARS if c != ch])

    def other_given(self, ch: str) -> str:
        return self.rng.choice([c for c in GIVEN if c != ch])


def name_of(c: dict[str, str], region: str = "city") -> str:
    prefix = {"city": _short(c["city"]), "full": c["city"], "none": "", "province": ""}[region]
    if region == "province":
        prefix = c["province"] + c["city"]
    return prefix + c["trade"] + c["industry"] + c["form"]


Row = tuple[str, str, int, str]


def generated_rows(seed: int = SEED, per_kind: int = 20) -> list[Row]:
    m = Maker(seed)
    rng = m.rng
    rows: list[Row] = []

    def add(kind: str, same: int, make: object) -> None:
        for _ in range(per_kind):
            query, candidate = make()  # type: ignore[operator]
            rows.append((query, candidate, same, kind))

    # --- the same subject, written differently
    def trad() -> tuple[str, str]:
        c = m.company()
        return name_of(c), traditional(name_of(c))

    def full() -> tuple[str, str]:
        c = m.company(latin=True)
        return name_of(c), fullwidth(name_of(c))

    def spaces() -> tuple[str, str]:
        c = m.company(latin=rng.random() < 0.3)
        n = name_of(c)
        cut = rng.randrange(1, len(n))
        return n, f" {n[:cut]} {n[cut:]}  ".replace("有限", rng.choice(["有限", " 有限", "有限 "]))

    def suffix() -> tuple[str, str]:
        c = m.company(form="有限公司")
        other = dict(c, form=rng.choice(["有限责任公司", "公司"]))
        pair = [name_of(c), name_of(other)]
        rng.shuffle(pair)
        return pair[0], pair[1]

    def region_missing() -> tuple[str, str]:
        c = m.company()
        return name_of(c, rng.choice(["city", "full", "province"])), name_of(c, "none")

    def region_bracket() -> tuple[str, str]:
        c = m.company()
        bracket = rng.choice(["（{}）", "({})", "【{}】"]).format(rng.choice([_short(c["city"])]))
        return name_of(c), c["trade"] + bracket + c["industry"] + c["form"]

    def region_written() -> tuple[str, str]:
        c = m.company()
        return name_of(c, "city"), name_of(c, rng.choice(["full", "province"]))

    def combined() -> tuple[str, str]:
        c = m.company(latin=rng.random() < 0.5, form="有限公司")
        variant = dict(c, form="有限责任公司")
        return name_of(c), fullwidth(traditional(" " + name_of(variant, "province")))

    def person_same() -> tuple[str, str]:
        p = m.person()
        written = rng.choice([traditional(p), " ".join(p), p + " ", p[0] + "　" + p[1:]])
        return p, written

    add("traditional", 1, trad)
    add("fullwidth", 1, full)
    add("spaces", 1, spaces)
    add("suffix_variant", 1, suffix)
    add("region_missing", 1, region_missing)
    add("region_bracket", 1, region_bracket)
    add("region_written", 1, region_written)
    add("combined", 1, combined)
    add("person_same", 1, person_same)

    # --- different subjects
    def branch() -> tuple[str, str]:
        c = m.company()
        district = rng.choice(["西湖", "滨江", "城东", "城西", "开发区", "第一"])
        marker = rng.choice(["分公司", "分公司", "经营部", "营业部", "办事处"])
        return name_of(c), name_of(c) + district + marker

    def branches() -> tuple[str, str]:
        c = m.company()
        a, b = rng.sample(["西湖", "滨江", "城东", "城西", "萧山", "余杭"], 2)
        return name_of(c) + a + "分公司", name_of(c) + b + "分公司"

    def similar_trade() -> tuple[str, str]:
        c = m.company()
        i = rng.randrange(len(c["trade"]))
        other = dict(c, trade=c["trade"][:i] + m.other_char(c["trade"][i]) + c["trade"][i + 1 :])
        return name_of(c), name_of(other)

    def extra_char() -> tuple[str, str]:
        c = m.company()
        other = dict(c, trade=c["trade"] + m.other_char(c["trade"][-1]))
        return name_of(c), name_of(other)

    def industry() -> tuple[str, str]:
        c = m.company()
        other = dict(c, industry=rng.choice([i for i in INDUSTRIES if i != c["industry"]]))
        return name_of(c), name_of(other)

    def region_conflict() -> tuple[str, str]:
        c = m.company()
        province, city = rng.choice([r for r in REGIONS if r[1] != c["city"]])
        return name_of(c), name_of(dict(c, province=province, city=city))

    def region_level() -> tuple[str, str]:
        c = m.company()
        return name_of(c), _short(c["province"]) + c["trade"] + c["industry"] + c["form"]

    def form_family() -> tuple[str, str]:
        c = m.company(form="有限公司")
        return name_of(c), name_of(dict(c, form=rng.choice(OTHER_FORMS)))

    def form_variant() -> tuple[str, str]:
        c = m.company(form="有限公司")
        return name_of(c), name_of(dict(c, form="股份有限公司"))

    def group() -> tuple[str, str]:
        c = m.company()
        return name_of(c), name_of(dict(c, industry=c["industry"] + "集团"))

    def same_region_industry() -> tuple[str, str]:
        c = m.company()
        return name_of(c), name_of(dict(c, trade=m.trade()))

    def person_diff() -> tuple[str, str]:
        p = m.person()
        i = rng.randrange(1, len(p))
        return p, p[:i] + m.other_given(p[i]) + p[i + 1 :]

    def person_shop() -> tuple[str, str]:
        p = m.person()
        return p, p + rng.choice(["五金店", "便利店", "经营部", "商行"])

    add("branch", 0, branch)
    add("branch_different", 0, branches)
    add("similar_trade_name", 0, similar_trade)
    add("trade_name_extra_char", 0, extra_char)
    add("industry_different", 0, industry)
    add("region_conflict", 0, region_conflict)
    add("region_level", 0, region_level)
    add("form_family", 0, form_family)
    add("form_variant", 0, form_variant)
    add("group", 0, group)
    add("same_region_industry", 0, same_region_industry)
    add("person_different", 0, person_diff)
    add("person_vs_shop", 0, person_shop)
    return rows


# Hand-written hard cases: (query, candidate, same, kind). Some are known misses of the
# current rules (marked "known_miss"): they stay in the set so the figures are honest.
HARD_CASES: list[Row] = [
    ("杭州市明辉贸易有限公司", "杭州明辉贸易有限公司", 1, "hard_region"),
    ("浙江省杭州市明辉贸易有限公司", "杭州明辉贸易有限公司", 1, "hard_region"),
    ("明辉（杭州）贸易有限公司", "杭州明辉贸易有限公司", 1, "hard_region"),
    ("杭州市西湖区明辉五金店", "西湖区明辉五金店", 1, "hard_region"),
    ("萧山明辉纺织有限公司", "杭州市萧山区明辉纺织有限公司", 1, "hard_region"),
    ("杭州市萧山区明辉纺织有限公司", "萧山区明辉纺织有限公司", 1, "hard_region"),
    ("深圳市腾讯计算机系统有限公司", "深圳腾讯计算机系统有限公司", 1, "hard_region"),
    ("義烏市明輝飾品廠", "义乌明辉饰品厂", 1, "hard_traditional"),
    ("溫州明輝鞋業有限公司", "温州明辉鞋业有限公司", 1, "hard_traditional"),
    ("杭州明辉貿易有限責任公司", "杭州明辉贸易有限公司", 1, "hard_traditional"),
    (
        "中國工商銀行股份有限公司杭州西湖支行",
        "中国工商银行股份有限公司杭州西湖支行",
        1,
        "hard_traditional",
    ),
    ("臺州明輝電器廠", "台州明辉电器厂", 1, "hard_traditional"),
    ("ＡＢＣ科技（杭州）有限公司", "ABC科技(杭州)有限公司", 1, "hard_fullwidth"),
    ("abc科技有限公司", "ABC科技有限公司", 1, "hard_fullwidth"),
    ("阿里巴巴（中国）有限公司", "阿里巴巴(中国)有限公司", 1, "hard_fullwidth"),
    ("杭州明辉贸易公司", "杭州明辉贸易有限公司", 1, "hard_suffix"),
    ("明辉会计师事务所（特殊普通合伙）", "明辉会计师事务所", 1, "hard_suffix"),
    ("杭州明辉物业管理有限公司", "杭州明辉物业管理有限责任公司", 1, "hard_suffix"),
    ("杭州明辉贸易有限公司", "杭州明辉商贸有限公司", 0, "hard_industry"),
    ("杭州明辉科技有限公司", "杭州明辉科技发展有限公司", 0, "hard_industry"),
    ("杭州明辉贸易有限公司", "杭州明辉有限公司", 0, "hard_industry"),
    ("北京字节跳动科技有限公司", "北京字节跳动网络技术有限公司", 0, "hard_industry"),
    ("杭州明辉贸易有限公司", "杭州明华贸易有限公司", 0, "hard_trade_name"),
    ("杭州明辉贸易有限公司", "杭州明晖贸易有限公司", 0, "hard_trade_name"),
    ("杭州明辉贸易有限公司", "杭州辉明贸易有限公司", 0, "hard_trade_name"),
    ("阿里巴巴（中国）有限公司", "阿里巴巴有限公司", 0, "hard_trade_name"),
    ("杭州明辉贸易有限公司", "宁波明辉贸易有限公司", 0, "hard_region"),
    ("湖南明辉建材有限公司", "湖北明辉建材有限公司", 0, "hard_region"),
    ("浙江明辉贸易有限公司", "杭州明辉贸易有限公司", 0, "hard_region"),
    ("中国工商银行股份有限公司杭州西湖支行", "中国工商银行股份有限公司", 0, "hard_branch"),
    (
        "中国工商银行股份有限公司杭州西湖支行",
        "中国工商银行股份有限公司杭州滨江支行",
        0,
        "hard_branch",
    ),
    ("杭州明辉餐饮管理有限公司城西店", "杭州明辉餐饮管理有限公司", 0, "hard_branch"),
    ("明辉超市城东分店", "明辉超市", 0, "hard_branch"),
    ("杭州明辉农民专业合作社", "杭州明辉农业有限公司", 0, "hard_form"),
    ("杭州明辉茶叶专业合作社", "杭州明辉茶叶有限公司", 0, "hard_form"),
    ("杭州明辉五金店", "杭州明辉五金商行", 0, "hard_form"),
    ("杭州明辉机械厂", "杭州明辉机械有限公司", 0, "hard_form"),
    ("杭州娃哈哈集团有限公司", "杭州娃哈哈有限公司", 0, "hard_group"),
    ("杭州明辉集团有限公司", "杭州明辉集团股份有限公司", 0, "hard_form"),
    ("张伟", "張偉", 1, "hard_person"),
    ("张伟", "张 伟", 1, "hard_person"),
    ("张伟", "张玮", 0, "hard_person"),
    ("欧阳娜娜", "欧阳娜", 0, "hard_person"),
    ("买买提·艾力", "买买提艾力", 1, "hard_person"),
    ("买买提·艾力", "买买提·艾买", 0, "hard_person"),
    ("王建设", "王建设", 1, "hard_person"),
    ("王建设", "王建", 0, "hard_person"),
    ("张三", "张三五金店", 0, "hard_person"),
    ("李明", "李明明", 0, "hard_person"),
    # known misses: typos and foreign-language names are not caught by these rules
    ("杭州明辉贸易有限公司", "杭州明辉贸易有限公", 1, "known_miss"),
    ("杭州明辉贸易有限公司", "杭州明辉贸昜有限公司", 1, "known_miss"),
    ("Hangzhou Minghui Trading Co., Ltd.", "杭州明辉贸易有限公司", 1, "known_miss"),
]


def variant_rows() -> list[Row]:
    return generated_rows() + HARD_CASES


def write_variants(path: Path = VARIANTS_FILE) -> int:
    rows = variant_rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["query", "candidate", "same", "kind"])
        writer.writerows(rows)
    return len(rows)


def read_variants(path: Path = VARIANTS_FILE) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["query"], r["candidate"], int(r["same"]), r["kind"]) for r in csv.DictReader(fh)]


def evaluate(rows: list[Row], threshold: float) -> dict[str, object]:
    from xinyong.core.names import compare

    tp = fp = fn = tn = 0
    wrong: list[dict[str, object]] = []
    for query, candidate, same, _kind in rows:
        score = compare(query, candidate, threshold=threshold).score
        said = score >= threshold
        tp += said and bool(same)
        fp += said and not same
        fn += (not said) and bool(same)
        tn += (not said) and not same
        if said != bool(same):
            wrong.append({"query": query, "candidate": candidate, "same": same, "score": score})
    return {
        "pairs": len(rows),
        "positives": tp + fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "false_positives": fp,
        "false_negatives": fn,
        "wrong": wrong,
    }


def synthetic_list(size: int, seed: int) -> list[tuple[int, str]]:
    """List names as a 失信 list holds them: 85% organisations, 15% natural persons."""
    m = Maker(seed)
    names: list[tuple[int, str]] = []
    for n in range(size):
        if m.rng.random() < 0.15:
            names.append((n, m.person()))
        else:
            c = m.company(latin=m.rng.random() < 0.05)
            names.append((n, name_of(c, m.rng.choice(["city", "city", "full", "province"]))))
    return names


def synthetic_queries(listed: list[tuple[int, str]], size: int, seed: int) -> list[str]:
    """Query names: a third are listed names written differently, the rest are new names."""
    m = Maker(seed)
    queries: list[str] = []
    for _ in range(size):
        if m.rng.random() < 1 / 3:
            name = m.rng.choice(listed)[1]
            queries.append(m.rng.choice([traditional(name), fullwidth(name), f" {name} "]))
        elif m.rng.random() < 0.15:
            queries.append(m.person())
        else:
            queries.append(name_of(m.company(), m.rng.choice(["city", "none"])))
    return queries


def screening(list_size: int, query_count: int) -> dict[str, object]:
    from xinyong.core import names

    names.terms()  # the word lists and region table load once per process
    listed = synthetic_list(list_size, SEED + 1)
    queries = synthetic_queries(listed, query_count, SEED + 2)
    started = time.perf_counter()
    index = names.NameIndex(listed)
    built = time.perf_counter() - started
    started = time.perf_counter()
    hits = sum(1 for q in queries if index.search(q, limit=5))
    searched = time.perf_counter() - started
    return {
        "list_names": list_size,
        "queries": query_count,
        "index_seconds": round(built, 2),
        "search_seconds": round(searched, 2),
        "queries_per_s": round(query_count / searched),
        "queries_with_hits": hits,
        "goal_seconds": 30,
    }


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="python -m bench.names")
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--list", type=int, default=50_000)
    parser.add_argument("--write-variants", action="store_true")
    args = parser.parse_args(argv)
    if args.write_variants:
        print(f"{write_variants()} pairs written to {VARIANTS_FILE.relative_to(ROOT)}")
        return {}
    from xinyong.core.names import THRESHOLD

    quality = evaluate(read_variants(), THRESHOLD)
    result = {
        "benchmark": "names",
        "threshold": THRESHOLD,
        "labelled": {k: v for k, v in quality.items() if k != "wrong"},
        "misjudged": quality["wrong"],
        "screening": screening(args.list, args.queries),
        "peak_rss_mb": round(peak_rss_mb()),
        "machine": machine(),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
