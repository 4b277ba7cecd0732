"""Commands of an incident's life: new, update, resolve, reopen.

They parse options, ask for what is missing on a terminal and print; the workflow itself
(checks, messages, statuses, the file) is statusgen.authoring.incidents.
"""

from __future__ import annotations

from pathlib import Path

import click

from statusgen.cli.context import edit_clock, get_config, parse_when, pick, shown

STATUS_ALIASES = {
    "ok": "operational",
    "up": "operational",
    "degraded": "degraded_performance",
    "partial": "partial_outage",
    "major": "major_outage",
    "down": "major_outage",
    "outage": "major_outage",
    "maintenance": "under_maintenance",
}


def _components(values, default=None) -> dict[str, str]:
    """``-c ID=STATUS`` values as {id: status}; statuses case-insensitive, aliases allowed."""
    from statusgen.core.status import COMPONENT_STATUSES

    result = {}
    for value in values:
        cid, _, status = value.partition("=")
        if not status.strip():
            if not default:
                raise click.BadParameter(
                    f"'{value}' has no status; expected ID=STATUS, like api=degraded", param_hint="--component"
                )
            status = default
        result[cid.strip()] = pick(status, COMPONENT_STATUSES, f"--component {cid.strip()}", STATUS_ALIASES)
    return result


def _severity(config, value):
    """``value`` as a configured severity id (case-insensitive), or None."""
    if not value:
        return None
    return pick(value, [s.id for s in config.severities], "--severity")


def _stage(kind, value):
    """``value`` as a stage of ``kind`` (case-insensitive), with the valid list on a typo."""
    from statusgen.core.model import STAGES

    return pick(value, STAGES[kind], "--stage")


def _commit(config, path, message) -> None:
    """Commit ``path`` alone with git (--commit) and say so."""
    from statusgen.authoring.git import commit

    commit(config.root, path, message)
    click.echo(f"committed: {message}", err=True)


commit_option = click.option("--commit", is_flag=True, help="Commit the changed file with git.")
at_option = click.option(
    "--at", "at_text", metavar="ISO", help="Time of the update (default: now), e.g. 2026-11-22T14:36:00Z."
)
next_option = click.option(
    "--next", "next_minutes", type=click.IntRange(5, 24 * 60), metavar="MINUTES",
    help="Promise the next update in this many minutes (default: the severity's cadence, see `statusgen due`).",
)  # fmt: skip
milestone_options = [
    click.option("--detected", "detected_at", metavar="ISO", help="When the problem was detected."),
    click.option("--acknowledged", "acknowledged_at", metavar="ISO", help="When on-call acknowledged the page."),
]


def _milestones(ctx, **texts):
    return {name: parse_when(ctx, text, "--" + name.split("_")[0]) for name, text in texts.items() if text}


def _with(options):
    def decorate(function):
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


