"""The ``statusgen`` command line: a thin layer over the library.

Only click is imported at start-up; each command imports what it needs, so
``statusgen --help`` and ``statusgen update`` start fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import adopt_commands, internal_commands, site_commands
from .clicontext import current_now, repo_root

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="statusgen")
@click.option(
    "-C",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Run in this status repository instead of the current directory.",
)
@click.option("--now", "now_text", metavar="ISO", help="Pin the current time (also: SOURCE_DATE_EPOCH).")
@click.pass_context
def main(ctx, directory, now_text):
    """Declare, update and publish incidents kept as YAML files in git.

    \b
    Example, mid-incident:
      statusgen new --template high-latency --severity SEV2 --component api=degraded
      statusgen update 2026-11-22-elevated-latency --stage identified
      statusgen resolve 2026-11-22-elevated-latency --commit
    """
    from .config import CONFIG_FILE

    ctx.ensure_object(dict)
    ctx.obj["directory"] = directory or Path.cwd()
    ctx.obj["now_text"] = now_text
    start = ctx.obj["directory"].resolve()
    # Commands read obj["root"]; when there is no repository, _root() explains that.
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_FILE).is_file():
            ctx.obj["root"] = candidate
            break


def _config(ctx):
    from .config import load_config

    if "config" not in ctx.obj:
        ctx.obj["config"] = load_config(repo_root())
    return ctx.obj["config"]


def _when(ctx, text, name="--at"):
    """A time option's value, or now."""
    from .timeutil import TimeError, parse_time

    if not text:
        return current_now()
    try:
        return parse_time(text)
    except TimeError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


def _components(values, default=None) -> dict[str, str]:
    from .model import COMPONENT_STATUSES

    result = {}
    for value in values:
        cid, _, status = value.partition("=")
        status = STATUS_ALIASES.get(status, status) or default
        if not status:
            raise click.BadParameter(
                f"'{value}' has no status; expected ID=STATUS, like api=degraded_performance",
                param_hint="--component",
            )
        if status not in COMPONENT_STATUSES:
            raise click.BadParameter(
                f"'{status}' is not a component status; expected one of: {', '.join(COMPONENT_STATUSES)}"
                f" (or {', '.join(STATUS_ALIASES)})",
                param_hint="--component",
            )
        result[cid.strip()] = status
    return result


def _check_components(config, components):
    from .errors import StatusgenError
    from .yamlnodes import suggest

    known = [c.id for c in config.components]
    for cid in components:
        if cid not in known:
            raise StatusgenError(f"unknown component '{cid}'{suggest(cid, known)}; expected one of: {', '.join(known)}")


def _message(config, *, text, template_name, stage, kind, values):
    """The update's message: given with -m, or from a template (the incident's, or the default)."""
    from .templates import DEFAULT_TEMPLATE, find, load_templates, render

    if text:
        return text
    templates, _ = load_templates(config)
    template = find(templates, template_name or DEFAULT_TEMPLATE[kind])
    return render(template, stage, values)


def _commit(root: Path, path: Path, message: str) -> None:
    import subprocess

    from .errors import StatusgenError

    for args in (["add", "--", str(path)], ["commit", "-q", "-m", message, "--", str(path)]):
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        if result.returncode:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise StatusgenError(
                f"the file was written but git {args[0]} failed: {detail[-1] if detail else result.returncode}"
            )
    click.echo(f"committed: {message}", err=True)


def _shown(ctx, path: Path) -> str:
    from .errors import display_path

    return display_path(path, repo_root())


def _values(config, incident_like, at, next_minutes):
    from datetime import timedelta

    from .templates import placeholder_values

    window = None
    if incident_like.get("scheduled"):
        window = incident_like["scheduled"]
    return placeholder_values(
        config,
        title=incident_like["title"],
        components=list(incident_like["components"]),
        started=incident_like["started"],
        at=at,
        next_update=timedelta(minutes=next_minutes),
        window=window,
    )


commit_option = click.option("--commit", is_flag=True, help="Commit the changed file with git.")
at_option = click.option(
    "--at", "at_text", metavar="ISO", help="Time of the update (default: now), e.g. 2026-11-22T14:36:00Z."
)
next_option = click.option(
    "--next", "next_minutes", type=click.IntRange(5, 24 * 60), default=30, show_default=True,
    help="Minutes until the next update that the message promises.",
)  # fmt: skip
milestone_options = [
    click.option("--detected", "detected_at", metavar="ISO", help="When the problem was detected."),
    click.option("--acknowledged", "acknowledged_at", metavar="ISO", help="When on-call acknowledged the page."),
]


