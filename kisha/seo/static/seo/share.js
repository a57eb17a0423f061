/* Kisha share buttons: "URLコピー" copies the article's URL with the Clipboard API and says
   コピーしました in a live region. Without this script, or where the browser refuses the
   clipboard, the button stays what it is in the HTML: a link to the article, which a reader
   can copy with a long press or a right click. The other buttons are plain links. */
(function () {
  "use strict";
  var timer = null;

  function say(status, text) {
    if (!status) return;
    status.textContent = text;
    clearTimeout(timer);
    timer = setTimeout(function () { status.textContent = ""; }, 5000);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-share-copy]") : null;
    if (!link || !navigator.clipboard || !window.isSecureContext) return; // follow the link
    event.preventDefault();
    var status = document.getElementById("share-status");
    navigator.clipboard.writeText(link.href).then(
      function () { say(status, "コピーしました"); },
      function () { say(status, "コピーできませんでした。リンクを長押しするか右クリックしてコピーしてください。"); }
    );
  });
})();
