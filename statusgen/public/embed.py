"""``/embed/``: the status shown on a team's other sites.

Two ways, for two kinds of host page:

- ``embed/status.js`` (``embed.js`` beside this module, copied as it is): one ``<script async>``
  tag on any page. It reads the status site's own ``api/v2/summary.json`` (the same base URL
  as the script) and shows a dismissible banner while an incident or maintenance is in
  progress or a notice is shown, and nothing otherwise. Its words, in the site's language,
  are in ``embed/words.json`` beside it (the API stays English).
- ``embed/index.html``: for hosts that allow no scripts, a page to put in an ``<iframe>``:
  plain HTML and CSS rendered at build time from the projection, no JavaScript. It always
  says the overall status, and lists what is in progress.

Both show the same things: open incidents (most severe first), maintenance in progress and
the notices shown; the script finds them in the API, the page in the projection.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from statusgen.core.language import ENGLISH, N_, Language
from statusgen.views.public import PublicIncident, PublicStatus

SCRIPT_FILE = Path(__file__).with_name("embed.js")  # package data
SCRIPT_PATH = "embed/status.js"
WORDS_PATH = "embed/words.json"
PAGE_PATH = "embed/index.html"
TEMPLATE = "status/embed.html"
# The banner's words, by the key the script reads them with; a level's word is followed by
# the incident's title.
WORDS = {
    # Translators: the name of the status banner on a team's other sites, for screen readers.
    "region": N_("Service status"),
    # Translators: before an incident's title in the banner on a team's other sites.
    "critical": N_("Major outage:"),
    # Translators: before an incident's title in the banner on a team's other sites.
    "major": N_("Service disruption:"),
    # Translators: before an incident's title in the banner on a team's other sites.
    "minor": N_("Some services affected:"),
    "none": N_("Notice:"),
    # Translators: before a maintenance's title in the banner on a team's other sites.
    "maintenance": N_("Maintenance in progress:"),
    # Translators: a link to an incident that has no title, in the banner on a team's other sites.
    "details": N_("Details"),
    "dismiss": N_("Dismiss the status message"),
}


def in_progress(status: PublicStatus) -> tuple[PublicIncident, ...]:
    """What the banner and the framed page list: open incidents (most severe first), then
    maintenance in progress, then the notices shown."""
    return status.active_incidents + status.active_maintenance + status.notices


def words(language: Language = ENGLISH) -> str:
    """``embed/words.json``: the banner's words, language and direction."""
    text = {key: language.gettext(message) for key, message in WORDS.items()}
    data = {"lang": language.tag, "dir": language.direction, "text": text}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def embed_files(
    status: PublicStatus, env, incident_url: Callable[[str], str], language: Language = ENGLISH
) -> dict[str, str]:
    """Site path -> text of the script, its words and the framed page (rendered with the site's
    jinja ``env``, which holds the site's language; ``incident_url`` gives an incident page's
    site-relative URL)."""
    page = env.get_template(TEMPLATE).render(
        status=status,
        items=in_progress(status),
        link=lambda incident_id: "../" + incident_url(incident_id),
        home="../",
    )
    return {SCRIPT_PATH: SCRIPT_FILE.read_text(encoding="utf-8"), WORDS_PATH: words(language), PAGE_PATH: page}
