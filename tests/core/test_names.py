"""Name matching for joint reward and punishment checks (xinyong.core.names)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from xinyong.core import names
from xinyong.core.names import (
    FEATURES,
    THRESHOLD,
    NameIndex,
    compare,
    core_name,
    is_person_name,
    normalise,
    parse,
    published_rules,
)

VARIANTS_FILE = Path(__file__).resolve().parent.parent / "data" / "name_variants.csv"


def contributions(query: str, candidate: str) -> dict[str, float]:
    return {f.name: f.contribution for f in compare(query, candidate).features if f.contribution}


# --- normalise ---------------------------------------------------------------------------


def test_it_turns_full_width_letters_digits_and_brackets_half_width() -> None:
    assert normalise("ＡＢＣ科技（杭州）有限公司２０２６") == "ABC科技杭州有限公司2026"


def test_it_converts_traditional_characters_to_simplified() -> None:
    assert normalise("東方醫藥連鎖有限責任公司") == "东方医药连锁有限责任公司"
    assert normalise("臺灣華豐電氣設備廠") == "台湾华丰电气设备厂"


def test_it_removes_spaces_punctuation_brackets_and_middle_dots() -> None:
    assert normalise(" 买买提·艾力 ") == "买买提艾力"
    assert normalise("【杭州】明辉,贸易 有限公司。") == "杭州明辉贸易有限公司"
    assert normalise("A&B Co., Ltd.") == "ABCOLTD"


def test_it_upper_cases_latin_letters() -> None:
    assert normalise("abc科技") == "ABC科技"


# --- core_name and parse -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("杭州明辉贸易有限公司", "明辉贸易"),
        ("杭州明辉贸易有限责任公司", "明辉贸易"),
        ("浙江省杭州市明辉贸易股份有限公司", "明辉贸易"),
        ("明辉贸易（杭州）有限公司", "明辉贸易"),
        ("杭州明辉控股集团有限公司", "明辉控股"),
        ("示范县明辉五金店", "明辉五金"),
        ("杭州明辉茶叶专业合作社", "明辉茶叶"),
        ("明辉会计师事务所（特殊普通合伙）", "明辉"),
        ("张三个体工商户", "张三"),
        ("明辉设计工作室", "明辉设计"),
    ],
)
def test_it_strips_region_prefix_group_and_organisational_form(name: str, core: str) -> None:
    assert core_name(name) == core


def test_it_keeps_the_region_prefix_when_asked() -> None:
    assert core_name("杭州明辉贸易有限公司", strip_region=False) == "杭州明辉贸易"


def test_it_keeps_a_region_that_is_the_trade_name() -> None:
    # 和平 is a county name, but what would be left is only an industry word
    assert core_name("和平贸易有限公司") == "和平贸易"
    assert core_name("杭州新华贸易有限公司") == "新华贸易"


def test_it_tells_the_trade_name_from_the_industry() -> None:
    p = parse("杭州明辉电子科技有限公司")
    assert (p.trade, p.industry) == ("明辉", "电子科技")


def test_it_finds_the_branch_after_the_head_office_name() -> None:
    p = parse("中国工商银行股份有限公司杭州西湖支行")
    assert (p.head, p.branch) == ("中国工商银行股份有限公司", "杭州西湖支行")
    assert parse("明辉超市城东分店").branch == "城东分店"
    assert parse("杭州明辉贸易有限公司").branch == ""


def test_it_recognises_natural_persons_names() -> None:
    assert is_person_name("张三")
    assert is_person_name("欧阳娜娜")
    assert is_person_name("王建设")
    assert is_person_name("买买提·艾力")
    assert not is_person_name("明辉五金")
    assert not is_person_name("明辉超市")
    assert not is_person_name("杭州明辉贸易有限公司")


# --- features ----------------------------------------------------------------------------


def test_it_matches_identical_names() -> None:
    m = compare("杭州明辉贸易有限公司", "杭州明辉贸易有限公司")
    assert m.score == 1.0 and m.matched


def test_it_matches_traditional_characters() -> None:
    assert compare("杭州明辉贸易有限公司", "杭州明輝貿易有限公司").score == 1.0


def test_it_matches_full_width_brackets_and_letters() -> None:
    assert compare("ABC科技(杭州)有限公司", "ＡＢＣ科技（杭州）有限公司").score == 1.0


def test_it_matches_extra_spaces() -> None:
    assert compare("杭州明辉贸易有限公司", " 杭州 明辉贸易  有限公司 ").score == 1.0


def test_it_matches_limited_company_written_as_limited_liability_company() -> None:
    c = contributions("杭州明辉贸易有限公司", "杭州明辉贸易有限责任公司")
    assert c == {"core_name_match": 0.85, "region_agreement": 0.05}
    assert compare("杭州明辉贸易有限公司", "杭州明辉贸易有限责任公司").matched


def test_it_matches_a_name_without_its_region_prefix() -> None:
    m = compare("杭州明辉贸易有限公司", "明辉贸易有限公司")
    assert m.matched and m.score == pytest.approx(0.85)


def test_it_matches_the_region_in_brackets_after_the_trade_name() -> None:
    m = compare("杭州明辉贸易有限公司", "明辉贸易（杭州）有限公司")
    assert m.matched and m.score == pytest.approx(0.9)


def test_it_matches_a_region_written_in_full_or_with_its_province() -> None:
    assert compare("杭州明辉贸易有限公司", "浙江省杭州市明辉贸易有限公司").matched


def test_it_does_not_match_companies_of_different_regions() -> None:
    c = contributions("杭州明辉贸易有限公司", "宁波明辉贸易有限公司")
    assert c["region_conflict"] == -0.5
    assert not compare("杭州明辉贸易有限公司", "宁波明辉贸易有限公司").matched


def test_it_lowers_the_score_for_a_province_against_a_city_prefix() -> None:
    c = contributions("浙江明辉贸易有限公司", "杭州明辉贸易有限公司")
    assert c["region_level_mismatch"] == -0.2
    assert not compare("浙江明辉贸易有限公司", "杭州明辉贸易有限公司").matched


def test_it_does_not_match_similar_trade_names_in_the_same_region_and_industry() -> None:
    m = compare("杭州明辉贸易有限公司", "杭州明华贸易有限公司")
    c = {f.name: f.contribution for f in m.features}
    assert c["trade_name_conflict"] == -0.4
    assert c["core_name_similarity"] == pytest.approx(0.375)
    assert not m.matched


def test_it_does_not_match_the_same_trade_name_in_another_industry() -> None:
    c = contributions("杭州明辉贸易有限公司", "杭州明辉科技有限公司")
    assert c["industry_conflict"] == -0.4
    assert not compare("杭州明辉贸易有限公司", "杭州明辉科技有限公司").matched


def test_it_does_not_match_a_company_and_a_cooperative_of_the_same_name() -> None:
    m = compare("杭州明辉农业有限公司", "杭州明辉农业专业合作社")
    assert {f.name: f.contribution for f in m.features}["form_family_conflict"] == -0.6
    assert not m.matched


def test_it_does_not_match_a_joint_stock_company_and_a_limited_company() -> None:
    c = contributions("杭州明辉贸易股份有限公司", "杭州明辉贸易有限公司")
    assert c["form_variant_conflict"] == -0.3
    assert not compare("杭州明辉贸易股份有限公司", "杭州明辉贸易有限公司").matched


def test_it_treats_plain_company_as_compatible_with_any_company_form() -> None:
    assert compare("杭州明辉贸易公司", "杭州明辉贸易有限公司").matched


def test_it_does_not_match_a_group_and_a_company_of_the_same_name() -> None:
    c = contributions("杭州明辉集团有限公司", "杭州明辉有限公司")
    assert c["group_mismatch"] == -0.3
    assert not compare("杭州明辉集团有限公司", "杭州明辉有限公司").matched


def test_it_does_not_match_a_branch_with_its_head_office() -> None:
    m = compare("杭州明辉贸易有限公司", "杭州明辉贸易有限公司西湖分公司")
    assert {f.name: f.contribution for f in m.features}["branch_mismatch"] == -0.6
    assert not m.matched


def test_it_does_not_match_two_branches_of_one_company() -> None:
    assert not compare(
        "中国工商银行股份有限公司杭州西湖支行", "中国工商银行股份有限公司杭州滨江支行"
    ).matched


def test_it_gives_credit_for_one_core_name_containing_the_other() -> None:
    c = contributions("杭州明辉有限公司", "杭州明辉贸易有限公司")
    assert c["core_containment"] == 0.2
    assert not compare("杭州明辉有限公司", "杭州明辉贸易有限公司").matched


def test_it_keeps_scores_between_zero_and_one() -> None:
    assert compare("杭州明辉贸易有限公司", "宁波明华科技股份有限公司西湖分公司").score == 0.0
    assert compare("", "").score == 0.0


def test_every_feature_has_a_one_line_chinese_explanation() -> None:
    for feature, weight in FEATURES:
        doc = (feature.__doc__ or "").strip()
        assert doc and "\n" not in doc, feature.__name__
        assert any("\u4e00" <= ch <= "\u9fff" for ch in doc)
        assert weight != 0


# --- persons -----------------------------------------------------------------------------


def test_it_matches_a_persons_name_only_when_identical_after_normalising() -> None:
    assert compare("张伟", "張偉").score == 1.0
    assert compare("张伟", "张 伟").score == 1.0
    assert compare("买买提·艾力", "买买提艾力").score == 1.0


def test_it_never_fuzzy_matches_persons_names() -> None:
    for other in ["张玮", "张伟伟", "章伟"]:
        m = compare("张伟", other)
        assert m.score == 0.0, other
        assert [f.name for f in m.features] == ["name_literal_match"]
        assert "自然人" in m.rule


def test_it_does_not_match_a_person_with_a_shop_named_after_them() -> None:
    assert compare("张三", "张三五金店").score == 0.0


# --- explanations ------------------------------------------------------------------------


def test_it_explains_a_match_in_chinese() -> None:
    text = compare("杭州明辉贸易有限公司", "杭州明辉贸易有限公司西湖分公司").explain()
    assert "判为不同主体" in text
    assert "-0.60 分支机构与总机构，或不同的分支机构：总机构／西湖分公司" in text


def test_it_explains_the_person_rule() -> None:
    text = compare("张伟", "张玮").explain()
    assert "自然人姓名" in text and "没有任何一项相符" in text


def test_it_publishes_every_rule_with_its_weight() -> None:
    text = published_rules()
    for feature, weight in FEATURES:
        assert f"{weight:+.2f} {names.describe(feature)}" in text


def test_it_takes_the_threshold_as_a_parameter() -> None:
    m = compare("杭州明辉有限公司", "杭州明辉贸易有限公司", threshold=0.4)
    assert m.threshold == 0.4 and m.matched
    assert not compare("杭州明辉有限公司", "杭州明辉贸易有限公司").matched


# --- index -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index() -> NameIndex[str]:
    return NameIndex(
        [
            ("a", "杭州明辉贸易有限公司"),
            ("b", "杭州明华贸易有限公司"),
            ("c", "杭州明辉贸易有限公司西湖分公司"),
            ("d", "宁波明辉贸易有限公司"),
            ("e", "张伟"),
            ("f", "杭州明辉有限公司"),
            *((f"x{n}", f"示范县第{n}商贸有限公司") for n in range(200)),
        ]
    )


def test_the_index_finds_a_listed_company_written_differently(index: NameIndex[str]) -> None:
    hits = index.search("明輝貿易（杭州）有限責任公司")
    assert [h.id for h in hits] == ["a"]
    assert hits[0].match.matched


def test_the_index_finds_persons_only_by_their_whole_name(index: NameIndex[str]) -> None:
    assert [h.id for h in index.search("張偉")] == ["e"]
    assert index.search("张玮") == []


def test_the_index_returns_weaker_candidates_below_a_lower_threshold(
    index: NameIndex[str],
) -> None:
    hits = index.search("杭州明辉贸易有限公司", threshold=0.3)
    assert hits[0].id == "a"
    assert {"a", "d", "c", "f"} <= {h.id for h in hits}
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_the_index_respects_the_limit(index: NameIndex[str]) -> None:
    assert len(index.search("示范县第1商贸有限公司", limit=3, threshold=0.0)) <= 3
    assert len(index) == 206


def test_the_index_finds_what_comparing_with_every_name_finds(index: NameIndex[str]) -> None:
    listed = [(f"x{n}", f"示范县第{n}商贸有限公司") for n in range(200)]
    for query in ["示范县第17商贸有限公司", "示范县第1商贸有限责任公司", "第3商贸有限公司"]:
        brute = {key for key, name in listed if compare(query, name, threshold=0.5).matched}
        found = {h.id for h in index.search(query, limit=1000, threshold=0.5)}
        assert brute <= found, query


# --- labelled variants -------------------------------------------------------------------


def load_variants() -> list[tuple[str, str, int, str]]:
    with VARIANTS_FILE.open(encoding="utf-8", newline="") as fh:
        return [(r["query"], r["candidate"], int(r["same"]), r["kind"]) for r in csv.DictReader(fh)]


def test_the_labelled_set_is_large_and_covers_both_verdicts() -> None:
    rows = load_variants()
    assert len(rows) >= 400
    assert {same for _, _, same, _ in rows} == {0, 1}
    assert len({kind for _, _, _, kind in rows}) >= 20


def test_it_reaches_the_precision_and_recall_floors_on_the_labelled_set() -> None:
    tp = fp = fn = 0
    for query, candidate, same, _kind in load_variants():
        said = compare(query, candidate).score >= THRESHOLD
        tp += said and same == 1
        fp += said and same == 0
        fn += (not said) and same == 1
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.95, precision
    assert recall >= 0.9, recall


def test_it_makes_no_mistake_on_persons_in_the_labelled_set() -> None:
    for query, candidate, same, kind in load_variants():
        if "person" in kind:
            assert compare(query, candidate).matched == bool(same), (query, candidate)
