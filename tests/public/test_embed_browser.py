"""The status on other sites, in headless Chromium: ``/embed/status.js`` on a page of another
origin (a second 127.0.0.1 port) shows a banner while an incident is open and nothing when all
is operational, keeps the page's styles out, is usable by keyboard and stays dismissed for the
session; ``/embed/`` is a framed page that needs no JavaScript. The same built site shows its own
notice banner on its home page.

The status sites are served as GitHub Pages serves them, with ``Access-Control-Allow-Origin: *``
(the script reads the site's summary.json from the other origin); one is served without it, and
then no banner shows.
"""

from __future__ import annotations

import contextlib

import pytest
from conftest import INCIDENT, NOW, QuietHandler, require_chromium, serving, write_repo
from repos import PUBLIC_FILES

from statusgen.build import build_sites

pytestmark = pytest.mark.browser

ACTIVE_TITLE = "Website slow"  # the open SEV2 incident of PUBLIC_FILES
NOTICE = """\
id: 2026-11-22-phone
title: Phone support unavailable
kind: notice
updates:
  - at: 2026-11-22T09:00:00Z
    stage: posted
    message: Our phone line is down; please write to us.
"""
# A host page with styles that would restyle the banner if they could reach it.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>div, ul, li, a, strong, button {{ font-size: 40px !important; color: rgb(255, 0, 255) !important; }}</style>
</head><body><h1>Our shop</h1><p>Products.</p>
<script src="{src}" async></script></body></html>
"""


class _Pages(QuietHandler):
    """What GitHub Pages sends: every file readable from any origin."""

    def end_headers(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Base URLs: the busy site (an open incident), the calm site (nothing active), the busy
    site without the CORS header, and the host pages' own origin."""
    require_chromium()
    base = tmp_path_factory.mktemp("embed")
    busy = write_repo(base / "busy", {**PUBLIC_FILES, "incidents/2026/2026-11-22-phone.yaml": NOTICE})
    calm = write_repo(base / "calm", {"incidents/2026/2026-11-20-api-errors.yaml": INCIDENT})
    build_sites(busy, NOW, sites=("public",), out=base / "busy-site")
    build_sites(calm, NOW, sites=("public",), out=base / "calm-site")
    (base / "host").mkdir()
    with contextlib.ExitStack() as servers:
        urls = {
            name: servers.enter_context(serving(base / folder, handler))
            for name, folder, handler in (
                ("busy", "busy-site", _Pages),
                ("calm", "calm-site", _Pages),
                ("no-cors", "busy-site", QuietHandler),
                ("host", "host", QuietHandler),
            )
        }
        for name in ("busy", "calm", "no-cors"):
            (base / "host" / f"{name}.html").write_text(HOST_PAGE.format(src=urls[name] + "embed/status.js"))
        yield urls


def open_host(browser, servers, name: str):
    """A new tab on the host page that embeds the ``name`` site, once the script has read the
    status (or failed to)."""
    context = browser.new_context()
    page = context.new_page()
    with (
        page.expect_event("requestfinished", lambda r: r.url.endswith("summary.json"))
        if name != "no-cors"
        else _no_wait()
    ):
        page.goto(servers["host"] + f"{name}.html", wait_until="load")
    page.wait_for_timeout(300)  # the script renders right after the response; give it a moment
    return context, page


class _no_wait:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


BANNER = "[data-statusgen-banner]"


def banner_text(page) -> str | None:
    return page.evaluate(
        "s => { const h = document.querySelector(s); return h ? h.shadowRoot.querySelector('[role=status]').textContent : null; }",
        BANNER,
    )


def focused(page) -> str:
    """The element focused inside the banner's shadow root, as ``tag: text``."""
    return page.evaluate(
        "s => { const h = document.querySelector(s); const a = h && h.shadowRoot.activeElement;"
        " return a ? a.tagName + ': ' + (a.getAttribute('aria-label') || a.textContent) : ''; }",
        BANNER,
    )