def _milestones(ctx, **texts):
    return {name: _when(ctx, text, "--" + name.split("_")[0]) for name, text in texts.items() if text}


def _with(options):
    def decorate(function):
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


@main.command()
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
@commit_option
@click.pass_context
def new(ctx, title, severity, components, template_name, message, stage, impact_start, detected_at, acknowledged_at,
        commander, note, maintenance, start_text, end_text, at_text, next_minutes, commit):  # fmt: skip
    """Declare an incident (or schedule a maintenance) and print the new file's path.

    \b
    Examples:
      statusgen new --template high-latency -s SEV2 -c api=degraded -c checkout=partial
      statusgen new -t "Checkout errors" -s SEV1 -c checkout=major -m "We are investigating failed payments."
      statusgen new --maintenance -t "Database upgrade" -c payouts -c reporting \\
          --start 2026-12-03T02:00:00Z --end 2026-12-03T03:30:00Z
    """
    from .edit import new_incident
    from .errors import StatusgenError
    from .model import INCIDENT, MAINTENANCE
    from .templates import DEFAULT_TEMPLATE, find, load_templates

    config = _config(ctx)
    kind = MAINTENANCE if maintenance else INCIDENT
    at = _when(ctx, at_text)
    template = None
    if template_name or not message:
        templates, _ = load_templates(config)
        template = find(templates, template_name or DEFAULT_TEMPLATE[kind])
        if template.kind != kind:
            raise StatusgenError(f"template '{template.name}' is for {template.kind}s; this is a {kind}")
    title = title or (template.title if template else None)
    if not title:
        raise click.UsageError("give a title with --title")
    severity_ids = [s.id for s in config.severities]
    if kind == INCIDENT:
        severity = (severity or (template.severity if template else None) or "").upper()
        if severity not in severity_ids:
            raise click.BadParameter(f"expected one of: {', '.join(severity_ids)}", param_hint="--severity")
    elif severity and severity.upper() not in severity_ids:
        raise click.BadParameter(f"expected one of: {', '.join(severity_ids)}", param_hint="--severity")
    parsed = _components(components, default="under_maintenance" if maintenance else None)
    _check_components(config, parsed)
    scheduled = None
    if maintenance:
        if not (start_text and end_text):
            raise click.UsageError("a maintenance needs --start ISO and --end ISO")
        scheduled = (_when(ctx, start_text, "--start"), _when(ctx, end_text, "--end"))
    elif start_text or end_text:
        raise click.UsageError("--start and --end are for --maintenance")
    impact = _when(ctx, impact_start, "--impact-start") if impact_start else at
    stage = stage or ("scheduled" if maintenance else "investigating")
    info = {
        "title": title,
        "components": parsed,
        "started": scheduled[0] if scheduled else impact,
        "scheduled": scheduled,
    }
    text = _message(
        config, text=message, template_name=template.name if template else None, stage=stage, kind=kind,
        values=_values(config, info, at, next_minutes),
    )  # fmt: skip
    path = new_incident(
        config,
        title=title,
        kind=kind,
        severity=severity.upper() if severity else None,
        components=parsed,
        message=text,
        at=at,
        stage=stage,
        impact_start=None if maintenance else impact,
        scheduled=scheduled,
        milestones=_milestones(ctx, detected_at=detected_at, acknowledged_at=acknowledged_at),
        commander=commander or "",
        template=template.name if template and template_name else "",
        note=note or "",
    )
    click.echo(_shown(ctx, path))
    click.echo(f"next: statusgen update {path.stem} --stage {'in_progress' if maintenance else 'identified'}", err=True)
    if commit:
        _commit(repo_root(), path, f"{kind} {path.stem}: {stage}")


def _post(ctx, incident_ref, *, stage, message, template_name, components=(), severity=None, note="",
          at_text=None, next_minutes=30, backward=False, reopened=False, milestones=None, commit=False):  # fmt: skip
    """Shared body of update, resolve and reopen."""
    from .edit import add_update, find_incident
    from .loader import read_incident

    config = _config(ctx)
    path = find_incident(config, incident_ref)
    at = _when(ctx, at_text)
    current, problems = read_incident(path, path.read_bytes(), config, _shown(ctx, path))
    if current is None:
        from .errors import ValidationError

        raise ValidationError([p for p in problems if p.is_error])
    if isinstance(stage, dict):  # resolve and reopen: the stage depends on the kind
        stage = stage[current.kind]
    parsed = _components(components, default="under_maintenance" if current.is_maintenance else None)
    _check_components(config, parsed)
    window = (current.scheduled_for, current.scheduled_until) if current.is_maintenance else None
    affected = dict(current.components) | parsed
    info = {"title": current.title, "components": affected, "started": current.started_at, "scheduled": window}
    if current.is_maintenance and stage in ("in_progress",) and not current.is_active:
        info["started"] = at
    text = _message(
        config, text=message, template_name=template_name or current.template or None, stage=stage,
        kind=current.kind, values=_values(config, info, at, next_minutes),
    )  # fmt: skip
    incident = add_update(
        config,
        path,
        stage=stage,
        message=text,
        at=at,
        components=parsed,
        severity=severity.upper() if severity else None,
        note=note or "",
        backward=backward,
        reopened=reopened,
        milestones=milestones,
    )
    click.echo(f"{_shown(ctx, path)}: {incident.stage}, {len(incident.updates)} updates")
    if commit:
        _commit(repo_root(), path, f"{incident.kind} {incident.id}: {stage}{' (reopened)' if reopened else ''}")


