"""Commands of an incident's life: new, update, resolve, reopen, list, show."""

from __future__ import annotations

from pathlib import Path

import click

from statusgen.cli.context import current_now, get_config, load_listings, parse_when, pick, repo_root, shown

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


def _check_components(config, components):
    from statusgen.core.errors import StatusgenError
    from statusgen.sources.checker import suggest

    known = [c.id for c in config.components]
    for cid in components:
        if cid not in known:
            raise StatusgenError(f"unknown component '{cid}'{suggest(cid, known)}; expected one of: {', '.join(known)}")


def _message(config, *, text, template_name, stage, kind, values, follow_up=False):
    """The update's message: given with -m, or from a template (the incident's, or the default);
    ``follow_up`` when the update repeats the stage the incident is in."""
    from statusgen.authoring.messages import DEFAULT_TEMPLATE, find, load_templates, render

    if text:
        return text
    templates, _ = load_templates(config)
    template = find(templates, template_name or DEFAULT_TEMPLATE[kind])
    return render(template, stage, values, follow_up=follow_up)


def _commit(root: Path, path: Path, message: str) -> None:
    import subprocess

    from statusgen.core.errors import StatusgenError

    for args in (["add", "--", str(path)], ["commit", "-q", "-m", message, "--", str(path)]):
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        if result.returncode:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise StatusgenError(
                f"the file was written but git {args[0]} failed: {detail[-1] if detail else result.returncode}"
            )
    click.echo(f"committed: {message}", err=True)


def _values(config, incident_like, at, promise):
    from datetime import timedelta

    from statusgen.authoring.messages import placeholder_values

    window = None
    if incident_like.get("scheduled"):
        window = incident_like["scheduled"]
    return placeholder_values(
        config,
        title=incident_like["title"],
        components=incident_like["components"],
        worst=incident_like.get("worst"),
        started=incident_like["started"],
        at=at,
        next_update=(promise - at) if promise else timedelta(minutes=30),
        window=window,
    )


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
    from statusgen.authoring.messages import DEFAULT_TEMPLATE, find, load_templates
    from statusgen.authoring.writer import new_incident
    from statusgen.core.cadence import next_promise
    from statusgen.core.errors import StatusgenError
    from statusgen.core.model import INCIDENT, MAINTENANCE
    from statusgen.core.times import human, iso

    config = get_config(ctx)
    kind = MAINTENANCE if maintenance else INCIDENT
    at = parse_when(ctx, at_text)
    template = None
    if template_name or not message:
        templates, _ = load_templates(config)
        template = find(templates, template_name or DEFAULT_TEMPLATE[kind])
        if template.kind != kind:
            raise StatusgenError(f"template '{template.name}' is for {template.kind}s; this is a {kind}")
    alert = None
    if alert_file:
        if maintenance:
            raise click.UsageError("--from-alert declares an incident; it cannot schedule a maintenance")
        alert = _from_alert(config, alert_file)
        title = title or (template.title if template_name else alert.title)
        severity = severity or alert.severity
        components = (*(f"{cid}={status}" for cid, status in alert.components.items()), *components)
        impact_start = impact_start or iso(alert.impact_start)
        note = "\n".join(n for n in (note, alert.note) if n)
    asked = _ask_missing(
        config, kind, title=title, severity=severity, components=components, template=template,
        template_named=bool(template_name),
    )  # fmt: skip
    title, severity, components = asked["title"], asked["severity"], asked["components"]
    # The id comes from what the responder typed: their title, else the template's short name,
    # else the alert's name.
    slug_source = (
        (title if not alert or title != alert.title else None)
        or (template.name if template and template_name else None)
        or (alert.slug if alert else None)
    )
    title = title or (template.title if template else None)
    severity = _severity(config, severity)
    parsed = _components(components, default="under_maintenance" if maintenance else None)
    _check_components(config, parsed)
    from statusgen.sources.lookup import Candidate, candidates

    known = candidates(config)  # read once: for similar titles now, the short name after writing
    if kind == INCIDENT and not force:
        _refuse_similar(known, title)
    scheduled = None
    if maintenance:
        if not (start_text and end_text):
            raise click.UsageError("a maintenance needs --start ISO and --end ISO")
        scheduled = (parse_when(ctx, start_text, "--start"), parse_when(ctx, end_text, "--end"))
    elif start_text or end_text:
        raise click.UsageError("--start and --end are for --maintenance")
    impact = parse_when(ctx, impact_start, "--impact-start") if impact_start else at
    stage = _stage(kind, stage) if stage else ("scheduled" if maintenance else "investigating")
    promise = next_promise(config, kind, stage, severity, at, scheduled, next_minutes)
    info = {
        "title": title,
        "components": parsed,
        "started": scheduled[0] if scheduled else impact,
        "scheduled": scheduled,
    }
    text = _message(
        config, text=message, template_name=template.name if template else None, stage=stage, kind=kind,
        values=_values(config, info, at, promise),
    )  # fmt: skip
    path = new_incident(
        config,
        title=title,
        slug=slug_source or title,
        kind=kind,
        severity=severity,
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
        next_update=promise,
        runbooks=alert.runbooks if alert else (),
    )
    click.echo(shown(path))
    for warning in alert.warnings if alert else ():
        click.echo(f"warning: {warning}", err=True)
    reference = _short_reference([*known, Candidate(path.stem, title, stage, True, path)], path)
    promised = f"; next update promised by {human(promise)}" if promise else ""
    click.echo(f"{'declared' if kind == INCIDENT else 'scheduled'} {path.stem}: {title}{promised}", err=True)
    click.echo(f"next: statusgen update {reference} --stage {'in_progress' if maintenance else 'identified'}", err=True)
    if commit:
        _commit(repo_root(), path, f"{kind} {path.stem}: {stage}")


