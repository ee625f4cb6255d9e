/* Every page: when the server cannot take what was just sent, say so, instead of nothing.

   htmx leaves the page as it is when a request fails, which keeps what the person chose
   but tells them nothing. A 503 carries the server's own message ("briefly unavailable,
   not recorded, try again"); a request that never reached the server gets one of ours.
   The message stays until the next request goes through. */
(function () {
  "use strict";

  // The page gives the message in its own language (base.html); this is the fallback.
  var UNREACHABLE = "The server could not be reached, so what you just sent was not " +
    "recorded. Check your connection and try again in a moment.";

  function unreachable() {
    var box = region();
    return (box && box.dataset.unreachable) || UNREACHABLE;
  }

  function region() {
    return document.getElementById("connection-status");
  }

  function say(text) {
    var box = region();
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
  }

  function clear() {
    var box = region();
    if (box && !box.hidden) {
      box.hidden = true;
      box.textContent = "";
    }
  }

  function textOf(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    return (holder.content.textContent || "").replace(/\s+/g, " ").trim();
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 503) {
      event.detail.shouldSwap = false;
      say(textOf(xhr.responseText) || unreachable());
    }
  });

  document.addEventListener("htmx:sendError", function () {
    say(unreachable());
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) clear();
  });
})();

/* A "Copy" button beside a read-only field (data-copy names the field): hidden until this
   script runs, so a page without JavaScript shows only the field to select by hand. */
(function () {
  "use strict";

  function copy(button) {
    var field = document.querySelector(button.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = button.getAttribute("data-label"); }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.setAttribute("data-label", button.textContent);
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
