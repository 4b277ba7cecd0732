"""``statusgen templates``: list and show the message templates."""

from __future__ import annotations

import click

from statusgen.cli.context import get_config


@click.group(invoke_without_command=True, short_help="List the message templates.")
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
    from statusgen.authoring.messages import load_templates

    found, problems = load_templates(get_config(ctx))
    for problem in problems:
        click.echo(problem, err=True)
    for template in found.values():
        origin = "" if template.builtin else " (team)"
        click.echo(f"{template.name:<24} {template.kind:<12} {template.description}{origin}")


@templates.command(name="show", short_help="Print one template's messages.")
@click.argument("name")
@click.pass_context
def templates_show(ctx, name):
    """Print the messages of template NAME, stage by stage, with the follow-ups (posted when an
    update repeats a stage) and the placeholders a message may use.

    \b
    Example:
      statusgen templates show full-outage
    """
    from statusgen.authoring.messages import FOLLOW_UP, MAINTENANCE_MESSAGES, PLACEHOLDERS, find, load_templates

    found, _ = load_templates(get_config(ctx))
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
        follow_up = (template.follow_up or {}).get(stage)
        if follow_up or stage in FOLLOW_UP:
            origin = "" if follow_up else " (statusgen's)"
            click.echo(click.style(f"{stage}, follow-up{origin}", bold=True))
            for line in (follow_up or FOLLOW_UP[stage]).splitlines():
                click.echo(f"  {line}")
    for message, default in MAINTENANCE_MESSAGES.items() if template.kind == "maintenance" else ():
        own = template.messages.get(message)
        click.echo()
        click.echo(click.style(message if own else f"{message} (statusgen's)", bold=True))
        for line in (own or default).splitlines():
            click.echo(f"  {line}")
    click.echo()
    click.echo(click.style("placeholders", bold=True))
    for key, meaning in PLACEHOLDERS.items():
        click.echo(f"  {{{key}}}  {meaning}")


COMMANDS = [templates]
