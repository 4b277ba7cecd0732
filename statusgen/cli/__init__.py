"""The ``statusgen`` command line: a thin layer over the library, one module per command group.

Only click is imported at start-up; each command imports what it needs, so
``statusgen --help`` and ``statusgen update`` start fast.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from statusgen.cli import incidents, internal, maintenance, notices, overview, setup, site, templates, validate


class CheckedGroup(click.Group):
    """The top-level group: before any command runs, every argument passes the text rule
    (statusgen.core.text), so a control character typed or pasted into -t, -m or --note is refused
    with the option named, instead of surfacing later as a line of a rewritten file."""

    def parse_args(self, ctx, args):
        from statusgen.core.text import text_problem

        for index, arg in enumerate(args):
            problem = text_problem(arg)
            if problem is None:
                continue
            if arg.startswith("-") and "=" in arg:
                hint = arg.split("=", 1)[0]
            elif index and args[index - 1].startswith("-"):
                hint = args[index - 1]
            else:
                hint = f"argument {index + 1}"
            raise click.BadParameter(problem[1], ctx=ctx, param_hint=f"'{hint}'")
        return super().parse_args(ctx, args)


@click.group(cls=CheckedGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
      statusgen update latency --stage identified
      statusgen resolve latency --commit
    """
    from statusgen.core.errors import StatusgenError
    from statusgen.sources.config import find_root

    ctx.ensure_object(dict)
    ctx.obj["directory"] = directory or Path.cwd()
    ctx.obj["now_text"] = now_text
    # Commands read obj["root"]; when there is no repository, context.repo_root() explains that.
    with contextlib.suppress(StatusgenError):
        ctx.obj["root"] = find_root(ctx.obj["directory"])


def run() -> None:
    """The ``statusgen`` program: ``main`` in a process of its own, with the collector tuned for one."""
    from statusgen.cli.process import collect_less

    collect_less()
    main()


for _module in (incidents, maintenance, notices, overview, validate, templates, site, internal, setup):
    for _command in _module.COMMANDS:
        main.add_command(_command)
