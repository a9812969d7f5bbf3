"""Matching subject names for joint reward and punishment checks (联合奖惩核查).

An implementing department checks a subject against lists (失信被执行人, 严重失信主体名单,
红名单 …) by its code, or by its name when it has no code. This module scores a pair of
names in [0, 1] as a sum of small weighted features, in the style of nomenklatura's
``logic_v1`` model: every feature is a function whose one-line Chinese docstring is also
the published explanation of the rule, and every score comes with the features behind it.

A name is first normalised (全角→半角, 繁体→简体 with OpenCC, spaces and punctuation removed,
Latin letters upper-cased), then split the way 《企业名称登记管理规定》 builds it:
行政区划 + 字号 + 行业 + 组织形式, with an optional branch (分公司, 支行 …) after the head
office's name. The word lists are data (``data/name_terms.yaml``); the region names come
from python-stdnum's national table of administrative divisions.

Natural persons (2–4 Chinese characters, or a name written with ·) are only ever matched on
the whole normalised name: two people whose names differ by one character are two people.

>>> normalise("杭州 明輝（集團）貿易有限責任公司")
'杭州明辉集团贸易有限责任公司'
>>> core_name("浙江省杭州市明辉贸易有限责任公司")
'明辉贸易'
>>> compare("杭州明辉贸易有限公司", "杭州明輝貿易有限責任公司").matched
True
>>> compare("杭州明辉贸易有限公司", "杭州明华贸易有限公司").matched
False
>>> compare("张三", "張三").score, compare("张三", "张山").score
(1.0, 0.0)
"""

from __future__ import annotations

from xinyong.core.names.index import Hit, NameIndex
from xinyong.core.names.model import (
    FEATURES,
    PERSON_FEATURES,
    THRESHOLD,
    FeatureResult,
    Match,
    compare,
    compare_parsed,
    describe,
    published_rules,
)
from xinyong.core.names.normalise import normalise, to_simplified
from xinyong.core.names.parsing import ParsedName, core_name, is_person_name, parse
from xinyong.core.names.terms import Form, terms

__all__ = [
    "FEATURES",
    "PERSON_FEATURES",
    "THRESHOLD",
    "FeatureResult",
    "Form",
    "Hit",
    "Match",
    "NameIndex",
    "ParsedName",
    "compare",
    "compare_parsed",
    "core_name",
    "describe",
    "is_person_name",
    "normalise",
    "parse",
    "published_rules",
    "terms",
    "to_simplified",
]
