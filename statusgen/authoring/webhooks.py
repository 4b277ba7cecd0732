"""The wire of ``statusgen notify``: which webhooks are configured and whether their URLs can be
posted to, the POST itself (retries, no redirects, errors that never quote the URL), and Slack's
escaping of text and links."""

from __future__ import annotations

import http.client
import json
import os
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from statusgen.core.model import Config

TARGETS = {"webhook": "notify_webhook_env", "slack": "notify_slack_env"}


@dataclass(frozen=True)
class Target:
    """A configured webhook: the environment variable naming it, and its URL, or why it cannot
    be used (``problem``, which names the variable and never holds the URL)."""

    env_name: str
    url: str | None
    problem: str | None = None


def targets(config: Config, environ: Mapping[str, str] = os.environ) -> dict[str, Target]:
    """``{target: Target}`` for each configured webhook. A variable that is empty, or does not
    hold an http(s) URL statusgen can post to, gives a Target with a ``problem`` (naming the
    variable, never its value) instead of a URL."""
    found: dict[str, Target] = {}
    for target, option in TARGETS.items():
        name = getattr(config, option)
        if not name:
            continue
        url = environ.get(name, "").strip()
        if not url:
            problem = (
                f"mkdocs.yml: {option} names the environment variable {name}, which is not set or empty; "
                f"set it to the {target} URL (in CI: a repository secret of that name)"
            )
            found[target] = Target(name, None, problem)
            continue
        why = webhook_url_problem(url)
        if why is not None:
            found[target] = Target(name, None, f"the environment variable {name} does not hold a usable URL: {why}")
            continue
        found[target] = Target(name, url)
    return found


def webhook_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be posted to (never quoting it: it holds a secret), or None: it must
    be an http(s) URL with a host, of printable ASCII without whitespace, and no user name."""
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        return "it contains whitespace or a control character"
    if not url.isascii():
        return "it contains a character that is not ASCII; expected a URL with such characters percent-encoded"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "its host or port does not parse; expected a URL like https://hooks.example.com/..."
    if parts.scheme not in ("http", "https"):
        return "it is not an http(s) URL"
    if not parts.hostname:
        return "it has no host"
    if "@" in parts.netloc:
        return "it holds a user name or password; expected the secret in the path, as webhook URLs have it"
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:  # a webhook that redirects is not followed
        return None


def post(
    url: str,
    body: Mapping[str, Any],
    *,
    timeout: float,
    attempts: int,
    backoff: float,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """POST ``body`` as JSON; retry server errors, 429 and network errors with exponential backoff.
    Returns None when accepted, else why not (never containing the URL)."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    opener = urllib.request.build_opener(_NoRedirect)
    why = "not tried"
    for attempt in range(attempts):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        try:
            request = urllib.request.Request(
                url, data=data, method="POST", headers={"Content-Type": "application/json", "User-Agent": "statusgen"}
            )
        except ValueError as exc:
            return f"the URL was refused ({type(exc).__name__})"
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read(65536)
                if 200 <= response.status < 300:
                    return None
                why = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            why = f"HTTP {exc.code}"
            if exc.code < 500 and exc.code != 429:
                return why  # the request itself is wrong: retrying will not help
        except (TimeoutError, OSError, urllib.error.URLError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            why = (
                "timed out" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else type(reason).__name__
            )
        except ValueError as exc:  # a URL http.client cannot send (InvalidURL...): retrying will not help
            return f"the URL was refused ({type(exc).__name__})"
    return f"{why} after {attempts} attempt{'s' * (attempts != 1)}"


# -- Slack ----------------------------------------------------------------------------------------


# Characters that end or split a Slack link (<url|label>), or that no URL should hold.
_LINK_BREAKERS = frozenset("<>|\"'`")


def slack_link(site_url: str, incident_id: str) -> str | None:
    """The incident page's URL for a Slack link ``<url|label>``, made with urllib.parse from
    ``site_url``, with ``&`` escaped as Slack asks; None (no link) when ``site_url`` is not an
    http(s) URL with a host, or when the URL would hold a character that breaks the link."""
    if not site_url:
        return None
    try:
        parts = urllib.parse.urlsplit(site_url.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = parts.path.rstrip("/") + "/incidents/" + urllib.parse.quote(incident_id, safe="") + "/"
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    if any(char in _LINK_BREAKERS or char.isspace() or unicodedata.category(char)[0] == "C" for char in url):
        return None
    return slack_escape(url)


def slack_escape(text: str) -> str:
    """Slack's escaping: ``&``, ``<`` and ``>`` are its control characters (mentions such as
    ``<!channel>``, links ``<url|label>``), so text from an incident can never form one."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(text: str, limit: int) -> str:
    """``text`` escaped for Slack and cut to ``limit`` characters (with …), never inside an escape."""
    escaped = slack_escape(text)
    if len(escaped) <= limit:
        return escaped
    kept, size = [], 0
    for char in text:
        piece = slack_escape(char)
        if size + len(piece) > limit - 1:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept) + "…"
