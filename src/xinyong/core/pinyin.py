"""A fast pinyin search key for names (全拼 and 首字母), so search works with latin letters.

pypinyin's phrase segmentation costs about a millisecond a name, too slow for an import of
hundreds of thousands of rows. Names are looked up character by character in pypinyin's own
table instead; for characters with several readings the reading usual in names and places is
chosen (``_NAME_READINGS``), otherwise pypinyin's first reading.

>>> key("长沙市重庆路银行")
'changshashichongqingluyinhang csscqlyh'
>>> key("ABC建材 有限公司")
'abcjiancaiyouxiangongsi abcjcyxgs'
"""

from __future__ import annotations

import functools
import unicodedata

_TONELESS = str.maketrans(
    {
        **dict.fromkeys("āáǎà", "a"),
        **dict.fromkeys("ōóǒò", "o"),
        **dict.fromkeys("ēéěè", "e"),
        **dict.fromkeys("īíǐì", "i"),
        **dict.fromkeys("ūúǔù", "u"),
        **dict.fromkeys("ǖǘǚǜü", "v"),
        **dict.fromkeys("ńňǹ", "n"),
        "ḿ": "m",
    }
)

# Readings of polyphonic characters as they are read in company, place and personal names.
_NAME_READINGS = {
    "长": "chang",
    "重": "chong",
    "行": "hang",
    "银": "yin",
    "乐": "le",
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "朴": "piao",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "华": "hua",
    "家": "jia",
    "都": "du",
    "厦": "xia",
    "沈": "shen",
    "石": "shi",
    "藏": "zang",
    "传": "chuan",
    "调": "diao",
    "便": "bian",
    "和": "he",
    "强": "qiang",
    "发": "fa",
    "兴": "xing",
    "盛": "sheng",
    "朝": "chao",
    "相": "xiang",
    "广": "guang",
    "会": "hui",
    "参": "can",
    "种": "zhong",
    "省": "sheng",
    "模": "mo",
    "校": "xiao",
    "地": "di",
    "的": "de",
    "中": "zhong",
    "为": "wei",
    "贾": "jia",
    "尉": "yu",
    "覃": "qin",
    "翟": "zhai",
    "缪": "miao",
    "盖": "ge",
    "员": "yuan",
    "车": "che",
    "大": "da",
    "什": "shi",
    "蔚": "wei",
    "术": "shu",
    "营": "ying",
    "化": "hua",
}


@functools.lru_cache(maxsize=8192)
def _reading(char: str) -> str:
    if char in _NAME_READINGS:
        return _NAME_READINGS[char]
    from pypinyin.pinyin_dict import pinyin_dict

    readings = pinyin_dict.get(ord(char))
    if not readings:
        return ""
    return readings.split(",", 1)[0].translate(_TONELESS)


def key(name: str) -> str:
    """The full pinyin, a space, then the initials; latin letters and digits kept in lower
    case, punctuation and spaces dropped."""
    full: list[str] = []
    initials: list[str] = []
    for char in unicodedata.normalize("NFKC", name):
        if char.isascii():
            if char.isalnum():
                full.append(char.lower())
                initials.append(char.lower())
            continue
        word = _reading(char)
        if word:
            full.append(word)
            initials.append(word[0])
    return f"{''.join(full)} {''.join(initials)}".strip()
