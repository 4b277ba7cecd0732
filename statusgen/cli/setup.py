"""CLI commands for adopting statusgen (init, schema, notify). Heavy imports stay inside the
commands so ``statusgen --help`` starts fast. cli.py adds every command in COMMANDS."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from statusgen.cli.context import current_now

DEFAULT_SITE_URL = "https://status.example.com/"


def _interactive() -> bool:
    return sys.stdin.isatty()


@click.command(short_help="Scaffold a new status repository.")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--company", help="Company name shown on the status page (default: the directory's name).")
@click.option("--site-url", metavar="URL", help=f"Public address of the status page (default: {DEFAULT_SITE_URL}).")
@click.option(
    "--component",
    "-c",
    "components",
    multiple=True,
    metavar="ID=NAME",
    help="A component customers see, like api='Public API'; repeat for more (default: api=API, web=Website).",
)
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Ask nothing: use the options given and defaults.")
@click.option(
    "--requirement",
    "requirement",
    metavar="SPEC",
    help="How CI installs statusgen, e.g. statusgen==1.2.0 or statusgen @ git+https://HOST/OWNER/statusgen@v1.2.0 "
    "(default: the way this statusgen was installed, when another machine can install it that way).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a directory that is not empty. Still never replaces a file: when one of the "
    "files init writes exists, it lists them and writes nothing.",
)
def init(directory, company, site_url, components, assume_yes, requirement, force):
    """Create a ready status repository in DIRECTORY (default: here).

    Writes mkdocs.yml (the plugin's options explained), an example resolved incident, an example
    runbook with its alert, an example message template, the GitHub workflow, a pre-commit
    config, .gitignore, requirements.txt (statusgen and everything it runs on, pinned) and a
    README for the team. On a terminal it asks for the company name, the address and the components that are
    not given as options; with --yes, or without a terminal, it asks nothing.

    DIRECTORY must be empty (a .git folder is fine) unless --force is given; even then init
    never replaces a file: if any file it would write exists, it names them all and stops
    without writing anything.

    \b
    Example:
      statusgen init status --company Acme -c api="Public API" -c web=Website --yes
    """
    from statusgen.authoring import init as scaffolding
    from statusgen.authoring.pins import statusgen_pin
    from statusgen.core.errors import StatusgenError, display_path

    obj = click.get_current_context().find_root().obj or {}
    base = obj.get("directory")  # -C DIR: as if run there
    directory = Path(directory) if base is None or Path(directory).is_absolute() else Path(base) / directory
    shown = display_path(directory, Path.cwd())
    scaffolding.check_target(directory, shown, force=force)
    ask = _interactive() and not assume_yes
    default_company = directory.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "Example"
    if company is None:
        company = click.prompt("Company name", default=default_company) if ask else default_company
    if site_url is None:
        site_url = click.prompt("Address of the status page", default=DEFAULT_SITE_URL) if ask else DEFAULT_SITE_URL
    parsed = [scaffolding.parse_component(text) for text in components]
    if not parsed and ask:
        click.echo("Components customers see, one per line as id=Name (like api=Public API); an empty line ends.")
        while True:
            default = "" if parsed else "api=API"
            text = click.prompt(f"Component {len(parsed) + 1}", default=default, show_default=bool(default))
            if not text.strip():
                break
            try:
                parsed.append(scaffolding.parse_component(text))
            except StatusgenError as exc:
                click.echo(f"  {exc.message}", err=True)
    if not parsed:
        parsed = list(scaffolding.DEFAULT_COMPONENTS)
    answers = scaffolding.Answers(company.strip(), site_url.strip(), tuple(parsed))
    pin = statusgen_pin(requirement)
    files = scaffolding.plan(answers, current_now(), pin)
    existing = scaffolding.conflicts(directory, files)
    if existing:
        raise StatusgenError(
            f"{shown}/ already has {', '.join(existing)}; init never replaces a file, so it wrote nothing. "
            "Move those aside, or init into a new directory and copy what you need."
        )
    written = scaffolding.write(directory, files)
    click.echo(f"Created a status repository in {shown}/ ({len(written)} files):")
    for rel in written:
        click.echo(f"  {rel}")
    if pin.problem:
        click.echo(f"\nwarning: requirements.txt does not pin statusgen yet: {pin.problem}.", err=True)
    click.echo(
        "\nNext:\n"
        f"  cd {shown}\n"
        "  statusgen validate --strict && statusgen build   # site/public/ and site/internal/\n"
        "  git init && git add -A && git commit -m 'Status repository'\n"
        "Push it to a PRIVATE repository: it holds internal notes. README.md says how the public site is published."
    )


def _config_or_none():
    """The config of the status repository here (or -C DIR), or None outside one."""
    obj = click.get_current_context().find_root().obj or {}
    if "root" not in obj:
        return None
    from statusgen.sources.config import load_config

    return load_config(obj["root"])


@click.command(short_help="Print the incident file's JSON Schema.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the schema to this file.")
@click.option(
    "--check",
    "check_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Exit 1 if this file is not the schema statusgen would write now (for pre-commit and CI).",
)
def schema(output, check_path):
    """Print the JSON Schema (draft 2020-12) of an incident file, for editors.

    Inside a status repository the schema knows its component ids and severities. Point an
    editor with the YAML language server at it with a first line like
    `# yaml-language-server: $schema=../../incident.schema.json` (files that `init` writes
    have it). It is made from the same field table the loader checks.

    \b
    Examples:
      statusgen schema -o incident.schema.json
      statusgen schema --check incident.schema.json
    """
    from statusgen.authoring.init import schema_is_current, schema_text, write_schema
    from statusgen.core.errors import StatusgenError

    text = schema_text(_config_or_none())
    if check_path is not None:
        if not schema_is_current(check_path, text):
            raise StatusgenError(f"{check_path} is out of date; run: statusgen schema -o {check_path}")
        click.echo(f"{check_path} is up to date", err=True)
    elif output is None:
        click.echo(text, nl=False)
    elif write_schema(output, text):
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(f"{output} is up to date", err=True)


@click.command(short_help="Post new updates to the team's webhooks.")
@click.option(
    "--since",
    "since",
    required=True,
    metavar="REV",
    help="Post the updates added after this commit (in CI: the push's previous commit).",
)
@click.option("--dry-run", is_flag=True, help="Print what would be posted; post and record nothing.")
@click.option("--timeout", type=click.FloatRange(0.1, 120), default=10, show_default=True, help="Seconds per request.")
@click.option(
    "--attempts", type=click.IntRange(1, 10), default=3, show_default=True, help="Tries per post before giving up."
)
@click.option(
    "--backoff",
    type=click.FloatRange(0, 60),
    default=2,
    show_default=True,
    help="Seconds before the first retry; doubles.",
)
def notify(since, dry_run, timeout, attempts, backoff):
    """Post each update added between REV and HEAD, once, to the webhooks named in mkdocs.yml.

    A generic JSON webhook (notify_webhook_env) and a Slack incoming webhook (notify_slack_env):
    each option names the environment variable holding the URL; the URL is never printed. Off
    unless one is set. Only public fields are posted, drills never. What was posted (and what a
    failed run could not post) is recorded in git notes (refs/notes/statusgen-notify): a re-run
    skips what was sent and posts what was missed. Exits 1 when a post failed, or a variable
    holds no usable URL (its updates then wait as pending). A REV no longer in the history (a
    force-push) falls back, with a warning, to the last commit notify recorded on.

    It also posts what the clock made due (the time is --now, else the clock): a reminder
    maintenance_reminder minutes (default 60) before a maintenance window starts, and a notice
    when a window starts and when it completes on its own, each once. The scheduled workflow
    runs `statusgen notify --since HEAD` for these.

    \b
    Examples, as the workflow runs it after a deploy, and a preview:
      statusgen notify --since "$BEFORE"
      statusgen notify --since HEAD --dry-run
    """
    from statusgen.authoring.notify import notify as run_notify
    from statusgen.cli.context import repo_root
    from statusgen.core.errors import StatusgenError
    from statusgen.sources.config import load_config

    root = repo_root()
    config = load_config(root)
    base = None if set(since) == {"0"} else since  # GitHub's "before" of a new branch
    if base is None:
        click.echo(f"--since {since}: no previous commit (a new branch); only pending updates are posted", err=True)
    outcome = run_notify(
        root, config, base, timeout=timeout, attempts=attempts, backoff=backoff, dry_run=dry_run,
        echo=lambda line: click.echo(line, err=True), now=current_now(),
    )  # fmt: skip
    if outcome.problems and not outcome.failed:
        waiting = len(outcome.skipped)
        raise StatusgenError(
            "; ".join(outcome.problems)
            + (f". {waiting} update{'s' * (waiting != 1)} recorded as pending in git notes" if waiting else "")
            + f". Sent: {len(outcome.sent)}."
            + (" The next run posts what is pending." if waiting else "")
        )
    if outcome.failed:
        failed = ", ".join(f"{key} to {target}" for key, target, _ in outcome.failed)
        failed_targets = {target for _, target, _ in outcome.failed}
        waiting = sum(1 for _, target in outcome.skipped if target in failed_targets)
        raise StatusgenError(
            (f"{'; '.join(outcome.problems)}; " if outcome.problems else "")
            + f"{len(outcome.failed)} post{'s' * (len(outcome.failed) != 1)} failed ({failed})"
            + (f"; {waiting} later update{'s' * (waiting != 1)} held back to keep the order" if waiting else "")
            + f". Sent: {len(outcome.sent)}. What was not sent is recorded as pending in git notes "
            "and is posted by the next run."
        )


@click.command("upgrade-pins", short_help="Pin requirements.txt to what is installed now.")
@click.option(
    "--requirement",
    "requirement",
    metavar="SPEC",
    help="How CI installs statusgen, e.g. statusgen==1.2.0 (default: the way this statusgen was installed).",
)
def upgrade_pins(requirement):
    """Rewrite the pins of requirements.txt (and the pre-commit hooks' statusgen) from what is
    installed now: statusgen, and every package it runs on at its exact version.

    Only the lines between the pins markers that init wrote change; lines of your own stay.

    \b
    Example, upgrading statusgen:
      python -m pip install --upgrade statusgen
      statusgen upgrade-pins
    """
    from statusgen.authoring.pins import upgrade_pins as run_upgrade
    from statusgen.cli.context import repo_root

    outcome = run_upgrade(repo_root(), requirement)
    for line in outcome.changed:
        click.echo(f"  {line}")
    hook = " and the pre-commit hooks" if outcome.hook_updated else ""
    moved = len(outcome.changed)
    click.echo(
        f"Pinned {outcome.pin.line} in requirements.txt{hook} ({moved} pin{'s' * (moved != 1)} changed).", err=True
    )
    if outcome.pin.problem:
        click.echo(f"warning: statusgen is not pinned yet: {outcome.pin.problem}.", err=True)


COMMANDS = [init, schema, notify, upgrade_pins]
