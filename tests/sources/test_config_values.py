"""mkdocs.yml's own values that reach a page, a link, a feed or a message: every URL by one rule
(web address, a host, nothing that can end an HTML attribute), every text by the text rule, all
reported at once with their lines."""

from __future__ import annotations

import pytest
from conftest import INCIDENT, SMALL_CONFIG, write_repo
from conftest import run_cli as run

FILES = {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT}
ATTRIBUTE_BREAK = """'https://status.example/"><script>alert(1)</script><x y="'"""


def config_with(site_url: str = "https://status.acme.test/", top: str = "", options: str = "") -> str:
    """SMALL_CONFIG with another site_url, more top-level keys and more plugin options."""
    config = SMALL_CONFIG.replace("site_url: https://status.acme.test/", f"site_url: {site_url}")
    config = config.replace("      company: Acme\n", "      company: Acme\n" + options)
    return config + top


def validate(tmp_path, config: str):
    return run(write_repo(tmp_path / "repo", FILES, config), "validate")


def test_a_site_url_that_breaks_out_of_its_attribute_is_refused(tmp_path):
    result = validate(tmp_path, config_with(ATTRIBUTE_BREAK))
    assert result.exit_code == 1
    assert "mkdocs.yml:2: site_url contains '\"', which a URL never holds" in result.output
    assert "expected an address like https://status.example.com/" in result.output


def test_every_link_in_mkdocs_yml_is_checked_and_every_problem_reported_at_once(tmp_path):
    top = (
        "repo_url: 'https://git.example/acme\" onmouseover=\"alert(1)'\n"
        "repo_name: '<img src=x onerror=alert(1)>'\n"
        "edit_uri: 'javascript:alert(1)//'\n"
        "extra:\n"
        "  homepage: 'javascript:alert(1)'\n"
        "  social:\n"
        "    - icon: fontawesome/brands/github\n"
        "      link: 'https://github.com/acme\" onclick=\"alert(1)'\n"
        "    - icon: fontawesome/solid/paper-plane\n"
        "      link: mailto:status@acme.test\n"
    )
    options = "      support_url: 'https://acme.test/help><script>'\n"
    result = validate(tmp_path, config_with(top=top, options=options))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for expected in (
        "mkdocs.yml:9: support_url contains '>'",
        "mkdocs.yml:25: repo_url contains '\"'",
        "mkdocs.yml:26: repo_name holds '<' or '>'",
        "mkdocs.yml:27: edit_uri must start with https:// or http://, not javascript:",
        "mkdocs.yml:29: extra.homepage must start with https:// or http://, not javascript:",
        "mkdocs.yml:32: extra.social link contains '\"'",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, result.output)
    assert "mailto:status@acme.test" not in result.output  # a mail link is fine in extra.social


def test_language_alternates_are_links_and_codes(tmp_path):
    top = "extra:\n  alternate:\n    - link: '/fr/\" onfocus=\"x'\n      lang: 'fr\" autofocus x=\"'\n"
    result = validate(tmp_path, config_with(top=top))
    assert result.exit_code == 1
    assert "mkdocs.yml:26: extra.alternate link contains '\"'" in result.output
    assert "mkdocs.yml:27: extra.alternate lang must be a language code" in result.output
    ok = "extra:\n  alternate:\n    - name: Français\n      link: /fr/\n      lang: fr\n"
    assert validate(tmp_path / "ok", config_with(top=ok)).exit_code == 0


def test_texts_of_mkdocs_yml_follow_the_text_rule(tmp_path):
    top = 'site_author: "Acme \\e]0;owned\\a"\ncopyright: "(c) Acme\\x85"\n'
    result = validate(tmp_path, config_with(top=top))
    assert result.exit_code == 1
    assert "mkdocs.yml:24: site_author contains U+001B (ESC)" in result.output
    assert "mkdocs.yml:25: copyright contains U+0085 (next line (NEL))" in result.output


@pytest.mark.parametrize(
    "top",
    [
        "repo_url: https://github.com/acme/status\nrepo_name: acme/status\nedit_uri: edit/main/docs/\n",
        "edit_uri: https://github.com/acme/status/edit/main/\n",
        "extra:\n  homepage: https://acme.test/\n  social:\n    - icon: fontawesome/brands/github\n"
        "      link: https://github.com/acme\n      name: Acme on GitHub\n",
        "extra:\n  homepage: /\n",
        "site_author: Acme & Co\nsite_description: Status of <Acme>\ncopyright: '&copy; <a href=\"https://acme.test/\">Acme</a>'\n",
    ],
)
def test_ordinary_links_and_texts_stay_valid(tmp_path, top):
    result = validate(tmp_path, config_with(top=top))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "url,problem",
    [
        ("https://status.example.com/", None),
        ("http://localhost:8000/status/", None),
        ('https://status.example/"><script>alert(1)</script>', "contains '\"'"),
        ("https://status.example/'onload='x", 'contains "\'"'),
        ("https://status.example/<x>", "contains '<'"),
        ("https://status.example\\@evil.example/", "contains '\\\\'"),
        ("https://status.example/ x", "contains ' '"),
        ("https://status.example/\tx", "contains U+0009"),
        ("https://status.example/\u2028", "contains U+2028 (line separator)"),
        ("https://status.example/\u00a0", "contains U+00A0 (whitespace)"),
        ("javascript:alert(1)", "must start with https:// or http://, not javascript:"),
        ("data:text/html,x", "must start with https:// or http://, not data:"),
        ("status.example.com", "must start with https:// or http://"),
        ("//status.example.com/", "must start with https:// or http://"),
        ("https:///path", "has no host"),
        ("http://[::1/", "is not a valid URL"),
        ("https://status.example:port/", "is not a valid URL"),
    ],
)
def test_the_url_rule(url, problem):
    from statusgen.sources.site_settings import url_problem

    found = url_problem(url, "site_url")
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith("site_url") and problem in found, found


def test_the_url_rule_takes_mail_and_relative_links_only_where_asked():
    from statusgen.sources.site_settings import url_problem

    assert url_problem("mailto:help@acme.test", "support_url", mail=True) is None
    assert "must start with https:// or http://, not mailto:" in (url_problem("mailto:x@y", "site_url") or "")
    assert "names no address" in (url_problem("mailto:", "support_url", mail=True) or "")
    assert url_problem("edit/main/docs/", "edit_uri", relative=True) is None
    assert url_problem("edit/main/docs/", "repo_url") is not None
    assert "contains '\"'" in (url_problem('edit/"x', "edit_uri", relative=True) or "")
