/* Refresh the ニュース速報 ticker and the breaking banner in place from their fragment
   endpoints, as the page loads and then every few seconds. Without this script both are
   current as of the page's render, which is the fallback. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.kishaWireTicker) { return; }
  window.kishaWireTicker = true;
  var seconds = Math.max(15, parseInt(script.dataset.seconds, 10) || 30);

  function swap(id, url) {
    var current = document.getElementById(id);
    if (!current) { return; }
    // no-cache: revalidate rather than reuse the browser's copy; a CDN still answers from its own.
    fetch(url, { credentials: "omit", cache: "no-cache", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var next = template.content.getElementById(id);
        // Unchanged: leave the page alone (no flicker, nothing a reader is pointing at moves).
        if (next && next.outerHTML === current.outerHTML) { return; }
        if (next) { current.replaceWith(next); } else if (!html.trim()) { current.remove(); }
      })
      .catch(function () { /* offline: keep what is shown */ });
  }

  function refresh() {
    if (document.hidden) { return; }
    swap("wire-ticker", script.dataset.tickerUrl);
    swap("wire-banner", script.dataset.bannerUrl);
  }

  // A page can come from a cache (Kisha's, Varnish's) hours after it was rendered, with the
  // ticker as it was then: bring it up to date at once. The fragments are cached too (30 s),
  // so this costs a cache hit, not a render.
  refresh();
  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
