"""``/embed/``: the status shown on a team's other sites.

Two ways, for two kinds of host page:

- ``embed/status.js`` (``embed.js`` beside this module, copied as it is): one ``<script async>``
  tag on any page. It reads the status site's own ``api/v2/summary.json`` (the same base URL
  as the script) and shows a dismissible banner while an incident or maintenance is in
  progress or a notice is shown, and nothing otherwise.
- ``embed/index.html``: for hosts that allow no scripts, a page to put in an ``<iframe>``:
  plain HTML and CSS rendered at build time from the projection, no JavaScript. It always
  says the overall status, and lists what is in progress.

Both show the same things: open incidents (most severe first), maintenance in progress and
the notices shown; the script finds them in the API, the page in the projection.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from statusgen.views.public import PublicIncident, PublicStatus

SCRIPT_FILE = Path(__file__).with_name("embed.js")  # package data
SCRIPT_PATH = "embed/status.js"
PAGE_PATH = "embed/index.html"
TEMPLATE = "status/embed.html"


def in_progress(status: PublicStatus) -> tuple[PublicIncident, ...]:
    """What the banner and the framed page list: open incidents (most severe first), then
    maintenance in progress, then the notices shown."""
    return status.active_incidents + status.active_maintenance + status.notices


def embed_files(status: PublicStatus, env, incident_url: Callable[[str], str]) -> dict[str, str]:
    """Site path -> text of the script and of the framed page (rendered with the site's jinja
    ``env``; ``incident_url`` gives an incident page's site-relative URL)."""
    page = env.get_template(TEMPLATE).render(
        status=status,
        items=in_progress(status),
        link=lambda incident_id: "../" + incident_url(incident_id),
        home="../",
    )
    return {SCRIPT_PATH: SCRIPT_FILE.read_text(encoding="utf-8"), PAGE_PATH: page}
