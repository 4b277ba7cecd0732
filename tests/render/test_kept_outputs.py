"""The feeds under records: a rebuild makes again only the feeds whose items changed, keeps the
others' files as they are, and the site is byte for byte what a full build gives."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW, copy_example
from test_incremental import files_of, full_build, same_trees, statusgen

from statusgen.build import build_sites
from statusgen.public import feeds

OPEN = "2026-11-22-webhook-delays"  # an open incident of the example; it affects webhooks only
COMPONENTS = ["api", "dashboard", "auth", "checkout", "payouts", "webhooks", "reporting", "search"]


def made_feeds(monkeypatch) -> list[str]:
    """The folders of the feed pairs each build makes, as it makes them."""
    made: list[str] = []
    real = feeds.build_feeds

    def counted(status, items, path, *args, **kwargs):
        made.append(path)
        return real(status, items, path, *args, **kwargs)

    monkeypatch.setattr(feeds, "build_feeds", counted)
    return made


def feed_files(site) -> dict:
    return {name: seen for name, seen in files_of(site).items() if name.endswith(("feed.rss", "feed.atom"))}


def test_a_rebuild_makes_again_only_the_feeds_an_update_changed(tmp_path, monkeypatch):
    repo = copy_example(tmp_path / "repo")
    made = made_feeds(monkeypatch)
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    assert sorted(made) == sorted(["", *(f"components/{c}/" for c in COMPONENTS)])
    first = feed_files(out)
    assert len(first) == 2 * (1 + len(COMPONENTS))

    made.clear()
    build_sites(repo, NOW, out=out, sites=["public"])
    assert made == []  # nothing changed: every feed is the previous build's file
    assert feed_files(out) == first

    statusgen(repo, "update", OPEN, "--stage", "identified", "-m", "Found the slow consumer.",
              now=NOW + timedelta(minutes=5))  # fmt: skip
    made.clear()
    build_sites(repo, NOW, out=out, sites=["public"])
    assert sorted(made) == ["", "components/webhooks/"]
    after = feed_files(out)
    assert {name for name in after if after[name] != first[name]} == {
        "feed.rss", "feed.atom", "components/webhooks/feed.rss", "components/webhooks/feed.atom",
    }  # fmt: skip
    assert "Found the slow consumer." in (out / "components/webhooks/feed.atom").read_text()
    same_trees(out, full_build(repo, tmp_path / "full", sites=["public"]))


def test_a_feed_edited_in_the_output_or_a_resolved_incident_edited_by_hand_is_made_again(tmp_path, monkeypatch):
    repo = copy_example(tmp_path / "repo")
    made = made_feeds(monkeypatch)
    out = tmp_path / "out"
    build_sites(repo, NOW, out=out, sites=["public"])
    feed = out / "components" / "search" / "feed.rss"
    text = feed.read_text()
    feed.write_text(text.replace("<rss", "<rss data-edited='yes'", 1))
    made.clear()
    build_sites(repo, NOW, out=out, sites=["public"])
    assert made == ["components/search/"]
    assert feed.read_text() == text

    # A resolved incident's file edited by hand (no command): the feeds that list it follow.
    source = repo / "incidents" / "2026" / "2026-11-17-search-unavailable.yaml"
    source.write_text(source.read_text().replace("title: ", "title: Edited - ", 1))
    made.clear()
    build_sites(repo, NOW, out=out, sites=["public"])
    assert sorted(made) == ["", "components/dashboard/", "components/search/"]  # the components it affects
    assert "Edited - " in feed.read_text()
    same_trees(out, full_build(repo, tmp_path / "full", sites=["public"]))
