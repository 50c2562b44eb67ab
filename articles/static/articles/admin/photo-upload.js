// Batch upload with a progress bar: the form is sent by XHR so the browser can
// report how much has gone; the server's answer is then shown as usual.
(function () {
  "use strict";
  const form = document.querySelector("form[data-upload-progress]");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const files = form.querySelector("input[type=file]").files;
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    bar.hidden = false;
    status.textContent = "Sending " + files.length + " photo(s)…";
    form.querySelector("[type=submit]").disabled = true;
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      bar.max = progress.total;
      bar.value = progress.loaded;
      const share = Math.round((100 * progress.loaded) / progress.total);
      status.textContent = "Sending " + files.length + " photo(s): " + share + "%";
      if (progress.loaded === progress.total) {
        status.textContent = "Checking and storing " + files.length + " photo(s)…";
      }
    });
    request.addEventListener("load", function () {
      // The answer is the page to show: the new photos after a redirect (with
      // the one-time message), or this form with the reasons for refusal.
      if (request.responseURL && request.responseURL !== window.location.href) {
        window.history.replaceState(null, "", request.responseURL);
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.addEventListener("error", function () {
      status.textContent = "The upload failed (connection lost). Nothing was stored; try again.";
      form.querySelector("[type=submit]").disabled = false;
    });
    request.send(new FormData(form));
  });
})();
