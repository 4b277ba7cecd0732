"""``statusgen notice``: post a notice (news for customers that is not an incident) and end it."""

from __future__ import annotations

import click

from statusgen.cli.context import edit_clock, get_config, parse_when, shown


class NoticeGroup(click.Group):
    """``statusgen notice TEXT`` posts (the ``post`` command); ``statusgen notice end ID`` ends."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["post", *args]
        return super().parse_args(ctx, args)


@click.group(cls=NoticeGroup, short_help="Post a notice on the status page, or end one.")
def notice():
    """Post a notice: news for customers that is not an incident, shown at the top of the
    status page, in the feeds and in the API until it ends. It affects no component, has no
    severity and promises no update, so it never counts in uptime, metrics or `statusgen due`.

    TEXT is Markdown. The title is its first line unless --title gives one. The notice is
    shown from --from (default: now) until --until (default: until `statusgen notice end`).

    \b
    Examples:
      statusgen notice "Our phone line is down; please write to support@example.com." --until 2026-11-23T09:00:00Z
      statusgen notice end phone-line
    """


@notice.command(name="post", short_help="Post a notice (the default: `statusgen notice TEXT`).")
@click.argument("text")
@click.option("--title", "-t", help="The notice's title (default: the first line of TEXT).")
@click.option("--from", "from_text", metavar="ISO", help="Show it from this time (default: now).")
@click.option("--until", "until_text", metavar="ISO", help="Stop showing it at this time (default: until ended).")
@click.option("--commit", is_flag=True, help="Commit the new file with git.")
@click.pass_context
def post(ctx, text, title, from_text, until_text, commit):
    """Post a notice with TEXT (Markdown) as its message.

    \b
    Example:
      statusgen notice "We are migrating our support tool on Friday." --until 2026-11-28T18:00:00Z
    """
    from statusgen.authoring.notices import post_notice
    from statusgen.core.times import human

    config = get_config(ctx)
    written = post_notice(
        config,
        text,
        clock=edit_clock(),
        title=title,
        shown_from=parse_when(ctx, from_text, "--from"),
        until=parse_when(ctx, until_text, "--until"),
    )
    incident = written.incident
    click.echo(shown(written.path))
    start = f"from {human(incident.scheduled_for, zone=config.zone)}" if incident.scheduled_for else "from now"
    end = f"until {human(incident.scheduled_until, zone=config.zone)}" if incident.scheduled_until else "until ended"
    click.echo(f"posted notice {incident.id}: {incident.title} (shown {start} {end})", err=True)
    click.echo(f"end it: statusgen notice end {written.reference}", err=True)
    if commit:
        _commit(config, written.path, written.commit_message)


@notice.command(name="end", short_help="End a notice now.")
@click.argument("notice_ref", metavar="ID")
@click.option("--message", "-m", help="The last message (default: 'This notice has ended.').")
@click.option("--commit", is_flag=True, help="Commit the changed file with git.")
@click.pass_context
def end(ctx, notice_ref, message, commit):
    """End the notice ID now: it leaves the status page; its page, feed item and API entry say
    it has ended.

    \b
    Example:
      statusgen notice end support-tool
    """
    from statusgen.authoring.notices import end_notice
    from statusgen.sources.lookup import find_incident

    config = get_config(ctx)
    path = find_incident(config, notice_ref)
    written = end_notice(config, path, clock=edit_clock(), message=message)
    click.echo(f"{shown(path)}: {written.incident.stage}")
    if commit:
        _commit(config, path, written.commit_message)


def _commit(config, path, message) -> None:
    from statusgen.authoring.git import commit

    commit(config.root, path, message)
    click.echo(f"committed: {message}", err=True)


COMMANDS = [notice]
