"""CLI commands of the sites (build, serve). Heavy imports (mkdocs, feedgen) stay inside the
commands so ``statusgen --help`` starts fast. cli/__init__.py adds every command in COMMANDS."""

from __future__ import annotations

from pathlib import Path

import click

from statusgen.cli.context import current_now, repo_root

SITE_CHOICES = ("public", "internal", "all")


@click.command(short_help="Validate, then build both sites.")
@click.option("--now", "now_text", metavar="ISO", help="Render as of this time (else SOURCE_DATE_EPOCH, else now).")
@click.option("--site", type=click.Choice(SITE_CHOICES), default="all", show_default=True, help="Which site to build.")
@click.option("--strict", is_flag=True, help="Treat warnings (from validation or mkdocs) as errors.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write here instead of public_dir/internal_dir (with --site all: OUT/public, OUT/internal).",
)
def build(now_text, site, strict, out):
    """Validate the incidents, then build the sites (public: site/public/ by default).

    Nothing is published when validation finds an error: every problem is printed and the
    command exits 1, leaving the previous site in place. Each site is built in a temporary
    directory and swapped in when complete. The same input and --now give the same bytes.

    \b
    Example:
      statusgen build --now 2026-11-22T16:00:00Z
      statusgen build --site public --strict
    """
    from statusgen.build import build_sites
    from statusgen.core.model import SITES

    root = repo_root()
    now = current_now(now_text)
    sites = SITES if site == "all" else (site,)
    result = build_sites(root, now, sites=sites, out=out, strict=strict)
    for problem in result.warnings:
        click.echo(str(problem), err=True)
    for name, path in result.outputs.items():
        click.echo(f"Built the {name} site in {_shown(path, root)}")


@click.command(short_help="Preview a site with live reload.")
@click.option("--now", "now_text", metavar="ISO", help="Render as of this time (else SOURCE_DATE_EPOCH, else now).")
@click.option("--site", type=click.Choice(SITE_CHOICES[:2]), default="public", show_default=True, help="Which site.")
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="IP:PORT",
    help="Where to listen. Only this machine reaches 127.0.0.1; another address lets others read the site.",
)
def serve(now_text, site, dev_addr):
    """Preview a site with live reload: it rebuilds when an incident file, mkdocs.yml, a
    runbook, docs/ or overrides/ change, and the open pages reload by themselves.

    It prints the address it serves, then a line per rebuild. While a file has a problem, every
    page answers with the list of problems (file:line: message) until a save fixes them.

    \b
    Example:
      statusgen serve --site public -a 127.0.0.1:8000
    """
    from statusgen.build import serve_site

    _serve_logging()
    pinned = now_text or (click.get_current_context().find_root().obj or {}).get("now_text")
    serve_site(
        repo_root(),
        site,
        current_now(now_text) if pinned else None,
        dev_addr,
        lambda line, err: click.echo(line, err=err),
    )


def _serve_logging() -> None:
    """mkdocs' warnings and errors on the terminal, one line each; its progress (each build,
    each browser that connects) left out: serve prints its own line per rebuild."""
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def _shown(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(path) + "/"


COMMANDS = [build, serve]
