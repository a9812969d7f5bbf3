"""Schedule files (YAML and CSV) and their validation, with line numbers in the errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import xinyong.workdays
from xinyong.core.workdays import ScheduleError, parse_schedule, schedule_to_yaml

EXAMPLES = Path(xinyong.workdays.__file__).parent / "examples"
D = date.fromisoformat

GOOD = """\
year: 2030
source: 测试用安排
holidays:
  - name: 元旦
    dates: [2030-01-01]
  - name: 国庆节
    from: 2030-10-01
    to: 2030-10-07
workdays:
  - name: 国庆节调休
    date: 2030-09-29
"""


def issues(text: str, filename: str = "") -> list[str]:
    with pytest.raises(ScheduleError) as info:
        parse_schedule(text, filename=filename)
    return info.value.messages


def test_a_yaml_schedule_gives_holidays_by_date_and_weekend_make_up_days() -> None:
    s = parse_schedule(GOOD)
    assert s.year == 2030 and s.source == "测试用安排" and s.origin == "loaded"
    assert len(s.holidays) == 8
    assert s.holidays[D("2030-10-07")] == "国庆节"
    assert s.workdays == {D("2030-09-29"): "国庆节调休"}


def test_the_example_2027_file_is_marked_as_an_example_and_is_valid() -> None:
    s = parse_schedule((EXAMPLES / "2027-example.yaml").read_bytes(), filename="2027.yaml")
    assert s.year == 2027
    assert "示例" in s.source and "非官方" in s.source
    assert s.holidays[D("2027-10-01")] == "国庆节"
    assert all(d.weekday() >= 5 for d in s.workdays)


def test_the_csv_example_says_the_same_as_the_yaml_example() -> None:
    y = parse_schedule((EXAMPLES / "2027-example.yaml").read_bytes(), filename="a.yaml")
    c = parse_schedule((EXAMPLES / "2027-example.csv").read_bytes(), filename="a.csv")
    assert (c.year, c.source, dict(c.holidays), dict(c.workdays)) == (
        y.year,
        y.source,
        dict(y.holidays),
        dict(y.workdays),
    )


def test_csv_is_recognised_without_a_file_name_and_may_be_gbk_encoded() -> None:
    text = "year,kind,name,date,to,source\n2030,holiday,元旦,2030-01-01,,测试\n"
    assert parse_schedule(text).holidays == {D("2030-01-01"): "元旦"}
    assert parse_schedule(text.encode("gbk")).holidays == {D("2030-01-01"): "元旦"}


def test_a_date_outside_the_year_is_reported_with_its_line() -> None:
    text = GOOD.replace("dates: [2030-01-01]", "dates: [2029-12-31]")
    assert issues(text) == ["第5行：日期2029-12-31不在2030年内"]


def test_a_make_up_day_on_a_weekday_is_reported_with_its_line() -> None:
    text = GOOD.replace("date: 2030-09-29", "date: 2030-09-30")
    (message,) = issues(text)
    assert message.startswith("第11行：调休上班日2030-09-30是星期一")
    assert "必须是周六或周日" in message


def test_a_holiday_listed_twice_is_reported_with_both_lines() -> None:
    text = GOOD + "  - name: 国庆节调休\n    date: 2030-10-12\n"
    text = text.replace("dates: [2030-01-01]", "dates: [2030-01-01, 2030-01-01]")
    assert issues(text) == ["第5行：2030-01-01重复列为放假日（第5行已列出）"]
    text2 = GOOD.replace(
        "to: 2030-10-07", "to: 2030-10-07\n  - name: 国庆\n    dates: [2030-10-03]"
    )
    assert issues(text2) == ["第10行：2030-10-03重复列为放假日（第6行已列出）"]


def test_a_day_both_off_and_made_up_is_reported() -> None:
    text = GOOD.replace("to: 2030-10-07", "to: 2030-10-07\n  - name: 周六\n    dates: [2030-09-29]")
    assert any("既列为" in m for m in issues(text))


def test_unknown_keys_are_reported_with_their_line() -> None:
    text = GOOD.replace("source:", "sorce: x\nsource:").replace(
        "    from:", "    form: 1\n    from:"
    )
    found = issues(text)
    assert any(m.startswith("第2行：未知字段“sorce”") for m in found)
    assert any(m.startswith("第8行：未知字段“form”") for m in found)


def test_missing_year_source_or_dates_are_reported() -> None:
    found = issues("holidays:\n  - name: 元旦\n")
    assert "缺少年度（year），例如 year: 2027" in found
    assert any(m.startswith("缺少来源（source）") for m in found)
    assert any(m.startswith("第2行：须给出日期") for m in found)


def test_bad_dates_and_bad_yaml_are_reported_with_their_line() -> None:
    assert issues(GOOD.replace("2030-01-01", "2030-02-30")) == [
        "第5行：日期“2030-02-30”无效，应为YYYY-MM-DD格式的日期"
    ]
    (message,) = issues("year: 2030\nsource: [unclosed\n")
    assert "YAML格式错误" in message and message.startswith("第")


def test_several_errors_are_all_reported_at_once() -> None:
    text = GOOD.replace("dates: [2030-01-01]", "dates: [2031-01-01]").replace(
        "date: 2030-09-29", "date: 2030-09-30"
    )
    assert [m[:4] for m in issues(text)] == ["第5行：", "第11行"]


def test_csv_errors_name_their_line() -> None:
    text = (
        "# 注释行\n"
        "年度,类型,名称,日期,至,来源\n"
        "2030,放假,元旦,2030-01-01,,测试\n"
        "2030,上班,调休,2030-01-02,,\n"
        "2031,放假,国庆节,2030-10-01,2030-10-07,\n"
        "2030,休息,x,2030-10-08,,\n"
    )
    found = issues(text, "x.csv")
    assert found[0].startswith("第4行：调休上班日2030-01-02是星期三")
    assert found[1] == "第5行：年度2031与第3行的年度2030不一致"
    assert found[2].startswith("第6行：类型“休息”无效")
    assert issues("year,kind,name,day\n", "x.csv")[0].startswith("第1行：未知列“day”")


def test_a_schedule_round_trips_through_yaml() -> None:
    s = parse_schedule(GOOD)
    again = parse_schedule(schedule_to_yaml(s))
    assert (dict(again.holidays), dict(again.workdays)) == (dict(s.holidays), dict(s.workdays))