@main.command()
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
      statusgen update 2026-11-22-elevated-latency --stage identified
      statusgen update api-latency --stage monitoring -c api=operational --note "rolled back 4812"
      statusgen update api-latency --stage identified -s SEV1 -m "Checkout is now affected too."
    """
    _post(
        ctx, incident, stage=stage, message=message, template_name=template_name, components=components,
        severity=severity, note=note, at_text=at_text, next_minutes=next_minutes, backward=backward,
        milestones=_milestones(ctx, detected_at=detected_at, acknowledged_at=acknowledged_at, mitigated_at=mitigated_at),
        commit=commit,
    )  # fmt: skip


@main.command()
@click.argument("incident")
@click.option("--message", "-m", help="Your own message instead of the template's.")
@click.option("--template", "template_name", metavar="NAME", help="Take the message from this template.")
@click.option("--note", help="Internal note (never published).")
@click.option("--mitigated", "mitigated_at", metavar="ISO", help="When the impact was mitigated.")
@at_option
@commit_option
@click.pass_context
def resolve(ctx, incident, message, template_name, note, mitigated_at, at_text, commit):
    """Resolve INCIDENT (a maintenance: complete it); its components go back to operational.

    \b
    Example:
      statusgen resolve 2026-11-22-elevated-latency --commit
    """
    stage = {"incident": "resolved", "maintenance": "completed"}
    _post(
        ctx, incident, stage=stage, message=message, template_name=template_name, note=note, at_text=at_text,
        milestones=_milestones(ctx, mitigated_at=mitigated_at), commit=commit,
    )  # fmt: skip


@main.command()
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
      statusgen reopen 2026-11-22-elevated-latency -c api=degraded -m "The problem has returned."
    """
    stage = {"incident": "investigating", "maintenance": "in_progress"}
    _post(
        ctx, incident, stage=stage, message=message, template_name=None, components=components, note=note,
        at_text=at_text, next_minutes=next_minutes, reopened=True, commit=commit,
    )  # fmt: skip


def _load(ctx):
    from .loader import load_repository

    return load_repository(repo_root(), now=current_now(), config=_config(ctx))


@main.command(name="list")
@click.option("--active", is_flag=True, help="Only open incidents and maintenance in progress.")
@click.pass_context
def list_(ctx, active):
    """List incidents and maintenances, newest first.

    \b
    Example:
      statusgen list --active
    """
    from .timeutil import human_long

    repo, problems = _load(ctx)
    rows = [i for i in repo.incidents if i.is_active or not active]
    if not rows:
        click.echo("no active incidents" if active else "no incidents")
    for incident in rows:
        severity = incident.severity or "-"
        line = f"{incident.id:<44} {severity:<5} {incident.stage:<13} {human_long(incident.started_at):<24} {incident.title}"
        click.echo(click.style(line, bold=incident.is_active))
    errors = sum(p.is_error for p in problems)
    if errors:
        click.echo(
            f"{errors} file problem{'s' if errors > 1 else ''} hid some incidents; run `statusgen validate`", err=True
        )


