/* 人気ランキング: three plain lists become tabs (WAI-ARIA tabs pattern). The block is refreshed
   from /fragments/rankings/ when the page was served from a cache older than the fragment. */
(function () {
  "use strict";
  var FRESH_SECONDS = 30;

  function init(root, selectedIndex) {
    var panels = Array.prototype.slice.call(root.querySelectorAll("[data-rankings-panel]"));
    if (panels.length < 2 || root.querySelector("[role=tablist]")) return;
    var list = document.createElement("div");
    list.className = "rankings__tabs";
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", "集計期間");
    var tabs = panels.map(function (panel) {
      var title = panel.querySelector(".rankings__title");
      var tab = document.createElement("button");
      tab.type = "button";
      tab.className = "rankings__tab";
      tab.id = panel.id + "-tab";
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      tab.textContent = title ? title.textContent : panel.id;
      if (title) title.classList.add("visually-hidden");
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.tabIndex = 0;
      list.appendChild(tab);
      return tab;
    });

    function select(index, focus) {
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) tabs[index].focus();
      root.setAttribute("data-selected", String(index));
    }

    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { select(i, false); });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        select((next + tabs.length) % tabs.length, true);
      });
    });
    panels[0].parentNode.insertBefore(list, panels[0]);
    root.classList.add("rankings--tabs");
    select(selectedIndex || 0, false);
  }

  function refresh(root) {
    var at = parseInt(root.getAttribute("data-rankings-at"), 10) || 0;
    if (!window.fetch || Date.now() / 1000 - at < FRESH_SECONDS) return;
    fetch("/fragments/rankings/", { credentials: "omit" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        var fresh = template.content.querySelector("[data-rankings]");
        if (!fresh) return;
        var selected = parseInt(root.getAttribute("data-selected"), 10) || 0;
        root.replaceWith(fresh);
        init(fresh, selected);
      })
      .catch(function () {});
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-rankings]"), function (root) {
    init(root, 0);
    refresh(root);
  });
})();