def test_the_banner_shows_an_open_incident_on_another_origin(browser, servers, tmp_path):
    context, page = open_host(browser, servers, "busy")
    assert banner_text(page) is not None, "no banner"
    status = page.get_by_role("status")
    # The incident first, then the notice; the resolved incident and the upcoming maintenance not at all.
    assert status.get_by_role("listitem").all_inner_texts() == [
        f"Service disruption: {ACTIVE_TITLE}",
        "Notice: Phone support unavailable",
    ]
    link = status.get_by_role("link", name=ACTIVE_TITLE)
    assert link.get_attribute("href") == "https://status.acme.test/incidents/2026-11-22-web-slow/"
    # Above the page's own content, and none of the page's styles reach it.
    assert page.evaluate(f"document.body.firstElementChild.matches('{BANNER}')")
    size, colour = link.evaluate("a => [getComputedStyle(a).fontSize, getComputedStyle(a).color]")
    assert size == "14px" and colour != "rgb(255, 0, 255)"
    assert page.evaluate("getComputedStyle(document.querySelector('p')).fontSize") == "16px"  # nor ours the page's
    page.screenshot(path=str(tmp_path / "embed-banner.png"))

    # By keyboard: Tab reaches the links, then the close button; Enter on it dismisses.
    page.keyboard.press("Tab")
    assert focused(page) == f"A: {ACTIVE_TITLE}"
    page.keyboard.press("Tab")
    assert focused(page) == "A: Phone support unavailable"
    page.keyboard.press("Tab")
    assert focused(page) == "BUTTON: Dismiss the status message"
    page.keyboard.press("Enter")
    assert banner_text(page) is None
    # Dismissed for the session: a reload shows no banner for the same incident.
    page.reload(wait_until="load")
    page.wait_for_timeout(500)
    assert banner_text(page) is None
    context.close()


def test_escape_dismisses_the_banner(browser, servers):
    context, page = open_host(browser, servers, "busy")
    page.keyboard.press("Tab")
    assert focused(page).startswith("A: ")
    page.keyboard.press("Escape")
    assert banner_text(page) is None
    stored = page.evaluate("sessionStorage.getItem('statusgen-status-dismissed')")
    assert stored == '["2026-11-22-web-slow","2026-11-22-phone"]'
    context.close()


def test_no_banner_when_all_is_operational(browser, servers):
    context, page = open_host(browser, servers, "calm")
    assert banner_text(page) is None
    assert page.locator("body").inner_text().startswith("Our shop")
    context.close()


def test_without_the_cors_header_the_page_shows_nothing_and_breaks_nothing(browser, servers):
    context, page = open_host(browser, servers, "no-cors")
    page.wait_for_timeout(500)
    assert banner_text(page) is None
    context.close()


def test_the_framed_page_needs_no_javascript(browser, servers):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.goto(servers["host"] + "busy.html")  # any page of the other origin
    page.set_content(f'<iframe title="Status" src="{servers["busy"]}embed/" width="400" height="120"></iframe>')
    frame = page.frame_locator("iframe")
    frame.locator("main").wait_for()
    assert frame.locator("h1").inner_text() == "Partial System Outage"
    assert frame.locator("li").all_inner_texts() == [f"Incident {ACTIVE_TITLE}", "Notice Phone support unavailable"]
    assert frame.get_by_role("link", name=ACTIVE_TITLE).get_attribute("target") == "_blank"
    assert frame.locator("script").count() == 0
    # Its one <style> is allowed by the policy: the level's border colour applies.
    assert frame.locator("main").evaluate("m => getComputedStyle(m).borderLeftStyle") == "solid"
    assert not [p for p in problems if "Content Security Policy" in p], problems
    context.close()


def test_the_status_site_shows_the_notice_as_a_banner_under_the_overall_status(browser, servers, tmp_path):
    """The busy site's own home page (built from the same repository), as a customer sees it."""
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    page.goto(servers["busy"], wait_until="load")
    notice = page.locator(".sg-notice")
    assert notice.is_visible()
    assert notice.get_by_role("heading", name="Notice: Phone support unavailable").is_visible()
    style = notice.evaluate("n => [getComputedStyle(n).borderLeftStyle, getComputedStyle(n).display]")
    assert style == ["solid", "flex"]  # the theme's stylesheet styles it
    overall, top = page.locator(".sg-banner").bounding_box(), notice.bounding_box()
    active = page.get_by_role("heading", name="Active incidents").bounding_box()
    assert overall and top and active and overall["y"] < top["y"] < active["y"]
    page.screenshot(path=str(tmp_path / "home-with-notice.png"))
    context.close()