@click.command(short_help="Declare an incident or schedule maintenance.")
@click.option("--title", "-t", help="Public title (default: the template's).")
@click.option("--severity", "-s", help="SEV1 (worst) .. SEV4 (default: the template's).")
@click.option(
    "--component",
    "-c",
    "components",
    multiple=True,
    metavar="ID=STATUS",
    help="An affected component; repeat for more.",
)
@click.option(
    "--template", "template_name", metavar="NAME", help="Pre-written messages to use (see `statusgen templates`)."
)
@click.option("--message", "-m", help="Your own first message instead of the template's.")
@click.option("--stage", help="First stage (default: investigating, or scheduled for maintenance).")
@click.option("--impact-start", metavar="ISO", help="When customers were first affected (default: --at).")
@_with(milestone_options)
@click.option("--commander", help="Incident commander (internal).")
@click.option("--note", help="Internal note on the first update (never published).")
@click.option("--maintenance", is_flag=True, help="Schedule a maintenance instead of declaring an incident.")
@click.option("--start", "start_text", metavar="ISO", help="Maintenance window start.")
@click.option("--end", "end_text", metavar="ISO", help="Maintenance window end.")
@at_option
@next_option
@click.option("--force", is_flag=True, help="Declare even when an active incident has a similar title.")
@click.option(
    "--from-alert", "alert_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Take title, severity, components, start and runbook from an Alertmanager webhook payload (JSON).",
)  # fmt: skip
@commit_option
@click.pass_context
def new(ctx, title, severity, components, template_name, message, stage, impact_start, detected_at, acknowledged_at,
        commander, note, maintenance, start_text, end_text, at_text, next_minutes, force, alert_file, commit):  # fmt: skip
    """Declare an incident (or schedule a maintenance) and print the new file's path.

    An incident needs a title (or --template), a severity and its components; on a terminal
    statusgen asks for what is missing, elsewhere it is a usage error. A second active incident
    with a similar title needs --force. --from-alert FILE reads them from the alerts that fired
    (mapping: `alertmanager` in mkdocs.yml); options given as well take precedence.

    \b
    Examples:
      statusgen new --template high-latency -s SEV2 -c api=degraded -c checkout=partial
      statusgen new --from-alert prometheus/webhook-example.json
      statusgen new -t "Checkout errors" -s SEV1 -c checkout=major -m "We are investigating failed payments."
      statusgen new --maintenance -t "Database upgrade" -c payouts -c reporting \\
          --start 2026-12-03T02:00:00Z --end 2026-12-03T03:30:00Z
    """
    from statusgen.authoring import incidents
    from statusgen.core.model import INCIDENT, MAINTENANCE
    from statusgen.core.times import human, iso

    config = get_config(ctx)
    kind = MAINTENANCE if maintenance else INCIDENT
    at, clock = parse_when(ctx, at_text), edit_clock()
    template = incidents.template_for(config, kind, template_name, message)
    alert = None
    if alert_file:
        if maintenance:
            raise click.UsageError("--from-alert declares an incident; it cannot schedule a maintenance")
        from statusgen.authoring.alerts import declaration_from_file

        alert = declaration_from_file(config, alert_file)
        if alert.template and not template_name:  # alertmanager.templates picked one for this alert
            template_name = alert.template
            template = incidents.template_for(config, kind, template_name, message)
        title = title or (template.title if template is not None and template_name else alert.title)
        severity = severity or alert.severity
        components = (*(f"{cid}={status}" for cid, status in alert.components.items()), *components)
        impact_start = impact_start or iso(alert.impact_start)
    title, severity, components = _ask_missing(
        config, kind, title=title, severity=severity, components=components, template=template,
        template_named=bool(template_name),
    )  # fmt: skip
    severity = _severity(config, severity)
    parsed = _components(components, default="under_maintenance" if maintenance else None)
    scheduled = None
    if maintenance:
        if not (start_text and end_text):
            raise click.UsageError("a maintenance needs --start ISO and --end ISO")
        start, end = parse_when(ctx, start_text, "--start"), parse_when(ctx, end_text, "--end")
        scheduled = (start, end) if start and end else None  # both given: checked just above
    elif start_text or end_text:
        raise click.UsageError("--start and --end are for --maintenance")
    declared = incidents.declare(
        config, kind=kind, title=title, severity=severity, components=parsed, clock=clock, at=at, template=template,
        template_named=bool(template_name), message=message, stage=_stage(kind, stage) if stage else None,
        impact_start=parse_when(ctx, impact_start, "--impact-start"), scheduled=scheduled,
        milestones=_milestones(ctx, detected_at=detected_at, acknowledged_at=acknowledged_at),
        commander=commander or "", note=note or "", next_minutes=next_minutes, alert=alert, force=force,
    )  # fmt: skip
    click.echo(shown(declared.path))
    for warning in declared.warnings:
        click.echo(f"warning: {warning}", err=True)
    promised = f"; next update promised by {human(declared.promise, zone=config.zone)}" if declared.promise else ""
    verb = "declared" if kind == INCIDENT else "scheduled"
    click.echo(f"{verb} {declared.path.stem}: {declared.title}{promised}", err=True)
    next_stage = "in_progress" if maintenance else "identified"
    click.echo(f"next: statusgen update {declared.reference} --stage {next_stage}", err=True)
    if commit:
        _commit(config, declared.path, declared.commit_message)


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