def _from_alert(config, path):
    """The declaration an Alertmanager payload makes (library: statusgen.authoring.alerts)."""
    from statusgen.authoring.alerts import declaration, read_payload

    payload = read_payload(path, str(path))
    try:
        from statusgen.sources.runbooks import load_runbooks

        runbooks, _ = load_runbooks(config)
    except ImportError:
        runbooks = []
    alerts = {alert: runbook.name for runbook in runbooks for alert in runbook.alerts}
    return declaration(payload, config, alerts, str(path))


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


def _ask_missing(config, kind, *, title, severity, components, template, template_named):
    """Title, severity and components, asked for on a terminal when missing; a usage error
    naming every missing one otherwise. A template's title counts only when it was named."""
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
        return {"title": title, "severity": severity, "components": components}
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
                _check_components(
                    config, _components(components, default=None if kind == INCIDENT else "under_maintenance")
                )
                break
            except click.ClickException as exc:
                click.echo(f"Error: {exc.format_message()}", err=True)
    return {"title": title, "severity": severity, "components": components}


def _refuse_similar(known, title):
    """A usage error when an active incident among ``known`` has a title like ``title``
    (--force declares anyway)."""
    import difflib

    from statusgen.core.errors import StatusgenError
    from statusgen.sources.lookup import DATE_PREFIX

    wanted = " ".join(title.lower().split())
    for other in known:
        if not other.active or not other.title:
            continue
        theirs = " ".join(other.title.lower().split())
        if theirs == wanted or difflib.SequenceMatcher(None, wanted, theirs).ratio() >= 0.8:
            raise StatusgenError(
                f"an active incident has a similar title: {other.describe()}. Update it instead "
                f"(`statusgen update {DATE_PREFIX.sub('', other.id)} --stage ...`), or pass --force to declare "
                "a second incident"
            )


def _short_reference(known, path):
    """The shortest name the next command can use for the incident at ``path`` (among the
    incidents ``known``): the id without its date when that finds it, else the full id."""
    from statusgen.core.errors import StatusgenError
    from statusgen.sources.lookup import DATE_PREFIX, resolve

    tail = DATE_PREFIX.sub("", path.stem)
    try:
        if tail and resolve(sorted(known, key=lambda c: c.id, reverse=True), tail).path == path:
            return tail
    except StatusgenError:
        pass
    return path.stem


