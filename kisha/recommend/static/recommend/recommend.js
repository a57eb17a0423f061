/* 今、あなたにオススメ, per reader. The page (cached, the same for everyone) shows the article's
   related list; this script remembers the reader's last reads in localStorage only (no cookie,
   nothing kept on the server), asks /api/recommend/ for a list built from them, and swaps each
   list in place, item for item, so nothing on the page moves. Slow (over TIMEOUT ms), failing or
   blocked: the related list simply stays. */
(function () {
  "use strict";
  var KEY = "kisha.recommend.history";
  var MAX = 20;
  var TIMEOUT = 1500;
  var block = document.querySelector("[data-recommend-page]");
  if (!block || !window.JSON || !window.fetch) return;
  var page = parseInt(block.getAttribute("data-recommend-page"), 10);
  if (!(page > 0)) return;

  function load() {
    try {
      var stored = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(stored) ? stored.filter(function (id) { return id > 0 && id % 1 === 0; }) : [];
    } catch (e) {
      return [];
    }
  }

  var history = [page].concat(load().filter(function (id) { return id !== page; })).slice(0, MAX);
  try { localStorage.setItem(KEY, JSON.stringify(history)); } catch (e) { /* private mode */ }

  function swap(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html; // same-origin HTML rendered by Kisha's own templates
    var parts = holder.querySelectorAll("[data-recommend-part]");
    Array.prototype.forEach.call(parts, function (fresh) {
      var name = fresh.getAttribute("data-recommend-part");
      var shown = document.querySelector(".recommend [data-recommend-part='" + name + "']");
      if (!shown) return;
      var count = shown.children.length;
      var items = fresh.querySelectorAll("li");
      if (!count || items.length < count) return; // a shorter list would move the page
      var list = document.createDocumentFragment();
      for (var i = 0; i < count; i++) list.appendChild(items[i]);
      shown.replaceChildren(list);
      shown.setAttribute("data-recommend-personal", "");
    });
  }

  var controller = window.AbortController ? new AbortController() : null;
  var timer = setTimeout(function () { if (controller) controller.abort(); }, TIMEOUT);
  fetch("/api/recommend/", {
    method: "POST",
    body: JSON.stringify({ history: history }),
    credentials: "omit",
    headers: { "Content-Type": "text/plain" },
    signal: controller ? controller.signal : undefined
  }).then(function (response) {
    return response.ok ? response.text() : "";
  }).then(function (html) {
    clearTimeout(timer);
    if (html) swap(html);
  }).catch(function () { clearTimeout(timer); });
})();
