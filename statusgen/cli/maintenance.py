"""Commands that move a maintenance: reschedule and cancel.

They parse options and print; the workflow itself (the lifecycle's checks, the message, the
file) is statusgen.authoring.incidents.
"""

from __future__ import annotations

import click

from statusgen.cli.context import edit_clock, get_config, parse_when, shown
from statusgen.cli.incidents import _commit, at_option, commit_option, next_option

template_option = click.option(
    "--template",
    "template_name",
    metavar="NAME",
    help="Take the message from this template (default: the maintenance's).",
)


@click.command(short_help="Move a maintenance's window and say so.")
@click.argument("maintenance")
@click.option("--start", "start_text", metavar="ISO", help="The window's new start (default: as it is).")
@click.option("--end", "end_text", metavar="ISO", help="The window's new end (default: as it is).")
@click.option("--message", "-m", help="Your own message instead of the template's 'rescheduled' one.")
@template_option
@click.option("--note", help="Internal note (never published).")
@at_option
@next_option
@commit_option
@click.pass_context
def reschedule(ctx, maintenance, start_text, end_text, message, template_name, note, at_text, next_minutes, commit):
    """Move the window of MAINTENANCE (its id, or any part of the id only it has) and post an
    update that announces the new window, in one write.

    Give --start, --end or both. The message is the template's 'rescheduled' one, with
    {window} the new window and {previous_window} the old one. The calendar event moves
    (its SEQUENCE goes up). A completed or cancelled maintenance cannot move, nor the start
    of one that has begun.

    \b
    Examples:
      statusgen reschedule 2026-12-03-database-upgrade --start 2026-12-10T02:00:00Z --end 2026-12-10T03:30:00Z
      statusgen reschedule 2026-12-03-database-upgrade --end 2026-12-10T05:30:00Z -m "The upgrade needs two more hours."
    """
    from statusgen.authoring import incidents
    from statusgen.authoring.messages import window_text
    from statusgen.sources.lookup import find_incident

    config = get_config(ctx)
    if not (start_text or end_text):
        raise click.UsageError("give the new window: --start ISO, --end ISO, or both")
    start, end = parse_when(ctx, start_text, "--start"), parse_when(ctx, end_text, "--end")
    path = find_incident(config, maintenance)
    posted = incidents.reschedule(
        config, path, clock=edit_clock(), start=start, end=end, at=parse_when(ctx, at_text), message=message,
        template_name=template_name, note=note or "", next_minutes=next_minutes,
    )  # fmt: skip
    incident = posted.incident
    window = incident.announced_window  # the one this update announced
    click.echo(
        f"{shown(path)}: rescheduled to {window_text(window, config.zone) if window else '?'}, {len(incident.updates)} updates"
    )
    if commit:
        _commit(config, path, posted.commit_message)


@click.command(short_help="Cancel a maintenance that has not started.")
@click.argument("maintenance")
@click.option("--message", "-m", help="Your own message instead of the template's 'cancelled' one.")
@template_option
@click.option("--note", help="Internal note (never published).")
@at_option
@commit_option
@click.pass_context
def cancel(ctx, maintenance, message, template_name, note, at_text, commit):
    """Cancel MAINTENANCE before it starts: a final update from the template's 'cancelled'
    message, marked `cancelled: true`. The page shows it cancelled, the calendar event is
    cancelled, and it never counts as downtime. A maintenance that has started is completed
    instead (`statusgen resolve`).

    \b
    Example:
      statusgen cancel 2026-12-03-database-upgrade -m "We no longer need this maintenance."
    """
    from statusgen.authoring import incidents
    from statusgen.sources.lookup import find_incident

    config = get_config(ctx)
    path = find_incident(config, maintenance)
    posted = incidents.cancel(
        config, path, clock=edit_clock(), at=parse_when(ctx, at_text), message=message, template_name=template_name,
        note=note or "",
    )  # fmt: skip
    click.echo(f"{shown(path)}: cancelled, {len(posted.incident.updates)} updates")
    if commit:
        _commit(config, path, posted.commit_message)


COMMANDS = [reschedule, cancel]
