/* statusgen: the status banner for a team's other sites.
 *
 *   <script src="(your status site)/embed/status.js" async></script>
 *
 * Reads api/v2/summary.json from the site this script comes from and, while an incident or a
 * maintenance is in progress or a notice is shown, puts a banner at the top of the page (or
 * inside an element with the attribute data-statusgen-status, when the page has one). Nothing
 * otherwise, and nothing when the status cannot be read. The banner lives in a shadow root, so
 * the page's styles do not reach it and its styles do not reach the page. Dismissed (its
 * button, or Escape), it stays away for the rest of the browser session, until another
 * incident, maintenance or notice begins. No dependency. Its words come from words.json beside
 * it, in the status site's language (with that language's direction); without them, no banner.
 */
(function () {
  "use strict";

  var RANK = { critical: 0, major: 1, minor: 2, maintenance: 3, none: 4 };
  var KEY = "statusgen-status-dismissed";

  var script = document.currentScript;
  if (!script || !script.src || !window.fetch) return;
  var site = new URL("../", script.src); // the script is at <site>/embed/status.js

  function open(summary) {
    var items = [];
    (summary.incidents || []).forEach(function (i) {
      // the API's open statuses (a closed incident is "resolved", or past that stage)
      if (["investigating", "identified", "monitoring"].indexOf(i.status) >= 0) items.push(item(i, i.impact));
    });
    (summary.scheduled_maintenances || []).forEach(function (m) {
      if (m.status === "in_progress" || m.status === "verifying") items.push(item(m, "maintenance"));
    });
    return items.sort(function (a, b) { return RANK[a.level] - RANK[b.level]; });
  }

  function item(incident, level) {
    var url = String(incident.shortlink || "");
    return {
      id: String(incident.id),
      name: String(incident.name || ""),
      level: RANK.hasOwnProperty(level) ? level : "minor",
      url: /^https?:/i.test(url) ? url : site.href
    };
  }

  function dismissed() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(ids) {
    try { sessionStorage.setItem(KEY, JSON.stringify(dismissed().concat(ids).slice(-50))); } catch (e) { /* private mode */ }
  }

  var CSS =
    ":host{all:initial;display:block}" +
    ".bar{display:flex;align-items:flex-start;gap:.75em;margin:0;padding:.6em .9em;" +
    "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;" +
    "background:#e7effb;border-bottom:3px solid #1d5fbf;text-align:start}" +
    ".bar.critical{background:#fbe3e3;border-color:#c21f1f}.bar.major{background:#fdeadf;border-color:#c24d00}" +
    ".bar.minor{background:#fdf4dc;border-color:#9a6b00}" +
    "ul{flex:1;margin:0;padding:0;list-style:none}li{margin:.1em 0}" +
    "strong{font-weight:700}a{color:inherit;text-decoration:underline}" +
    "button{flex:none;font:inherit;font-size:1.2em;line-height:1;width:1.8em;height:1.8em;" +
    "border:1px solid currentColor;border-radius:.3em;background:transparent;color:inherit;cursor:pointer}" +
    "button:focus-visible,a:focus-visible{outline:3px solid #1d5fbf;outline-offset:2px}";

  function show(items, words) {
    var TEXT = words.text;
    var host = document.createElement("div");
    host.setAttribute("data-statusgen-banner", "");
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    if (root.adoptedStyleSheets !== undefined && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet(); // not subject to the page's style-src, unlike a <style>
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = document.createElement("style");
      style.textContent = CSS;
      root.appendChild(style);
    }
    var bar = document.createElement("div");
    bar.className = "bar " + items[0].level;
    bar.lang = String(words.lang || "");
    bar.dir = words.dir === "rtl" ? "rtl" : "ltr";
    bar.setAttribute("role", "status");
    bar.setAttribute("aria-label", TEXT.region);
    var list = document.createElement("ul");
    items.forEach(function (entry) {
      var line = document.createElement("li");
      var kind = document.createElement("strong");
      kind.textContent = TEXT[entry.level];
      var link = document.createElement("a");
      link.href = entry.url;
      link.textContent = entry.name || TEXT.details;
      line.appendChild(kind);
      line.appendChild(document.createTextNode(" "));
      line.appendChild(link);
      list.appendChild(line);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.setAttribute("aria-label", TEXT.dismiss);
    close.textContent = "\u00d7";
    function dismiss() {
      remember(items.map(function (entry) { return entry.id; }));
      host.remove();
    }
    close.addEventListener("click", dismiss);
    bar.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Esc") dismiss();
    });
    bar.appendChild(list);
    bar.appendChild(close);
    root.appendChild(bar);
    var slot = document.querySelector("[data-statusgen-status]");
    if (slot) slot.appendChild(host);
    else document.body.insertBefore(host, document.body.firstChild);
  }

  function read(path) {
    return fetch(new URL(path, site).href, { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  Promise.all([read("api/v2/summary.json"), read("embed/words.json")])
    .then(function (both) {
      var summary = both[0], words = both[1];
      if (!summary || !words || !words.text) return;
      var seen = dismissed();
      var items = open(summary);
      if (!items.length || items.every(function (entry) { return seen.indexOf(entry.id) >= 0; })) return;
      if (document.body) show(items, words);
      else document.addEventListener("DOMContentLoaded", function () { show(items, words); });
    })
    .catch(function () { /* no status: no banner */ });
})();
