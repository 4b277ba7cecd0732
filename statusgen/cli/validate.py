"""``statusgen validate``: check every file a build reads (incidents, runbooks, postmortems,
alert rule files) and the message templates."""

from __future__ import annotations

from pathlib import Path

import click

from statusgen.cli.context import current_now, get_config, load_listings


@click.command(short_help="Check incidents, runbooks, postmortems and templates.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--alert-rules", "alert_rules", multiple=True, type=click.Path(exists=True, path_type=Path), metavar="PATH",
    help="A Prometheus rule file (or a directory of them) to check against the runbooks.",
)  # fmt: skip
@click.argument("more_rules", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="")
@click.pass_context
def validate(ctx, strict, alert_rules, more_rules):
    """Check every incident, runbook, postmortem, alert rule file and template; print each
    problem as path:line: message.

    Exits 1 when there are errors (or, with --strict, warnings). After --alert-rules, a shell
    glob of several rule files works: the files after the first are taken as rule files too.

    \b
    Examples:
      statusgen validate --strict
      statusgen validate --alert-rules prometheus/rules/*.yml
    """
    from statusgen.authoring.messages import load_templates
    from statusgen.sources.repository import check_documents

    if more_rules and not alert_rules:
        raise click.UsageError(f"unexpected {more_rules[0]}; to check Prometheus rule files, use --alert-rules FILE...")
    alert_rules = _rule_files([*alert_rules, *more_rules])

    listings, problems = load_listings()
    config = get_config()
    problems = [*problems, *load_templates(config)[1], *check_documents(config, listings, current_now(), alert_rules)]
    problems.sort(key=lambda p: (p.path, p.line, p.message))
    for problem in problems:
        click.echo(problem)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    summary = f"{len(listings)} incidents checked: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if errors or (strict and warnings):
        failing = errors + (warnings if strict else 0)
        click.echo(
            f"{summary}. Aborted with {failing} problem{'s' * (failing != 1)}{' (--strict)' if strict and warnings else ''}.",
            err=True,
        )
        ctx.exit(1)
    click.echo(summary, err=True)


def _rule_files(paths) -> list[Path]:
    """The rule files given, with each directory replaced by the *.yml and *.yaml files in it."""
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
        else:
            files.append(path)
    return list(dict.fromkeys(files))


COMMANDS = [validate]
