"""Nothing from third-party hosts whatever the config, and theme mistakes as clear errors."""

from __future__ import annotations

import pytest
from conftest import INCIDENT, SMALL_CONFIG, write_repo
from conftest import run_cli as run

from statusgen.sources.thirdparty import external_loads

NOW = "2026-11-22T16:00:00Z"
FILES = {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT}


def with_theme(extra_theme: str = "", tail: str = "") -> str:
    """SMALL_CONFIG with more theme keys (after `font: false`) and more top-level keys."""
    return SMALL_CONFIG.replace("  font: false\n", "  font: false\n" + extra_theme) + tail


def test_theme_fonts_are_turned_off_on_both_sites(tmp_path):
    config = SMALL_CONFIG.replace("  font: false\n", "  font:\n    text: Inter\n    code: Fira Code\n")
    root = write_repo(tmp_path / "repo", FILES, config)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        html = page.read_text()
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
        assert external_loads(html, {"status.acme.test"}) == [], page


def test_validate_names_every_option_that_would_load_from_another_host(tmp_path):
    config = with_theme(
        "  logo: https://cdn.example.com/logo.png\n  favicon: //cdn.example.com/favicon.ico\n",
        "extra_css:\n  - assets/local.css\n  - https://cdn.example.com/theme.css\n"
        "extra_javascript:\n  - path: https://cdn.example.com/app.js\n    defer: true\n"
        "extra:\n  polyfills:\n    - https://polyfill.example.com/v3.js\n"
        "  analytics:\n    provider: google\n    property: G-XXXX\n",
    )
    root = write_repo(tmp_path / "repo", FILES, config)
    result = run(root, "validate")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("mkdocs.yml") or "mkdocs.yml:" in line]
    assert len(lines) == 6, result.output
    text = result.output
    assert "mkdocs.yml:6: theme.logo is on another host" in text
    assert "mkdocs.yml:7: theme.favicon is on another host" in text
    assert "extra_css entry 'https://cdn.example.com/theme.css' is on another host" in text
    assert "assets/local.css" not in text
    assert "extra_javascript entry 'https://cdn.example.com/app.js'" in text
    assert "extra.polyfills entry 'https://polyfill.example.com/v3.js'" in text
    assert "extra.analytics loads a third-party script" in text
    # build refuses the same config before writing anything
    result = run(root, "build")
    assert result.exit_code == 1 and not (root / "site").exists()


def test_theme_must_be_material_and_custom_dir_must_exist(tmp_path):
    root = write_repo(tmp_path / "a", FILES, SMALL_CONFIG.replace("name: material", "name: readthedocs"))
    result = run(root, "validate")
    assert result.exit_code == 1
    assert "mkdocs.yml:4: theme name must be 'material'" in result.output

    root = write_repo(tmp_path / "b", FILES, with_theme("  custom_dir: overrides\n"))
    for command in ("validate", "build"):
        result = run(root, command)
        assert result.exit_code == 1, result.output
        assert "mkdocs.yml:6: theme.custom_dir 'overrides' does not exist" in result.output
        assert "Traceback" not in result.output
    assert not (root / "site").exists()


def test_an_override_that_loads_from_another_host_fails_the_build(tmp_path):
    from statusgen.plugin import THEME_DIR

    index = (THEME_DIR / "status" / "index.html").read_text()
    override = index + (
        '{% block extrahead %}{{ super() }}<link rel="preconnect" href="https://fonts.example.net">'
        '<script src="//cdn.example.com/x.js"></script>{% endblock %}\n'
    )
    root = write_repo(
        tmp_path / "repo", {**FILES, "overrides/status/index.html": override}, with_theme("  custom_dir: overrides\n")
    )
    result = run(root, "build", "--site", "public")
    assert result.exit_code == 1
    assert "index.html: <link href> https://fonts.example.net" in result.output
    assert "index.html: <script src> //cdn.example.com/x.js" in result.output
    assert "Traceback" not in result.output
    assert not (root / "site" / "public").exists()


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            '{% extends "base.html" %}\n{% block extrahead %}\n{% include "partials/mine.html" %}\n{% endblock %}\n',
            "building the internal site failed: overrides/main.html:3: uses 'partials/mine.html', which no theme "
            "folder has; expected overrides/partials/mine.html in the repository",
        ),
        (
            '{% extends "base.html" %}\n{% block extrahead %}\n{% if %}\n{% endblock %}\n',
            "building the public site failed: overrides/main.html:3: template syntax error: Expected an expression",
        ),
    ],
)
def test_a_template_mistake_in_overrides_is_one_clear_line(tmp_path, monkeypatch, override, expected):
    root = write_repo(
        tmp_path / "repo", {**FILES, "overrides/main.html": override}, with_theme("  custom_dir: overrides\n")
    )
    monkeypatch.chdir(root)
    result = run(root, "build")
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "Traceback" not in result.output and "jinja2" not in result.output


@pytest.mark.parametrize(
    ("html", "found"),
    [
        ('<script src="https://cdn.example.com/a.js"></script>', ["<script src> https://cdn.example.com/a.js"]),
        ("<LINK REL=stylesheet HREF=//cdn.example.com/a.css>", ["<link href> //cdn.example.com/a.css"]),
        (
            '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>',
            ["<link href> https://fonts.gstatic.com"],
        ),
        ('<img srcset="a.png 1x, https://img.example.com/b.png 2x">', ["<img srcset> https://img.example.com/b.png"]),
        ("<style>@import '//fonts.example.com/f.css';</style>", ["style //fonts.example.com/f.css"]),
        (
            "<div style=\"background: url('https://img.example.com/x.png')\"></div>",
            ["style https://img.example.com/x.png"],
        ),
        ('<iframe src="https://status.acme.test/embed"></iframe>', []),  # the site's own host
        ('<a href="https://support.example.com/">help</a> https://example.com/ in text', []),  # links load nothing
        ('<link rel="canonical" href="https://elsewhere.example/">', []),
        ('<script src="assets/app.js"></script><img src="/badges/api.svg">', []),
    ],
)
def test_external_loads(html, found):
    assert external_loads(html, {"status.acme.test"}) == found


def test_an_incident_page_override_that_loads_from_another_host_fails_the_build(tmp_path):
    """Incident pages are rendered by statusgen, not mkdocs: the same guard sees them."""
    from statusgen.plugin import THEME_DIR

    page = (THEME_DIR / "status" / "incident.html").read_text()
    override = page + '{% block extrahead %}{{ super() }}<img src="https://tracker.example.net/p.gif">{% endblock %}\n'
    root = write_repo(
        tmp_path / "repo",
        {**FILES, "overrides/status/incident.html": override},
        with_theme("  custom_dir: overrides\n"),
    )
    result = run(root, "build", "--site", "public")
    assert result.exit_code == 1, result.output
    assert "<img src> https://tracker.example.net/p.gif" in result.output
    assert not (root / "site" / "public").exists()
