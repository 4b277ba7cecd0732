"""Build the sites: validate first, then one real mkdocs build per site into a temporary
directory beside the target, put in place only when the build succeeded.

The old site stays untouched when validation or the build fails. A first build (or one over a
site holding anything but plain files and folders) swaps the new tree in whole. A rebuild over
an earlier build is incremental: pages whose inputs did not change are not rendered again
(statusgen/cache/pages.py, records in .statusgen-cache/), and the site is brought up to date
file by file: a changed file is moved in by rename, an unchanged one is left as it is (same
inode and mtime), a file the site no longer has is removed. Every file is whole at every
moment; while those renames run (milliseconds) a reader may see some pages new and some old. "now" is a parameter, and
SOURCE_DATE_EPOCH is set to it for the duration of the build so mkdocs' own dates (sitemap,
gzip headers) are reproducible too: two builds of the same input are byte-identical.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from statusgen.cache.pages import RenderCache, settle
from statusgen.core.errors import Problem, StatusgenError, ValidationError
from statusgen.core.model import SITES
from statusgen.render import fork
from statusgen.render.context import BuildContext
from statusgen.sources.config import CONFIG_FILE, load_config
from statusgen.sources.repository import load_repository

# Written into every site statusgen builds: a later build replaces only a directory holding it.
MARKER = ".statusgen-site"
MARKER_TEXT = "This directory was built by `statusgen build`, which replaces it on the next build.\n"


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
            target = Path(out) if len(sites) == 1 else Path(out) / site
            origin = f"--out: '{out}'" if len(sites) == 1 else f"--out: '{out}' (for the {site} site)"
        else:
            option = "public_dir" if site == "public" else "internal_dir"
            target = root / getattr(config, option)
            origin = f"{option} in {CONFIG_FILE}: '{getattr(config, option)}'"
        targets[site] = (target, origin)
    check_targets(root, config, targets)  # every target, before anything is written
    outputs = {site: target for site, (target, _) in targets.items()}
    # Two sites, two CPUs: the first is built in a forked child while this process builds the rest.
    beside = None
    if len(sites) > 1 and fork.available():
        first, sites = sites[0], sites[1:]
        beside = fork.Beside(lambda: _build_one(root, repo, now, first, outputs[first].resolve(), strict))
    try:
        for site in sites:
            _build_one(root, repo, now, site, outputs[site].resolve(), strict)
    finally:
        if beside is not None:
            beside.join()
    result.outputs.update(outputs)
    return result


def check_targets(root: Path, config, targets: dict[str, tuple[Path, str]], *, owned_only: bool = True) -> None:
    """Refuse any output directory a build could hurt: the repository, a folder that holds
    it, one inside a source folder, a file, a link, or (with ``owned_only``) a non-empty
    directory that holds no marker of an earlier statusgen build. Raises StatusgenError
    listing every refusal."""
    sources = {
        config.incidents_dir, config.runbooks_dir, config.templates_dir, "docs", "overrides", ".git", ".github",
    }  # fmt: skip
    refusals = []
    resolved = {}
    for site, (target, origin) in targets.items():
        real = Path(os.path.abspath(target))
        shown = origin
        if real.is_symlink() or any(p.is_symlink() for p in real.parents if p.is_relative_to(root)):
            refusals.append(f"{shown} is or passes through a symbolic link; expected a plain directory path")
            continue
        real = real.resolve()
        resolved[site] = real
        if real == root or root.is_relative_to(real):
            what = "is the repository" if real == root else "contains the repository"
            refusals.append(f"{shown} {what}; expected a directory of its own, like site/{site}")
            continue
        source = next((s for s in sorted(sources) if s and real.is_relative_to((root / s).resolve())), None)
        if source is not None:
            refusals.append(
                f"{shown} is inside the source folder '{source}'; expected a directory of its own, like site/{site}"
            )
            continue
        holds = next((s for s in sorted(sources) if s and (root / s).resolve().is_relative_to(real)), None)
        if holds is not None:
            refusals.append(
                f"{shown} holds the source folder '{holds}'; expected a directory of its own, like site/{site}"
            )
            continue
        if real.exists() and not real.is_dir():
            refusals.append(f"{shown} is a file; expected a directory")
        elif owned_only and real.is_dir() and any(real.iterdir()) and not (real / MARKER).is_file():
            refusals.append(
                f"{shown} is a non-empty directory that statusgen did not build (no {MARKER} in it); "
                "expected a new or empty directory, or one an earlier build wrote. Move its contents away first"
            )
    names = sorted(resolved)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            a, b = resolved[first], resolved[second]
            if a == b or a.is_relative_to(b) or b.is_relative_to(a):
                refusals.append(
                    f"the {first} and {second} sites would be written into each other ({a} and {b}); expected separate directories"
                )
    if refusals:
        raise StatusgenError("refusing to build:\n" + "\n".join(f"  {r}" for r in refusals) + "\nNothing was written.")


def _build_one(root: Path, repo, now: datetime, site: str, target: Path, strict: bool) -> None:
    import jinja2
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs_config
    from mkdocs.exceptions import Abort, MkDocsException

    target.parent.mkdir(parents=True, exist_ok=True)
    previous = _previous_files(target)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    cache = RenderCache(root, site, target)
    context = BuildContext(
        repo=repo, now=now, site=site, previous=target if previous is not None else None, records=cache
    )
    cfg = plugin = None
    try:
        with _docs_dir(root) as docs_dir, _source_date(now):
            cfg = load_mkdocs_config(
                config_file=str(root / CONFIG_FILE), site_dir=str(temp), docs_dir=str(docs_dir), strict=strict
            )
            plugin = _statusgen_plugin(cfg)
            plugin.use(context)
            build(cfg)
        (temp / MARKER).write_text(MARKER_TEXT)
        if previous is not None:
            _commit(temp, target, previous, kept=set(plugin.page_files))
        else:
            _swap(temp, target)
        settle(cache.new, target)
        cache.save()  # only now: the records describe the site as it now stands
    except (MkDocsException, Abort, jinja2.TemplateError) as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise _build_failure(exc, site, root, cfg, plugin) from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _build_failure(exc: Exception, site: str, root: Path, cfg, plugin) -> StatusgenError:
    """What a failed mkdocs build of ``site`` says to a person."""
    import jinja2

    if isinstance(exc, jinja2.TemplateError):  # a team's override that names a missing template, say
        from statusgen.render.theme_errors import describe

        custom_dir = cfg.theme.custom_dir if cfg is not None else None
        return StatusgenError(f"building the {site} site failed: {describe(exc, root, custom_dir)}")
    # mkdocs logs a plugin's error and raises a bare Abort: show the plugin's own message.
    return StatusgenError(f"building the {site} site failed: {getattr(plugin, 'failure', None) or exc}")


def _statusgen_plugin(cfg):
    """The statusgen plugin of a loaded mkdocs config; an error when mkdocs.yml does not enable it."""
    plugin = cfg.plugins.get("statusgen")
    if plugin is None:
        raise StatusgenError(f"{CONFIG_FILE}: the statusgen plugin is not enabled")
    return plugin


def _previous_files(target: Path) -> set[str] | None:
    """The files of an earlier build at ``target`` (relative paths), for an incremental build;
    None when there is none to build on: no target, no marker, or anything in it that is not a
    plain directory or a plain file (a link, say), which a full build then replaces whole."""
    if target.is_symlink() or not (target / MARKER).is_file():
        return None
    return _tree_files(target, plain_only=True)


def _tree_files(top: Path, *, plain_only: bool = False) -> set[str] | None:
    """Every file under ``top`` as a relative path (``a/b.html``). With ``plain_only``, None as
    soon as anything is neither a plain folder nor a plain file (a link, a FIFO)."""
    files = set()
    pending = [(top, "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if plain_only and entry.is_symlink():
                    return None
                if entry.is_dir(follow_symlinks=False):
                    pending.append((Path(entry.path), f"{prefix}{entry.name}/"))
                elif not plain_only or entry.is_file(follow_symlinks=False):
                    files.add(prefix + entry.name)
                else:
                    return None
    return files


def _commit(new: Path, target: Path, previous: set[str], kept: set[str]) -> None:
    """Bring ``target`` (an earlier build holding the files ``previous``) to the site built in
    ``new``, changing only what differs: a file with the same bytes is left as it is (same
    inode, same mtime), a new or changed one is moved in by rename (never half-written), a file
    the new site no longer has is removed. ``kept`` are pages the build left out of ``new``
    because the earlier build's file was already identical (DirectPages.previous)."""
    import filecmp

    fresh = _tree_files(new)
    assert fresh is not None  # without plain_only, every tree has its list
    kept = kept - fresh
    if not kept <= previous:  # a page reported as kept that the earlier build does not hold
        raise StatusgenError(f"incremental build lost track of {sorted(kept - previous)[:3]}; run the build again")
    for rel in sorted(fresh):
        source, dest = new / rel, target / rel
        if rel in previous and filecmp.cmp(source, dest, shallow=False):
            continue
        _make_dirs(target, rel)
        if dest.is_dir():
            shutil.rmtree(dest)
        os.replace(source, dest)
    wanted = fresh | kept
    gone = sorted(previous - wanted)
    for rel in gone:
        (target / rel).unlink(missing_ok=True)
    for rel in gone:  # then the folders that became empty, deepest first
        parent = (target / rel).parent
        while parent != target:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent
    shutil.rmtree(new, ignore_errors=True)