def _post(ctx, incident_ref, *, stage, message, template_name, components=(), severity=None, note="",
          at_text=None, next_minutes=None, backward=False, reopened=False, milestones=None, commit=False):  # fmt: skip
    """Shared body of update, resolve and reopen."""
    from statusgen.authoring.writer import add_update
    from statusgen.core.cadence import next_promise
    from statusgen.core.times import human
    from statusgen.sources.incidents import read_incident
    from statusgen.sources.lookup import find_incident

    config = get_config(ctx)
    path = find_incident(config, incident_ref)
    at = parse_when(ctx, at_text)
    current, problems = read_incident(path, path.read_bytes(), config, shown(path))
    if current is None:
        from statusgen.core.errors import ValidationError

        raise ValidationError([p for p in problems if p.is_error])
    if isinstance(stage, dict):  # resolve and reopen: the stage depends on the kind
        stage = stage[current.kind]
    else:
        stage = _stage(current.kind, stage)
    severity = _severity(config, severity)
    parsed = _components(components, default="under_maintenance" if current.is_maintenance else None)
    _check_components(config, parsed)
    window = (current.scheduled_for, current.scheduled_until) if current.is_maintenance else None
    from statusgen.core.model import FINAL_STAGES
    from statusgen.core.status import STATUS_RANK

    now_statuses = dict(current.current_components())
    if stage in FINAL_STAGES:  # resolving returns every component to operational unless told otherwise
        now_statuses = dict.fromkeys(current.components, "operational")
    elif current.is_resolved:  # reopening: the components are hit again as they were
        now_statuses = dict(current.components)
    now_statuses |= parsed
    worst = dict(current.components)
    for cid, status in parsed.items():
        if STATUS_RANK[status] > STATUS_RANK.get(worst.get(cid, "operational"), 0):
            worst[cid] = status
    promise = next_promise(config, current.kind, stage, severity or current.severity, at, window, next_minutes)
    info = {
        "title": current.title, "components": now_statuses, "worst": worst, "started": current.started_at,
        "scheduled": window,
    }  # fmt: skip
    if current.is_maintenance and stage in ("in_progress",) and not current.is_active:
        info["started"] = at
    text = _message(
        config, text=message, template_name=template_name or current.template or None, stage=stage,
        kind=current.kind, values=_values(config, info, at, promise),
        follow_up=stage == current.stage and not reopened,
    )  # fmt: skip
    incident = add_update(
        config,
        path,
        stage=stage,
        message=text,
        at=at,
        components=parsed,
        severity=severity,
        note=note or "",
        backward=backward,
        reopened=reopened,
        milestones=milestones,
        next_update=promise,
    )
    promised = f"; next update promised by {human(promise)}" if promise else ""
    click.echo(f"{shown(path)}: {incident.stage}, {len(incident.updates)} updates{promised}")
    if incident.is_resolved:
        left = {cid: status for cid, status in incident.updates[-1].components.items() if status != "operational"}
        for cid, status in left.items():
            click.echo(
                f"warning: {cid} is left {status.replace('_', ' ')}; `statusgen validate` will warn until it is "
                "operational",
                err=True,
            )
    if reopened:
        from statusgen.authoring.writer import reopen_summary

        click.echo(reopen_summary(incident, named=bool(parsed)))
    if commit:
        _commit(repo_root(), path, f"{incident.kind} {incident.id}: {stage}{' (reopened)' if reopened else ''}")


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
        ctx, incident, stage=stage, message=message, template_name=template_name, components=components,
        severity=severity, note=note, at_text=at_text, next_minutes=next_minutes, backward=backward,
        milestones=_milestones(ctx, detected_at=detected_at, acknowledged_at=acknowledged_at, mitigated_at=mitigated_at),
        commit=commit,
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
    stage = {"incident": "resolved", "maintenance": "completed"}
    _post(
        ctx, incident, stage=stage, message=message, template_name=template_name, note=note, at_text=at_text,
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
    stage = {"incident": "investigating", "maintenance": "in_progress"}
    _post(
        ctx, incident, stage=stage, message=message, template_name=None, components=components, note=note,
        at_text=at_text, next_minutes=next_minutes, reopened=True, commit=commit,
    )  # fmt: skip


@click.command(name="list", short_help="List incidents, newest first.")
@click.option("--active", is_flag=True, help="Only open incidents and maintenance in progress.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")
@click.pass_context
def list_(ctx, active, as_json):
    """List incidents and maintenances, newest first.

    Columns: id, severity, stage, age (time since impact began), title; drills are marked,
    and an active incident whose promised update is late says by how much.

    \b
    Examples:
      statusgen list --active
      statusgen list --json
    """
    from statusgen.core.times import duration, iso

    listings, problems = load_listings()
    now = current_now()
    rows = [i for i in listings if i.is_active or not active]
    if as_json:
        import json

        def record(i):
            due = i.next_update_due if i.is_active else None
            late = i.overdue_by(now) if i.is_active else None
            return {
                "id": i.id, "title": i.title, "kind": i.kind, "severity": i.severity, "stage": i.stage,
                "active": i.is_active, "drill": i.drill, "started_at": iso(i.started_at),
                "resolved_at": iso(i.resolved_at) if i.resolved_at else None,
                "age_seconds": int(i.duration(now).total_seconds()) if not i.resolved_at else None,
                "next_update_due": iso(due) if due else None,
                "overdue_seconds": int(late.total_seconds()) if late else None,
                "components": dict(i.components),
            }  # fmt: skip

        click.echo(json.dumps([record(i) for i in rows], indent=2, ensure_ascii=False))
    elif not rows:
        click.echo("no active incidents" if active else "no incidents")
    else:
        table = [("ID", "SEV", "STAGE", "AGE", "TITLE")]
        notes = []
        for incident in rows:
            age = duration(now - incident.started_at) if now >= incident.started_at else "not started"
            table.append((incident.id, incident.severity or "-", incident.stage, age, incident.title))
            flags = ["DRILL"] if incident.drill else []
            late = incident.overdue_by(now) if incident.is_active else None
            if late:
                flags.append(f"update overdue by {duration(late)}")
            notes.append(flags)
        widths = [max(len(row[i]) for row in table) for i in range(4)]
        for number, row in enumerate(table):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4]
            if number == 0:
                click.echo(click.style(line, bold=True))
                continue
            flags = notes[number - 1]
            incident = rows[number - 1]
            click.echo(
                click.style(line, bold=incident.is_active)
                + "".join(" " + click.style(f"[{f}]", fg="red" if f != "DRILL" else "cyan") for f in flags)
            )
    errors = sum(p.is_error for p in problems)
    if errors:
        click.echo(
            f"{errors} file problem{'s' if errors > 1 else ''} hid some incidents; run `statusgen validate`", err=True
        )