def _ask_missing(config, kind, *, title, severity, components, template, template_named):
    """Title, severity and components, asked for on a terminal when missing; a usage error
    naming every missing one otherwise. A template's title counts only when it was named."""
    from statusgen.authoring.incidents import check_components
    from statusgen.core.model import INCIDENT

    severities = [s.id for s in config.severities]
    missing = []
    if not title and not template_named:
        missing.append("--title TEXT (or --template NAME)")
    if kind == INCIDENT and not severity:
        missing.append(f"--severity ({'|'.join(severities)})")
    if not components:
        missing.append("--component ID=STATUS")
    if not missing:
        return title, severity, components
    if not _interactive():
        raise click.UsageError(
            f"declaring {'an incident' if kind == INCIDENT else 'a maintenance'} needs {', '.join(missing)}; "
            "give them as options (on a terminal statusgen asks for them)"
        )
    if not title and not template_named:
        title = click.prompt("Title (customers see it)", err=True).strip()
    if kind == INCIDENT and not severity:
        for s in config.severities:
            click.echo(f"  {s.id}  {s.name}: {s.description}", err=True)
        suggested = template.severity if template_named and template.severity in severities else None
        severity = click.prompt(
            f"Severity ({', '.join(severities)})",
            default=suggested,
            value_proc=lambda answer: pick(answer, severities, "severity"),
            err=True,
        )
    if not components:
        from statusgen.core.status import COMPONENT_STATUSES

        click.echo(f"  components: {', '.join(c.id for c in config.components)}", err=True)
        click.echo(f"  statuses:   {', '.join(COMPONENT_STATUSES)} (or {', '.join(STATUS_ALIASES)})", err=True)
        while True:
            answer = click.prompt("Affected components, as ID=STATUS separated by spaces", err=True)
            components = tuple(answer.split())
            try:
                check_components(
                    config, _components(components, default=None if kind == INCIDENT else "under_maintenance")
                )
                break
            except click.ClickException as exc:
                click.echo(f"Error: {exc.format_message()}", err=True)
    return title, severity, components


def _post(ctx, incident_ref, action, *, stage=None, components=(), severity=None, at_text=None, milestones=None,
          commit=False, **options):  # fmt: skip
    """Shared body of update, resolve and reopen: parse, call ``action`` of authoring.incidents, print."""
    from statusgen.authoring import incidents
    from statusgen.core.times import human
    from statusgen.sources.lookup import find_incident, read_found

    config = get_config(ctx)
    path = find_incident(config, incident_ref)
    at, clock = parse_when(ctx, at_text), edit_clock()
    current = read_found(config, path)  # the kind, to read --stage and -c by; the action reads it again
    if stage is not None:
        options["stage"] = _stage(current.kind, stage)
    severity = _severity(config, severity)
    parsed = _components(components, default="under_maintenance" if current.is_maintenance else None)
    posted = getattr(incidents, action)(
        config, path, clock=clock, at=at, components=parsed, severity=severity, milestones=milestones, **options
    )
    incident = posted.incident
    promised = f"; next update promised by {human(posted.promise, zone=config.zone)}" if posted.promise else ""
    click.echo(f"{shown(path)}: {incident.stage}, {len(incident.updates)} updates{promised}")
    for cid, status in posted.left_affected.items():
        click.echo(
            f"warning: {cid} is left {status.replace('_', ' ')}; `statusgen validate` will warn until it is "
            "operational",
            err=True,
        )
    if posted.reopened:
        click.echo(posted.reopen_summary)
    if commit:
        _commit(config, path, posted.commit_message)


