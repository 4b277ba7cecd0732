"""The public pages' stylesheet: material's CSS reduced, with tinycss2, to the rules the public
templates can use; what the templates can contain is read from their source."""

from __future__ import annotations

import gzip
from pathlib import Path

import tinycss2

from statusgen.render.page_vocabulary import Vocabulary, template_sources, vocabulary
from statusgen.render.stylesheet import (
    hashed_name,
    material_css,
    material_templates,
    palette_values,
    public_stylesheet,
    reduce,
)

THEME = Path(__file__).resolve().parents[2] / "statusgen/theme"
PUBLIC_PAGES = ["status/index.html", "status/incident.html", "status/history.html", "status/404.html"]


def used(**names) -> Vocabulary:
    fields = {key: frozenset(value) for key, value in names.items() if key != "values"}
    return Vocabulary(**fields, values=names.get("values", ()))


def test_a_rule_stays_when_one_of_its_selectors_can_match():
    css = ".a{color:red}.b{color:blue}.a,.b{margin:0}p .b{padding:0}div>.a{padding:1px}"
    out = reduce(css, used(classes={"a"}, elements={"div"}))
    assert out == ".a{color:red}.a{margin:0}div>.a{padding:1px}"


def test_pseudo_classes_do_not_count_but_is_and_where_need_one_argument_that_matches():
    css = ".a:hover{color:red}:is(.x,.a) p{color:blue}:where(.x,.y){color:green}.a::before{content:''}"
    out = reduce(css, used(classes={"a"}, elements={"p"}))
    assert ".a:hover{color:red}" in out and ":is(.x,.a) p{color:blue}" in out and ".a::before" in out
    assert ":where" not in out


def test_attribute_values_known_for_the_palette_drop_the_schemes_a_site_does_not_use():
    css = "[data-md-color-scheme=slate]{color:#fff}[data-md-color-scheme=default]{color:#000}[dir=rtl] .a{x:1}"
    vocab = used(
        classes={"a"},
        attributes={"data-md-color-scheme", "dir"},
        values=(("data-md-color-scheme", frozenset({"default"})),),
    )
    out = reduce(css, vocab)
    assert "slate" not in out and "[data-md-color-scheme=default]" in out and "[dir=rtl] .a" in out


def test_empty_groups_unread_custom_properties_and_unused_keyframes_go():
    css = (
        ":root{--used:1px;--chained:var(--used);--unused:2px}"
        "@media (min-width:10em){.gone{color:red}}"
        "@media print{.a{margin:var(--chained)}}"
        "@keyframes spin{to{transform:rotate(1turn)}}@keyframes fade{to{opacity:0}}"
        ".a{animation:fade 1s}"
    )
    out = reduce(css, used(classes={"a"}, elements={"html"}))
    assert "--used:1px" in out and "--chained:var(--used)" in out and "--unused" not in out
    assert "min-width" not in out and "@media print{.a{margin:var(--chained)}}" in out
    assert "@keyframes fade" in out and "spin" not in out


def test_without_a_vocabulary_only_comments_and_spacing_go():
    css = "/* note */ .a , .b { color : red ; }\n@keyframes k { to { opacity: 0 } }"
    out = reduce(css, None)
    assert "note" not in out and ".a,.b{color:red}" in out and "@keyframes k" in out


def test_classes_written_partly_in_jinja_keep_every_class_with_that_start():
    template = '<ol>{% for d in days %}<li class="sg-bar sg-bar--{{ d.worst }}"></li>{% endfor %}</ol>'
    vocab = vocabulary([template])
    assert vocab.has_class("sg-bar--major_outage") and vocab.has_class("sg-bar")
    assert not vocab.has_class("md-search")
    assert {"ol", "li"} <= vocab.elements


def test_what_peoples_markdown_may_write_is_kept():
    vocab = vocabulary([])
    for element in ("table", "blockquote", "code", "a", "h2"):
        assert element in vocab.elements


def test_template_sources_leave_out_the_blocks_a_child_replaces(tmp_path):
    (tmp_path / "base.html").write_text(
        '<body>{% block nav %}{% include "nav.html" %}{% endblock %}{% block content %}<p class="base"></p>'
        "{% endblock %}</body>"
    )
    (tmp_path / "nav.html").write_text('<nav class="big-nav"></nav>')
    (tmp_path / "page.html").write_text(
        '{% extends "base.html" %}{% block nav %}{% endblock %}{% block content %}{{ super() }}<b></b>{% endblock %}'
    )
    texts = template_sources([tmp_path], ["page.html"])
    vocab = vocabulary(texts)
    assert "big-nav" not in vocab.classes  # the page replaces material's navigation: its CSS can go
    assert "base" in vocab.classes and "b" in vocab.elements  # super() keeps the parent's block


def test_the_public_stylesheet_is_a_fraction_of_materials_parses_and_is_named_by_content():
    material = material_templates()
    sources = template_sources([THEME, material], PUBLIC_PAGES)
    own = [(THEME / "assets/stylesheets/statusgen.css").read_text(encoding="utf-8")]
    name, data = public_stylesheet(
        material, own, sources, values=palette_values([{"scheme": "default"}, {"scheme": "slate"}])
    )
    assert name == hashed_name("status", data) and name.startswith("status.") and name.endswith(".css")
    whole = material_css(material).encode("utf-8")
    assert len(data) < len(whole) // 2
    assert len(gzip.compress(data)) < 16_000
    rules = tinycss2.parse_stylesheet(data.decode("utf-8"), skip_comments=True, skip_whitespace=True)
    assert not [r for r in rules if r.type == "error"]
    text = data.decode("utf-8")
    # the header, the palette toggle, both schemes and people's tables stay; search goes
    assert ".md-header{" in text and "[data-md-color-scheme=slate]" in text and ".md-typeset table" in text
    assert ".md-search__input" not in text
    again = public_stylesheet(
        material, own, sources, values=palette_values([{"scheme": "default"}, {"scheme": "slate"}])
    )
    assert again == (name, data)