@click.command(short_help="Show an incident's timeline and notes.")
@click.argument("incident")
@click.pass_context
def show(ctx, incident):
    """Print INCIDENT's details and timeline, internal notes included.

    \b
    Example:
      statusgen show checkout-errors
    """
    from statusgen.core.cadence import next_update_due, overdue_by
    from statusgen.core.errors import ValidationError
    from statusgen.core.times import duration, human_long
    from statusgen.sources.incidents import read_incident
    from statusgen.sources.lookup import find_incident

    config = get_config(ctx)
    path = find_incident(config, incident)
    item, problems = read_incident(path, path.read_bytes(), config, shown(path))
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
    if item.drill:
        click.echo(click.style("drill     yes: left out of the public site and the metrics", fg="cyan"))
    due = next_update_due(item, config)
    if due:
        late = overdue_by(item, config, now)
        if late:
            click.echo(
                click.style(f"UPDATE OVERDUE by {duration(late)} (promised by {human_long(due)})", fg="red", bold=True)
            )
        else:
            click.echo(f"next      update due by {human_long(due)}, in {duration(due - now)}")
    current = dict(item.current_components())
    if item.is_resolved:  # what the final update recorded, even when it left a component down
        current |= dict(item.updates[-1].components)
    for cid, status in item.components.items():
        left = " (left so at resolution)" if item.is_resolved and current.get(cid, status) != "operational" else ""
        click.echo(f"component {names.get(cid, cid)}: {current.get(cid, status).replace('_', ' ')}{left}")
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


@click.command(short_help="List incidents whose update is due or late.")
@click.option(
    "--within",
    "within_minutes",
    type=click.IntRange(0, 24 * 60),
    default=10,
    show_default=True,
    metavar="MINUTES",
    help="Also list updates due within this many minutes.",
)
@click.pass_context
def due(ctx, within_minutes):
    """List active incidents whose next update is overdue or due soon; exit 1 if any.

    The promise is the one the last update made (its next_update), else the severity's
    cadence (update_cadence in mkdocs.yml; defaults SEV1 30 min, SEV2 1 h, SEV3 2 h,
    SEV4 4 h). Run it from a scheduled CI job to nag the incident channel.

    \b
    Example:
      statusgen due --within 15
    """
    from datetime import timedelta

    from statusgen.core.times import duration, human

    listings, _ = load_listings()
    now = current_now()
    horizon = now + timedelta(minutes=within_minutes)
    found = []
    for incident in listings:
        if not incident.is_active or incident.drill:
            continue
        deadline = incident.next_update_due
        if deadline is not None and deadline <= horizon:
            found.append((deadline, incident))
    if not found:
        click.echo(f"no updates due within {within_minutes} min")
        return
    for deadline, incident in sorted(found, key=lambda pair: pair[0]):
        when = f"overdue by {duration(now - deadline)}" if deadline < now else f"due in {duration(deadline - now)}"
        click.echo(
            f"{incident.id}  {incident.severity or '-'}  {incident.stage}  update {when} "
            f"(promised by {human(deadline)}): {incident.title}"
        )
    ctx.exit(1)


COMMANDS = [new, update, resolve, reopen, list_, show, due]
