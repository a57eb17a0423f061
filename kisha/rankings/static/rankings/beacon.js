/* Kisha view beacon: one view per article page, sent after load. No cookie: the reader is a
   random id in localStorage, so a cached page counts like a fresh one. A prerendered page
   counts only if the reader actually opens it. */
(function () {
  "use strict";
  var el = document.querySelector("[data-rankings-page]");
  if (!el || !window.JSON) return;
  var page = parseInt(el.getAttribute("data-rankings-page"), 10);
  if (!(page > 0)) return;

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readerId() {
    try {
      var id = localStorage.getItem("kisha.reader");
      if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
        id = randomId();
        localStorage.setItem("kisha.reader", id);
      }
      return id;
    } catch (e) {
      return randomId(); // storage blocked: this view still counts once
    }
  }

  function send() {
    var body = JSON.stringify({ page: page, reader: readerId() });
    try {
      if (navigator.sendBeacon && navigator.sendBeacon("/api/views/", new Blob([body], { type: "text/plain" }))) return;
    } catch (e) { /* fall through to fetch */ }
    if (window.fetch) {
      fetch("/api/views/", { method: "POST", body: body, keepalive: true, credentials: "omit",
        headers: { "Content-Type": "text/plain" } }).catch(function () {});
    }
  }

  function afterLoad() {
    if (document.readyState === "complete") send();
    else window.addEventListener("load", send, { once: true });
  }

  if (document.prerendering) {
    document.addEventListener("prerenderingchange", afterLoad, { once: true });
  } else {
    afterLoad();
  }
})();