def _make_dirs(target: Path, rel: str) -> None:
    """Create the folders of ``rel`` under ``target``; a file of the earlier build standing
    where a folder now goes is removed."""
    folder = target
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if folder.is_file():
            folder.unlink()
        folder.mkdir(exist_ok=True)


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` at ``target``: two renames on one filesystem, the old tree removed last.
    ``check_targets`` has made sure an existing target is an earlier build (or empty)."""
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


def serve_site(root: Path, site: str, now: datetime | None, dev_addr: str, report: Callable[[str, bool], None]) -> None:
    """Serve ``site`` with live reload on ``dev_addr`` until interrupted: build it, then rebuild
    when an incident, the config, a runbook, docs/ or overrides/ change. ``now`` pins the clock
    (else each rebuild reads it). ``report(line, is_problem)`` is told where the site is served,
    each rebuild and its problems. While a rebuild fails every request gets the list of its
    problems, at once (statusgen/render/serve.py)."""
    import logging

    from mkdocs.livereload import _serve_url

    from statusgen.render.serve import LiveServer, ServeSession, changed_text, host_guard, is_loopback

    root = Path(root).resolve()
    config = load_config(root)
    watched = [root / CONFIG_FILE, config.incidents_path, root / config.runbooks_dir, root / "docs", root / "overrides"]
    session = ServeSession(site, root, [path for path in watched if path.exists()])
    docs_dir = root / "docs" if (root / "docs").is_dir() else session.staging()
    first = _served_config(root, session.site_dir, docs_dir, dev_addr)
    first.plugins.on_startup(command="serve", dirty=False)
    host, port = first.dev_addr
    mount_path = urlsplit(first.site_url or "/").path
    serve_url = _serve_url(host, port, mount_path)

    def builder(config=None) -> None:
        verb = "Rebuilt" if session.built or session.problems else "Built"
        what = changed_text(session.changes())
        start = time.perf_counter()
        try:
            warnings = rebuild_served(root, session, docs_dir, now, serve_url=serve_url, dev_addr=dev_addr)
        except Exception as exc:  # any failure: the server answers with it instead of hanging
            if isinstance(exc, ValidationError):
                problems = [str(problem) for problem in exc.problems]
            elif isinstance(exc, StatusgenError):
                problems = exc.message.splitlines()
            else:  # a fault of statusgen's own: its traceback too, for a bug report
                logging.getLogger("mkdocs.plugins.statusgen").exception("the rebuild failed")
                problems = [f"{type(exc).__name__}: {exc}"]
            session.failed(problems)
            count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}{f'; {what}' if what else ''}"
            report(
                f"The {site} site cannot be built ({count}). Every page lists the problems until they are fixed:", True
            )
            for line in problems:
                report(f"  {line}", True)
            return
        for warning in warnings:
            report(warning, True)
        report(f"{verb} the {site} site in {time.perf_counter() - start:.2f} s{f' ({what})' if what else ''}", False)

    listening = lambda url: report(f"Serving the {site} site on {url}", False)  # noqa: E731
    server = LiveServer(session, builder, (host, port), mount_path, listening)
    server.set_app(host_guard(server.serve_request, host, logging.getLogger("mkdocs.plugins.statusgen")))
    try:
        try:
            server.server_bind()  # before the first build: a busy port is said at once
        except OSError as exc:
            raise StatusgenError(
                f"cannot serve on {host}:{port}: {exc.strerror or exc}; expected a free port, choose one with --dev-addr"
            ) from None
        if not is_loopback(host):
            report(f"warning: other machines can reach {host}: anyone on its network can read the {site} site", True)
        builder()
        for path in session.watched:
            server.watch(str(path))
        server = first.plugins.on_serve(server, config=first, builder=builder)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        first.plugins.on_shutdown()
        shutil.rmtree(session.top, ignore_errors=True)


def rebuild_served(
    root: Path, session, docs_dir: Path, now: datetime | None, *, serve_url=None, dev_addr=None
) -> list[str]:
    """One rebuild of a served site: a whole mkdocs build into a folder of its own, then brought
    into ``session.site_dir`` (a ServeSession's) file by file, as `statusgen build` does: a
    page whose inputs did not change is not rendered again. Returns the loader's warnings not
    reported before. Raises StatusgenError (ValidationError: every problem) and leaves the
    served site as it was."""
    import jinja2
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    from statusgen.core.times import now_from

    now = now or now_from(None)
    repo, problems = load_repository(root, now=now, kept=session.incidents)
    if any(p.is_error for p in problems):
        raise ValidationError(problems)
    temp = session.staging()
    cfg = plugin = None
    try:
        cfg = _served_config(root, temp, docs_dir, dev_addr)
        if serve_url is not None:
            cfg.site_url = serve_url
        plugin = _statusgen_plugin(cfg)
        plugin.use(session.context(repo, now))
        build(cfg, serve_url=serve_url)
        previous = _tree_files(session.site_dir) if session.built else set()
        _commit(temp, session.site_dir, previous or set(), kept=set(plugin.page_files))
        settle(session.records.new, session.site_dir)
    except (MkDocsException, Abort, jinja2.TemplateError) as exc:
        raise _build_failure(exc, session.site, root, cfg, plugin) from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return session.succeeded([str(p) for p in problems])


def _served_config(root: Path, site_dir: Path, docs_dir: Path, dev_addr=None):
    from mkdocs.config import load_config as load_mkdocs_config

    options = {"dev_addr": dev_addr} if dev_addr else {}
    return load_mkdocs_config(
        config_file=str(root / CONFIG_FILE), site_dir=str(site_dir), docs_dir=str(docs_dir), **options
    )
