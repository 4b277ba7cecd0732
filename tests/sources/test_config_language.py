"""The language of both sites: theme.language by default, the plugin's language option when it
must differ, English when neither names one; a language statusgen has no catalog for is named
with its line (an error for the option, a warning for the theme's, whose pages stay English)."""

from __future__ import annotations

from conftest import SMALL_CONFIG, run_cli, write_repo

from statusgen.sources.config import load_config


def config_with(tmp_path, theme_language: str | None = None, option: str | None = None):
    text = SMALL_CONFIG
    if theme_language is not None:
        text = text.replace("  font: false\n", f"  font: false\n  language: {theme_language}\n")
    if option is not None:
        text = text.replace("      company: Acme\n", f"      company: Acme\n      language: {option}\n")
    return write_repo(tmp_path / "repo", {}, text)


def test_english_when_nothing_names_a_language(tmp_path):
    assert load_config(config_with(tmp_path)).language == "en"


def test_the_theme_language_is_the_sites_language(tmp_path):
    assert load_config(config_with(tmp_path, "pt-BR")).language == "pt_BR"


def test_the_option_wins_over_the_theme(tmp_path):
    config = load_config(config_with(tmp_path, "de", option="fr"))
    assert config.language == "fr"
    assert config.lang.tag == "fr"


def test_an_option_without_a_catalog_is_an_error_with_its_line(tmp_path):
    result = run_cli(config_with(tmp_path, option="klingon"), "validate")
    assert result.exit_code == 1
    assert "mkdocs.yml:9: language 'klingon' has no catalog in statusgen; expected one of en, de, fr" in result.output


def test_a_theme_language_without_a_catalog_warns_that_pages_stay_english(tmp_path):
    root = config_with(tmp_path, "it")
    result = run_cli(root, "validate")
    assert result.exit_code == 0, result.output
    assert "mkdocs.yml:6: warning: theme.language 'it' has no statusgen catalog" in result.output
    assert run_cli(root, "validate", "--strict").exit_code == 1
