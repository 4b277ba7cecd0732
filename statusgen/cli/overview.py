"""Commands that read incidents: list, show and due."""

from __future__ import annotations

import click

from statusgen.cli.context import current_now, get_config, load_listings


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
        lines = []
        for number, row in enumerate(table):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4]
            if number == 0:
                lines.append(click.style(line, bold=True))
                continue
            flags = notes[number - 1]
            incident = rows[number - 1]
            lines.append(
                click.style(line, bold=incident.is_active)
                + "".join(" " + click.style(f"[{f}]", fg="red" if f != "DRILL" else "cyan") for f in flags)
            )
        click.echo("\n".join(lines))  # one write: 10,000 lines echoed one by one took a fifth of a second
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
    from statusgen.core.times import duration, human_long
    from statusgen.sources.lookup import find_incident, read_found

    config = get_config(ctx)
    item = read_found(config, find_incident(config, incident))
    now = current_now()
    names = {c.id: c.name for c in config.components}
    click.echo(click.style(f"{item.title}", bold=True) + f"  ({item.id})")
    state = "resolved" if item.is_resolved else "ACTIVE" if item.is_active else item.stage
    facts = [item.kind, item.severity or "", item.stage, state if state != item.stage else ""]
    click.echo(" · ".join(f for f in facts if f))
    click.echo(
        f"started   {human_long(item.started_at, config.zone)}; lasted {duration(item.duration(now))}{'' if item.resolved_at else ' so far'}"
    )
    if item.is_notice:
        start = human_long(item.scheduled_for, config.zone) if item.scheduled_for else "when posted"
        end = human_long(item.scheduled_until, config.zone) if item.scheduled_until else "until ended"
        click.echo(f"shown     from {start} {'to ' + end if item.scheduled_until else end}")
    elif item.scheduled_for and item.scheduled_until:  # a maintenance's window
        click.echo(
            f"window    {human_long(item.scheduled_for, config.zone)} to {human_long(item.scheduled_until, config.zone)}"
        )
    if item.drill:
        click.echo(click.style("drill     yes: left out of the public site and the metrics", fg="cyan"))
    due = next_update_due(item, config)
    if due:
        late = overdue_by(item, config, now)
        if late:
            click.echo(
                click.style(
                    f"UPDATE OVERDUE by {duration(late)} (promised by {human_long(due, config.zone)})",
                    fg="red",
                    bold=True,
                )
            )
        else:
            click.echo(f"next      update due by {human_long(due, config.zone)}, in {duration(due - now)}")
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
            click.echo(f"{label:<9} {human_long(value, config.zone)}")
    if item.commander:
        click.echo(f"commander {item.commander}")
    for role, person in item.roles.items():
        click.echo(f"{role:<9} {person}")
    if item.runbooks:
        click.echo(f"runbooks  {', '.join(item.runbooks)}")
    if item.postmortem_path:
        click.echo(f"postmortem {item.id}.postmortem.md")
    click.echo()
    for entry in reversed(item.updates):
        flags = " (reopened)" if entry.reopened else " (moved back)" if entry.backward else ""
        click.echo(click.style(f"{human_long(entry.at, config.zone)}  {entry.stage.upper()}{flags}", bold=True))
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
    zone = get_config(ctx).zone
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
            f"(promised by {human(deadline, zone=zone)}): {incident.title}"
        )
    ctx.exit(1)


COMMANDS = [list_, show, due]
