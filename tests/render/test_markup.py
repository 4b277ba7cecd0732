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


# -- people's HTML next to the theme's -----------------------------------------------------------

THEME_CONFIG = '<div id="__config">{"base": "http://attacker.test/", "version": {"provider": "mike"}}</div>'


def test_ids_of_peoples_html_are_moved_out_of_the_themes_namespace():
    html = markup.render_markdown(THEME_CONFIG + '\n\n<h2 id="sg-main">x</h2> <span id="user-content-kept">y</span>')
    assert 'id="__config"' not in html and 'id="sg-main"' not in html
    assert 'id="user-content-__config"' in html and 'id="user-content-sg-main"' in html
    assert 'id="user-content-kept"' in html  # already in people's namespace: not prefixed twice


def test_links_into_a_document_follow_its_moved_ids():
    html = markup.render_markdown("[a](#rollback) [b](../other/#steps) [c](https://example.test/#top)")
    assert 'href="#user-content-rollback"' in html
    assert 'href="../other/#user-content-steps"' in html
    assert 'href="https://example.test/#top"' in html  # another site's ids are its own


def test_only_classes_markdown_itself_writes_are_kept():
    fake = '<div class="sg-banner sg-banner--operational md-banner"><h1 class="md-typeset">All systems operational</h1></div>'
    html = markup.render_markdown(fake)
    assert "class=" not in html
    written = (
        '<div class="admonition warning"><p class="admonition-title">Careful</p></div>'
        '<div class="language-bash highlight"><pre><span></span><code><span class="gp">$ </span>'
        '<span class="nb">echo</span><span class="gp-VirtualEnv">(venv)</span></code></pre></div>'
        '<h2 id="user-content-x">X<a class="headerlink" href="#user-content-x">¶</a></h2>'
    )
    assert markup.sanitize_html(written) == written.replace(
        'href="#user-content-x"', 'href="#user-content-x" rel="nofollow noopener"'
    )


@pytest.mark.parametrize(
    "control",
    [
        '<input type="checkbox" checked disabled>',
        '<input type="radio" name="__palette">',
        '<input type="text" value="x">',
        "<button>Subscribe</button>",
        "<select><option>a</option></select>",
        "<textarea>t</textarea>",
        '<form action="https://attacker.test/">f</form>',
        '<label for="__drawer">menu</label>',
    ],
)
def test_no_form_control_survives(control):
    html = markup.render_markdown(f"Status: {control} done")
    for tag in ("<input", "<button", "<select", "<option", "<textarea", "<form", "<label"):
        assert tag not in html
