"""A long-running process projects again with the views it kept (``core.kept``): an incident
resolved in an unchanged file keeps its view object, anything else is projected again, and the
projection is the one made without kept views."""

from __future__ import annotations

from datetime import datetime, timezone

from statusgen.cache.parsed import KeptIncidents
from statusgen.core.kept import KeptViews
from statusgen.sources.repository import load_repository
from statusgen.views.public import project

NOW = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)


def projected(root, kept_incidents, kept_views):
    repo, problems = load_repository(root, now=NOW, kept=kept_incidents)
    assert not [p for p in problems if p.is_error]
    return (
        project(repo, NOW, repo.public_summaries, kept=kept_views),
        project(repo, NOW, repo.public_summaries),
    )


def test_views_of_incidents_resolved_in_unchanged_files_are_kept_and_the_rest_made_again(example_copy):
    incidents, views = KeptIncidents(), KeptViews()
    first, _ = projected(example_copy, incidents, views)
    by_id = {i.id: i for i in first.incidents}
    resolved = [i.id for i in first.incidents if i.source_key is not None]
    active = [i.id for i in first.incidents if i.is_active]
    assert resolved and active

    # One resolved incident's file edited by hand: its view is made again, the others are kept.
    edited = resolved[0]
    path = next(example_copy.glob(f"incidents/**/{edited}.yaml"))
    text = path.read_text()
    path.write_text(text.replace("title: ", "title: Edited ", 1))
    second, plain = projected(example_copy, incidents, views)
    assert second == plain  # the same projection as one made without kept views
    again = {i.id: i for i in second.incidents}
    assert again[edited].title.startswith("Edited ")
    assert all(again[i] is by_id[i] for i in resolved if i != edited)
    assert all(again[i] is not by_id[i] for i in active)  # made from "now": never kept
    assert set(views.views) == set(resolved)  # only what this projection used

    # A changed config: nothing is kept.
    config = example_copy / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_name: ", "site_name: Renamed ", 1))
    third, plain = projected(example_copy, incidents, views)
    assert third == plain
    assert not any(i.source_key is not None and i is again[i.id] for i in third.incidents)