@click.command(short_help="Post an update to an incident.")
@click.argument("incident")
@click.option(
    "--stage",
    required=True,
    help="investigating, identified, monitoring, resolved (maintenance: in_progress, verifying, completed).",
)
@click.option(
    "--template", "template_name", metavar="NAME", help="Take the message from this template (default: the incident's)."
)
@click.option("--message", "-m", help="Your own message instead of the template's.")
@click.option(
    "--component",
    "-c",
    "components",
    multiple=True,
    metavar="ID=STATUS",
    help="Set a component's status; repeat for more.",
)
@click.option("--severity", "-s", help="Escalate to this severity.")
@click.option("--note", help="Internal note (never published).")
@click.option("--backward", is_flag=True, help="Allow a move back to an earlier stage (it is recorded).")
@click.option("--mitigated", "mitigated_at", metavar="ISO", help="When the impact was mitigated.")
@_with(milestone_options)
@at_option
@next_option
@commit_option
@click.pass_context
def update(ctx, incident, stage, template_name, message, components, severity, note, backward, mitigated_at,
           detected_at, acknowledged_at, at_text, next_minutes, commit):  # fmt: skip
    """Append an update to INCIDENT (its id, or any part of the id only it has).

    \b
    Examples:
      statusgen update latency --stage identified --note "orders DB pool exhausted"
      statusgen update latency --stage identified -s SEV1 -c checkout=major -m "Checkout is now affected too."
      statusgen update latency --stage monitoring -c api=operational -c checkout=operational
    """
    _post(
        ctx, incident, "post_update", stage=stage, message=message, template_name=template_name,
        components=components, severity=severity, note=note or "", at_text=at_text, next_minutes=next_minutes,
        backward=backward, commit=commit,
        milestones=_milestones(ctx, detected_at=detected_at, acknowledged_at=acknowledged_at, mitigated_at=mitigated_at),
    )  # fmt: skip


@click.command(short_help="Resolve an incident or complete maintenance.")
@click.argument("incident")
@click.option("--message", "-m", help="Your own message instead of the template's.")
@click.option("--template", "template_name", metavar="NAME", help="Take the message from this template.")
@click.option("--note", help="Internal note (never published).")
@click.option("--mitigated", "mitigated_at", metavar="ISO", help="When the impact was mitigated.")
@click.option(
    "--component", "-c", "components", multiple=True, metavar="ID=STATUS",
    help="Leave a component in this status (default: every component back to operational).",
)  # fmt: skip
@at_option
@commit_option
@click.pass_context
def resolve(ctx, incident, message, template_name, note, mitigated_at, components, at_text, commit):
    """Resolve INCIDENT (a maintenance: complete it); components return to operational.

    Unless -c says otherwise: `-c checkout=partial` resolves the incident but records
    Checkout as still in partial outage (`validate` then warns about it).

    \b
    Example:
      statusgen resolve checkout-errors --commit
      statusgen resolve latency -m "Response times are back to normal. We are sorry for the disruption."
    """
    _post(
        ctx, incident, "resolve", message=message, template_name=template_name, note=note or "", at_text=at_text,
        components=components, milestones=_milestones(ctx, mitigated_at=mitigated_at), commit=commit,
    )  # fmt: skip


@click.command(short_help="Reopen a resolved incident.")
@click.argument("incident")
@click.option("--message", "-m", help="Your own message instead of the template's.")
@click.option(
    "--component", "-c", "components", multiple=True, metavar="ID=STATUS", help="Set a component's status again."
)
@click.option("--note", help="Internal note (never published).")
@at_option
@next_option
@commit_option
@click.pass_context
def reopen(ctx, incident, message, components, note, at_text, next_minutes, commit):
    """Reopen a resolved INCIDENT: a new 'investigating' update, marked as reopened.

    \b
    Example:
      statusgen reopen checkout-errors -c checkout=partial -m "Some payments are failing again."
    """
    _post(
        ctx, incident, "reopen", message=message, components=components, note=note or "", at_text=at_text,
        next_minutes=next_minutes, commit=commit,
    )  # fmt: skip


COMMANDS = [new, update, resolve, reopen]
