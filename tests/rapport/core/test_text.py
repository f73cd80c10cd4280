"""The shared text cleaner in rapport/core/text.py."""

from __future__ import annotations

from django.http import QueryDict

from rapport.core.text import clean_text, strip_nul_deep, strip_nul_querydict


def test_nul_goes_from_every_string_of_a_json_shape_keys_included() -> None:
    body = {"a\x00": ["x\x00y", {"k": "\x00"}, 1, None, True], "n": 2.5}
    assert strip_nul_deep(body) == {"a": ["xy", {"k": ""}, 1, None, True], "n": 2.5}


def test_a_querydict_without_nul_is_returned_as_it_is() -> None:
    clean = QueryDict("a=1&a=2")
    assert strip_nul_querydict(clean) is clean
    cleaned = strip_nul_querydict(QueryDict("a=1%002&a=3&b%00=x"))
    assert cleaned.getlist("a") == ["12", "3"] and cleaned["b"] == "x"
    assert not cleaned._mutable


def test_one_line_text_loses_controls_and_bidi_overrides_but_keeps_scripts_and_marks() -> None:
    assert clean_text("  Ana\x07\x1b\x7f\x9b \u202aSouza\u202c\u2067 ") == "Ana Souza"
    assert clean_text("\u202egnp.exe") == "gnp.exe"
    # right-to-left names need no override; the direction marks (U+200E/U+200F) stay
    assert clean_text("שרה כהן\u200f") == "שרה כהן\u200f"
    assert clean_text("a\tb\nc\x1cd\x85e") == "a b c d e"
