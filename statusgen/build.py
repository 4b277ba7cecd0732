"""Build the sites: validate first, then one real mkdocs build per site into a temporary
directory beside the target, swapped in only when the build succeeded.

The old site stays untouched when validation or the build fails. "now" is a parameter, and
SOURCE_DATE_EPOCH is set to it for the duration of the build so mkdocs' own dates (sitemap,
gzip headers) are reproducible too: two builds of the same input are byte-identical.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import parallel
from .config import CONFIG_FILE, load_config
from .errors import Problem, StatusgenError, ValidationError
from .loader import load_repository

SITES = ("public", "internal")


@dataclass
class BuildResult:
    """What a build produced: site name -> output directory, and the loader's warnings."""

    outputs: dict[str, Path] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


def build_sites(
    root: Path,
    now: datetime,
    sites: Iterable[str] = ("public", "internal"),
    out: Path | None = None,
    strict: bool = False,
) -> BuildResult:
    """Validate the repository at ``root``, then build each of ``sites``.

    Raises ValidationError (nothing written) when the loader reports errors, or with
    ``strict`` when it reports warnings. ``out`` overrides the target directory: the site
    itself when one site is built, else ``out/<site>``.
    """
    root = Path(root).resolve()
    config = load_config(root)
    repo, problems = load_repository(root, now=now, config=config)
    errors = [p for p in problems if p.is_error]
    if errors or (strict and problems):
        raise ValidationError(problems)
    result = BuildResult(warnings=problems)
    sites = list(dict.fromkeys(sites))
    for site in sites:
        if site not in SITES:
            raise StatusgenError(f"unknown site '{site}'; expected one of: {', '.join(SITES)}")
    targets = {}
    for site in sites:
        if out is not None:
            targets[site] = Path(out) if len(sites) == 1 else Path(out) / site
        else:
            targets[site] = root / (config.public_dir if site == "public" else config.internal_dir)
    # Two sites, two CPUs: the first is built in a forked child while this process builds the rest.
    beside = None
    if len(sites) > 1 and parallel.available():
        first, sites = sites[0], sites[1:]
        beside = parallel.Beside(lambda: _build_one(root, repo, now, first, targets[first].resolve(), strict))
    try:
        for site in sites:
            _build_one(root, repo, now, site, targets[site].resolve(), strict)
    finally:
        if beside is not None:
            beside.join()
    result.outputs.update(targets)
    return result


def _build_one(root: Path, repo, now: datetime, site: str, target: Path, strict: bool) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs_config
    from mkdocs.exceptions import Abort, MkDocsException

    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        with _docs_dir(root) as docs_dir, _source_date(now):
            cfg = load_mkdocs_config(
                config_file=str(root / CONFIG_FILE), site_dir=str(temp), docs_dir=str(docs_dir), strict=strict
            )
            plugin = cfg.plugins.get("statusgen")
            if plugin is None:
                raise StatusgenError(f"{CONFIG_FILE}: the statusgen plugin is not enabled")
            plugin.repo, plugin.now, plugin.site = repo, now, site
            build(cfg)
        _swap(temp, target)
    except (MkDocsException, Abort) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise StatusgenError(f"building the {site} site failed: {exc}") from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``: two renames on one filesystem, the old tree removed last."""
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


@contextmanager
def _docs_dir(root: Path):
    """``docs/`` when the repository has one, else an empty temporary directory."""
    if (root / "docs").is_dir():
        yield root / "docs"
        return
    with tempfile.TemporaryDirectory(prefix="statusgen-docs-") as empty:
        yield Path(empty)


@contextmanager
def _source_date(now: datetime):
    """Make mkdocs' own build date ``now`` (sitemap lastmod, gzip mtime)."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(now.timestamp()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
