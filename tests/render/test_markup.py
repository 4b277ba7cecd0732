"""People's Markdown: the plain-text fast path gives exactly what the converter gives."""

from __future__ import annotations

import pytest

from statusgen.render import markup

PLAIN = [
    "We are investigating elevated error rates on the API.",
    "Since 14:02 UTC, 71% of requests fail (5xx). Rollback started - ETA 10 min.\nNext update by 15:00 UTC.",
    'First paragraph.\n\nSecond paragraph, "quoted", it\'s fine.\n  \nThird: 2026-10-14 was the day.',
    "p95 8s, orders DB suspected; see https://grafana.example/d/abc",
    "10 pods restarted at 14:05.",
]
NOT_PLAIN = [
    "- a list\n- of items",
    "1. first\n2. second",
    "Use `kubectl get pods` now.",
    "**bold** and _em_",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "Heading\n=======",
    "# Heading",
    "> quoted",
    "line with a hard break  \nnext",
    "AT&T upstream",
    "    code block",
]


@pytest.mark.parametrize("text", PLAIN + NOT_PLAIN)
def test_the_fast_path_matches_the_converter_or_steps_aside(text):
    fast = markup._plain_html(text)
    converter = markup._converter()
    converter.reset()
    slow = converter.convert(text)
    if text in PLAIN:
        assert fast == slow
        assert markup.sanitize_html(fast) == fast
    else:
        assert fast is None


def test_hostile_markdown_is_defused():
    html = markup.render_markdown("[x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>")
    assert "javascript:" not in html and "<script" not in html and "onerror" not in html
