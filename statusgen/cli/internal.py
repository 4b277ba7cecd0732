"""CLI commands of the internal site (postmortem, runbook, metrics). Heavy imports stay inside."""

from __future__ import annotations

from pathlib import Path

import click

from statusgen.cli.context import current_now, repo_root


def _repo(now):
    """The repository; files with errors are left out and reported on stderr."""
    from statusgen.sources.repository import load_repository

    repo, problems = load_repository(repo_root(), now=now)
    errors = [p for p in problems if p.is_error]
    if errors:
        click.echo(
            f"warning: {len(errors)} problems in the repository leave some files out; run `statusgen validate`",
            err=True,
        )
    return repo


def _shown(path: Path) -> str:
    from statusgen.core.errors import display_path

    return display_path(path, repo_root())


@click.command("postmortem", short_help="Start an incident's postmortem.")
@click.argument("incident_id", metavar="ID")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the scaffold instead of writing the file.")
def postmortem(incident_id, to_stdout):
    """Start the postmortem of incident ID (or a part of its id or title), beside its file.

    Writes ID.postmortem.md with the metadata, the timeline from the updates and milestones,
    the impact figures (durations, error budget used) and empty sections to fill in.

    \b
    Example:
      statusgen postmortem webhook-backlog
    """
    from statusgen.authoring.postmortems import scaffold, write_postmortem
    from statusgen.core.errors import StatusgenError
    from statusgen.sources.config import load_config
    from statusgen.sources.lookup import find_incident

    now = current_now()
    path = find_incident(load_config(repo_root()), incident_id)
    repo = _repo(now)
    incident = next((i for i in repo.incidents if i.path == path), None)
    if incident is None:
        raise StatusgenError(f"{_shown(path)} has errors; run `statusgen validate` and fix them first")
    if incident.is_maintenance:
        raise StatusgenError(f"{incident.id} is a maintenance, not an incident; postmortems are for incidents")
    text = scaffold(incident, repo.config, now)
    if to_stdout:
        click.echo(text, nl=False)
        return
    path = write_postmortem(incident, text, repo.config.root)
    click.echo(f"Created {_shown(path)}: fill in the summary, root cause and action items, then commit it.")


@click.group("runbook", short_help="Work with runbooks.")
def runbook():
    """Work with runbooks (runbooks/<service>/<name>.md).

    \b
    Example:
      statusgen runbook new webhook-signing-errors --service webhooks
    """


@runbook.command("new", short_help="Scaffold a runbook.")
@click.argument("name")
@click.option("--service", required=True, help="The service the runbook is for; also its directory.")
@click.option("--owner", default="", help="The owning team (default: team-SERVICE).")
@click.option("--alert", "alerts", multiple=True, help="An alert name the runbook answers (repeatable).")
def runbook_new(name, service, owner, alerts):
    """Scaffold runbook NAME for SERVICE with every section a responder expects.

    \b
    Example:
      statusgen runbook new ledger-db-connections --service database --alert LedgerDBConnectionsHigh
    """
    from statusgen.authoring.runbooks import create_runbook
    from statusgen.sources.config import load_config
    from statusgen.sources.runbooks import ALERT_NAME, NAME, RESERVED_DIRS

    if not NAME.match(name):
        raise click.BadParameter(f"'{name}' must be lowercase letters, digits, '-' or '_'", param_hint="NAME")
    if not NAME.match(service) or service in RESERVED_DIRS:
        raise click.BadParameter(f"'{service}' must be lowercase letters, digits, '-' or '_'", param_hint="--service")
    for alert in alerts:
        if not ALERT_NAME.match(alert):
            raise click.BadParameter(f"'{alert}' is not an alert name", param_hint="--alert")
    config = load_config(repo_root())
    path = create_runbook(config, name, service, owner=owner, alerts=alerts, today=current_now().date())
    click.echo(f"Created {_shown(path)}: fill in each section, list its alerts, then commit it.")


@click.command("metrics", short_help="Incident metrics and error budgets.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (durations in seconds) instead of tables.")
@click.option("--now", "now_text", metavar="ISO", help="Compute as of this time (default: now).")
def metrics(as_json, now_text):
    """Incident metrics and error budgets, as on the internal site's metrics page.

    MTTD, MTTA, time to mitigate, MTTR and MTBF overall, per severity and per component;
    incidents per month; action-item completion; error budget per component.

    \b
    Example:
      statusgen metrics --json --now 2026-11-22T16:00:00Z
    """
    import json

    from statusgen.views import metrics as m

    now = current_now(now_text)
    repo = _repo(now)
    result = m.compute(repo, repo.postmortems.values(), now)
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2, sort_keys=True, ensure_ascii=False))
        return
    click.echo(format_metrics(result, repo.config))


def format_metrics(result, config) -> str:
    """The metrics as plain-text tables for a terminal."""
    from statusgen.core.status import weights_sentence
    from statusgen.core.times import human_long
    from statusgen.views import metrics as m
    from statusgen.views.internal import figure_duration

    def stat(s):
        return "-" if s.mean is None else f"{figure_duration(s.mean)} ({s.counted}/{s.total})"

    def table(title, rows):
        header = [title, "MTTD", "MTTA", "Mitigate", "MTTR", "MTBF"]
        body = [[name] + [stat(values[k]) for k in m.METRICS] for name, values in rows]
        widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
        return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip() for r in [header, *body])

    names = {c.id: c.name for c in config.components}
    lines = [
        f"Metrics as of {human_long(result.now, config.zone)}: {result.incidents} incidents counted "
        f"(drills left out: {result.drills_left_out}; maintenance left out).",
        "Each figure: mean (incidents counted / incidents; MTBF counts gaps).",
        "",
        table("All", [("all", result.overall)]),
        "",
        table("Severity", list(result.by_severity.items())),
        "",
        table("Component", [(names.get(k, k), v) for k, v in result.by_component.items()]),
        "",
        "Incidents per month: "
        + ", ".join(
            f"{key} {sum(c.values())}"
            + (f" ({', '.join(f'{s} {n}' for s, n in c.items() if n)})" if any(c.values()) else "")
            for key, c in result.per_month
        ),
        "",
    ]
    c = result.completion
    if c.rate is None:  # nothing to count: no verdict either way
        lines.append(f"Action items: none to count yet, so no completion rate (target {c.target:.0%}).")
    else:
        lines.append(
            f"Action items: {c.done} of {c.counted} done ({c.rate:.1%}); target {c.target:.0%}: "
            f"{'met' if c.met else 'NOT met'}."
        )
    lines += ["", f"Error budgets, rolling {result.rolling_days} days "
              f"({weights_sentence(result.weights)}; truncated, never rounded up):"]  # fmt: skip
    width = max((len(b.component.name) for b in result.rolling), default=0)
    for b in result.rolling:
        flag = "" if b.level == "ok" else f"  [{b.level.upper() if b.level == 'exhausted' else b.level + ' used'}]"
        lines.append(
            f"  {b.component.name:<{width}}  SLO {f'{b.slo:g}%':<7}  availability {b.availability_text:>8}  "
            f"budget used {b.consumed:>5.0%}{flag}"
        )
    return "\n".join(lines)


COMMANDS = [postmortem, runbook, metrics]