@main.command()
@click.argument("incident")
@click.pass_context
def show(ctx, incident):
    """Print INCIDENT's details and timeline, internal notes included.

    \b
    Example:
      statusgen show api-latency
    """
    from .edit import find_incident
    from .errors import ValidationError
    from .loader import read_incident
    from .timeutil import duration, human_long

    config = _config(ctx)
    path = find_incident(config, incident)
    item, problems = read_incident(path, path.read_bytes(), config, _shown(ctx, path))
    if item is None:
        raise ValidationError([p for p in problems if p.is_error])
    now = current_now()
    names = {c.id: c.name for c in config.components}
    click.echo(click.style(f"{item.title}", bold=True) + f"  ({item.id})")
    state = "resolved" if item.is_resolved else "ACTIVE" if item.is_active else item.stage
    facts = [item.kind, item.severity or "", item.stage, state if state != item.stage else ""]
    click.echo(" · ".join(f for f in facts if f))
    click.echo(
        f"started   {human_long(item.started_at)}; lasted {duration(item.duration(now))}{'' if item.resolved_at else ' so far'}"
    )
    if item.is_maintenance:
        click.echo(f"window    {human_long(item.scheduled_for)} to {human_long(item.scheduled_until)}")
    current = item.current_components()
    for cid, status in item.components.items():
        click.echo(f"component {names.get(cid, cid)}: {current.get(cid, status).replace('_', ' ')}")
    for label, value in (
        ("detected", item.detected_at),
        ("acked", item.acknowledged_at),
        ("mitigated", item.mitigated_at),
    ):
        if value:
            click.echo(f"{label:<9} {human_long(value)}")
    if item.commander:
        click.echo(f"commander {item.commander}")
    for role, person in item.roles.items():
        click.echo(f"{role:<9} {person}")
    if item.runbooks:
        click.echo(f"runbooks  {', '.join(item.runbooks)}")
    if item.postmortem_path or path.with_name(item.id + ".postmortem.md").exists():
        click.echo(f"postmortem {item.id}.postmortem.md")
    click.echo()
    for entry in reversed(item.updates):
        flags = " (reopened)" if entry.reopened else " (moved back)" if entry.backward else ""
        click.echo(click.style(f"{human_long(entry.at)}  {entry.stage.upper()}{flags}", bold=True))
        for line in entry.message.splitlines():
            click.echo(f"  {line}")
        if entry.severity:
            click.echo(f"  severity -> {entry.severity}")
        for cid, status in entry.components.items():
            click.echo(f"  {names.get(cid, cid)} -> {status.replace('_', ' ')}")
        if entry.internal_note:
            click.echo(click.style(f"  internal: {entry.internal_note}", fg="yellow"))
        click.echo()


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--alert-rules", "alert_rules", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Prometheus alerting rule files to check against the runbooks.",
)  # fmt: skip
@click.pass_context
def validate(ctx, strict, alert_rules):
    """Check every incident, template and runbook; print each problem as path:line: message.

    Exits 1 when there are errors (or, with --strict, warnings).

    \b
    Example:
      statusgen validate --strict
    """
    from .templates import load_templates

    repo, problems = _load(ctx)
    problems = (
        list(problems) + load_templates(repo.config)[1] + _internal_problems(repo.config, current_now(), alert_rules)
    )
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    for problem in problems:
        click.echo(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    summary = f"{len(repo.incidents)} incidents checked: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if errors or (strict and warnings):
        failing = errors + (warnings if strict else 0)
        click.echo(
            f"{summary}. Aborted with {failing} problem{'s' * (failing != 1)}{' (--strict)' if strict and warnings else ''}.",
            err=True,
        )
        ctx.exit(1)
    click.echo(summary, err=True)


def _internal_problems(config, now, alert_rules):
    """Runbook checks (review dates, alert rules), when the internal site's module is present."""
    try:
        from .internal.runbooks import check_runbooks
    except ImportError:
        if alert_rules:
            raise click.UsageError("--alert-rules needs the internal site module (statusgen.internal)") from None
        return []
    return check_runbooks(config, now, alert_rules)


@main.group(invoke_without_command=True)
@click.pass_context
def templates(ctx):
    """List the message templates: built-in ones and the team's own.

    \b
    Examples:
      statusgen templates
      statusgen templates show high-latency
    """
    if ctx.invoked_subcommand:
        return
    from .templates import load_templates

    found, problems = load_templates(_config(ctx))
    for problem in problems:
        click.echo(problem, err=True)
    for template in found.values():
        origin = "" if template.builtin else " (team)"
        click.echo(f"{template.name:<24} {template.kind:<12} {template.description}{origin}")


@templates.command(name="show")
@click.argument("name")
@click.pass_context
def templates_show(ctx, name):
    """Print the messages of template NAME, stage by stage.

    \b
    Example:
      statusgen templates show full-outage
    """
    from .templates import find, load_templates

    found, _ = load_templates(_config(ctx))
    template = find(found, name)
    click.echo(
        click.style(template.name, bold=True)
        + f": {template.title} ({template.kind}{', ' + template.severity if template.severity else ''})"
    )
    if template.description:
        click.echo(template.description)
    for stage, text in template.stages.items():
        click.echo()
        click.echo(click.style(stage, bold=True))
        for line in text.splitlines():
            click.echo(f"  {line}")


for command in (*site_commands.COMMANDS, *internal_commands.COMMANDS, *adopt_commands.COMMANDS):
    main.add_command(command)
