// A live article's page asks for updates published since the newest it shows,
// every few seconds while the tab is visible, and offers them as "n new
// updates". The address stays the same until the reader puts them in place, so
// that a poll finding nothing newer than the last answer gets a 304. The page
// without this script is complete.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch) return;
  var list = live.querySelector(".live__updates");
  var button = live.querySelector(".live__show");
  var seconds = Math.max(1, parseInt(live.dataset.pollSeconds, 10) || 15);
  var waiting = [];
  var waitingSince = null;
  var busy = false;

  function label() {
    var n = waiting.length;
    button.textContent = n + (n === 1 ? " new update" : " new updates");
    button.hidden = n === 0;
  }

  function poll() {
    if (document.hidden || busy) return;
    busy = true;
    var url = live.dataset.pollUrl + "?since=" + encodeURIComponent(live.dataset.since);
    fetch(url, { cache: "no-cache", credentials: "omit" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fragment = new DOMParser().parseFromString(html, "text/html");
        var found = fragment.querySelector(".live-new");
        if (!found) return;
        var fresh = Array.prototype.slice.call(found.querySelectorAll(".live-update"));
        waiting = fresh.filter(function (update) {
          return !document.getElementById(update.id);
        });
        if (waiting.length) waitingSince = found.dataset.since;
        label();
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  button.addEventListener("click", function () {
    var first = list.querySelector(".live-update:not(.live-update--pinned)");
    waiting.forEach(function (update) {
      var node = document.importNode(update, true);
      var old = document.getElementById(node.id);
      if (old) old.remove();
      list.insertBefore(node, first);
    });
    var none = list.querySelector(".live__none");
    if (none) none.remove();
    if (waitingSince) live.dataset.since = waitingSince;
    waiting = [];
    label();
  });

  setInterval(poll, seconds * 1000);
  document.addEventListener("visibilitychange", poll);
})();
