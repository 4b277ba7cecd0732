"""Files -> the whole Repository: incidents, runbooks, postmortems, public summaries and alert
rules, read in one load before anything renders, with every problem found in them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TypedDict

from statusgen.cache.parsed import KeptIncidents
from statusgen.core.documents import AlertRule, Postmortem, Runbook
from statusgen.core.errors import Problem
from statusgen.core.listing import Listing
from statusgen.core.model import Config, Incident, Repository, frozen_map
from statusgen.sources.alert_rules import check_rule_files, load_alert_rules
from statusgen.sources.config import config_warnings, load_config
from statusgen.sources.incidents import load_incidents
from statusgen.sources.postmortems import load_postmortems, public_summaries
from statusgen.sources.requirements import requirements_problems
from statusgen.sources.runbooks import load_runbooks, stale_problems


def load_repository(
    root: Path, *, now: datetime, config: Config | None = None, kept: KeptIncidents | None = None
) -> tuple[Repository, list[Problem]]:
    """Load everything under ``root``; return the repository and the problems of its incidents.

    Those problems decide whether a build may go on. The documents' problems are in the
    repository (``document_problems``): they do not stop a build. Files with errors are left
    out. Raises ValidationError only when mkdocs.yml itself cannot be used. ``kept``: the
    incidents a long-running process (serve) keeps decoded from one load to the next.
    """
    config = config or load_config(root)
    incidents, problems, sources = load_incidents(config, now, kept)
    problems = [*config_warnings(config.root), *problems]
    repo = Repository(config, tuple(incidents), sources=frozen_map(sources), **_documents(config, incidents))
    return repo, problems


def check_documents(
    config: Config, incidents: Iterable[Incident | Listing], now: datetime, rule_files: Iterable[Path] = ()
) -> list[Problem]:
    """What ``statusgen validate`` reports beyond the incidents: every problem the load finds in
    the runbooks, the postmortems of ``incidents`` (Incidents, or the Listings validate reads)
    and the ``alert_rules`` files; runbooks past their review date; and, for each Prometheus
    rule file given, alerts and runbooks that do not match; a requirements.txt CI cannot install
    statusgen from."""
    documents = Repository(config, (), **_documents(config, incidents))  # the documents alone
    problems = [
        *config_warnings(config.root),
        *documents.document_problems,
        *stale_problems(documents.runbooks, now),
        *requirements_problems(config.root),
    ]
    rule_files = list(rule_files)
    if rule_files:
        problems += check_rule_files(rule_files, documents.runbooks, config)
    return list(dict.fromkeys(problems))  # a rule file given that the config names too: its problems once


class _Documents(TypedDict):
    """The Repository's fields besides its config and incidents."""

    runbooks: tuple[Runbook, ...]
    postmortems: Mapping[str, Postmortem]
    public_summaries: Mapping[str, str]
    alert_rules: Mapping[str, tuple[AlertRule, ...]]
    runbook_problems: tuple[Problem, ...]
    postmortem_problems: tuple[Problem, ...]
    alert_rule_problems: tuple[Problem, ...]


def _documents(config: Config, incidents: Iterable[Incident | Listing]) -> _Documents:
    """The Repository's fields besides its config and incidents."""
    runbooks, runbook_problems = load_runbooks(config)
    postmortems, postmortem_problems = load_postmortems(config, incidents)
    rules, rule_problems = load_alert_rules(config)
    return {
        "runbooks": tuple(runbooks),
        "postmortems": frozen_map(postmortems),
        "public_summaries": frozen_map(public_summaries(postmortems)),
        "alert_rules": frozen_map(rules),
        "runbook_problems": tuple(runbook_problems),
        "postmortem_problems": tuple(postmortem_problems),
        "alert_rule_problems": tuple(rule_problems),
    }
