"""Measures triggered by the entries hit, and the Chinese explanation of a result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xinyong.jrp.checking.results import EntryHit, SubjectResult
from xinyong.jrp.measures import Catalog, Measure

# -- measures and explanation --------------------------------------------------------------


def _measure_dict(measure: Measure, entries: Sequence[EntryHit]) -> dict[str, Any]:
    return {
        "code": measure.code,
        "name": measure.name,
        "kind": measure.kind,
        "group": measure.group_label,
        "basis": list(measure.basis),
        "implementers": list(measure.implementers),
        "triggered_by": [e.entry_id for e in entries if e.list_code in measure.lists],
    }


def measures_for(
    cat: Catalog, scenario: str, department_code: str | None, entries: Sequence[EntryHit]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(measures to apply, measures suspended by objections) for the entries hit."""
    if not entries:
        return [], []
    active = [e for e in entries if not e.suspended]
    suspended = [e for e in entries if e.suspended]
    apply = cat.triggered({e.list_code for e in active}, scenario, department_code)
    applied = {m.code for m in apply}
    held = [
        m
        for m in cat.triggered({e.list_code for e in suspended}, scenario, department_code)
        if m.code not in applied
    ]
    return (
        [_measure_dict(m, active) for m in apply],
        [_measure_dict(m, suspended) for m in held],
    )


def explain(result: SubjectResult, scenario_name: str) -> str:
    if result.error:
        return result.error
    who = result.subject_name or result.query_name or result.query_code
    if not result.entries:
        how = {"code": "按代码", "name": "按名称"}.get(result.matched_by, "")
        return f"{who}：{how}核查，未在任何有效名单中。"
    parts = []
    for e in result.entries:
        how = {
            "code": "代码一致",
            "masked_id": "姓名一致且身份证号码公开位一致",
            "name": f"名称相似度{e.score:.2f}",
        }[e.matched_by]
        state = "（异议处理中，暂不执行惩戒措施）" if e.suspended else ""
        parts.append(f"{e.list_name}（{e.authority}，{e.doc_no or '无文号'}；{how}）{state}")
    text = f"{who}：在{'；'.join(parts)}。"
    if result.measures:
        text += f"在“{scenario_name}”中应采取：" + "；".join(
            f"{m['name']}（依据：{'、'.join(m['basis'])}）" for m in result.measures
        )
        text += "。"
    elif not result.suspended_measures:
        text += f"在“{scenario_name}”中无应采取的措施。"
    if result.suspended_measures:
        text += "暂停执行：" + "；".join(m["name"] for m in result.suspended_measures) + "。"
    return text
