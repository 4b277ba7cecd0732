"""The incident loader's tag rules (statusgen/sources/checker.py) are PyYAML's own."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from statusgen.sources.checker import FileCheck, _FastLoader

TRICKY = [
    "", "~", "null", "Null", "NULL", "nULL", "Yes", "yes", "YES", "yEs", "y", "Y", "n", "No", "on", "On", "ON",
    "off", "OFF", "True", "true", "TRUE", "tRUE", "False", "0", "-0", "+0", "00", "017", "0o17", "0x1F", "0X1F",
    "0b101", "-0b101", "1_000", "+1_000", "1:20", "-1:20", "190:20:30", "1:20.5", "1.", "1.5", "-.5", "+.5", ".5",
    ".", "-", "+", "1e3", "1.0e+3", "1.0E-3", ".inf", "-.inf", "+.Inf", ".INF", ".nan", ".NaN", ".NAN", "nan",
    "2026-11-22", "2026-1-2", "2026-11-22 14:20:00+00:00", "2026-11-22T14:20:00Z", "2026-11-22t14:20:00.5-05:00",
    "2026-11-22 14:20", "<<", "<", "=", "==", "at", "SEV1", "degraded_performance", "1\n", "x\n", "é", "1 2",
]  # fmt: skip


def tags(loader: type) -> list[tuple[str, str]]:
    """Each scalar of TRICKY as a plain scalar, and quoted, with the tag ``loader`` gives it."""
    # as a plain scalar, each that reads as one ("-" alone would start a list)
    plain = [value for value in TRICKY if value not in ("", "-") and value.strip() == value and "\n" not in value]
    text = "\n".join(f"- {value}" for value in plain) + "\n" + "\n".join(f"- {value!r}" for value in TRICKY)
    root = yaml.compose(text, Loader=loader)
    assert all(isinstance(node, yaml.ScalarNode) for node in root.value)
    return [(node.value, node.tag) for node in root.value]


def resolved(loader: type, value: str, implicit: tuple[bool, bool]) -> str:
    tag: str = loader("").resolve(yaml.ScalarNode, value, implicit)
    return tag


@pytest.mark.parametrize("value", TRICKY)
@pytest.mark.parametrize("implicit", [(True, False), (False, True), (False, False)])
def test_each_tricky_scalar_gets_pyyaml_s_tag(value, implicit):
    assert resolved(_FastLoader, value, implicit) == resolved(yaml.SafeLoader, value, implicit)


def test_a_document_of_them_composes_to_pyyaml_s_tags():
    assert tags(_FastLoader) == tags(yaml.SafeLoader)
    for kind in (yaml.SequenceNode, yaml.MappingNode):
        assert _FastLoader("").resolve(kind, None, (True, False)) == yaml.SafeLoader("").resolve(
            kind, None, (True, False)
        )


@given(st.text(alphabet="0123456789+-_.:eExXoObB~nNuUlLyYtTrRfFaAsS<=Ii \t-TZ", max_size=30))
def test_any_text_of_the_characters_that_decide_gets_pyyaml_s_tag(value):
    assert resolved(_FastLoader, value, (True, False)) == resolved(yaml.SafeLoader, value, (True, False))


def test_an_escape_in_double_quotes_is_still_refused():
    check = FileCheck(None, "x.yaml")  # type: ignore[arg-type]  # a path only names the file
    root = check.parse(b'a: "bell\\a"\nb: \'plain\\a\'\nc: "line\\Lbreak"\n')
    assert root is not None
    values = [check.text(node, key.value) for key, node in root.value]
    assert values == [None, "plain\\a", None]
    assert [p.message.split(";")[0] for p in check.problems] == [
        "a contains U+0007 (BEL)",
        "c contains U+2028 (line separator)",
    ]
