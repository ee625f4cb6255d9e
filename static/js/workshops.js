/* Workshop screens: small enhancements on top of htmx. Everything works without them. */
(function () {
  "use strict";

  // A poll answered 304 means "what you show is current": keep it. Without this, htmx
  // would swap the empty 304 body into the screen.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 304) {
      event.detail.shouldSwap = false;
    }
  });

  // When a participant's screen changes (a decision opens, the answers are revealed, or
  // their answer is received), move focus to its heading so it is read out.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "participant-screen") {
      return;
    }
    // A form sent back with mistakes: go to the first field that needs fixing.
    var error = target.querySelector(".errorlist");
    var group = error && error.closest("fieldset, .field, form");
    var field = group && group.querySelector("input:not([type=hidden]), select, textarea");
    if (field) {
      field.focus();
      return;
    }
    var heading = target.querySelector("[data-focus-after-swap]");
    if (heading) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start", behavior: "auto" });
    }
  });

  // Countdowns: tick the seconds down from what the server drew, and when they run out,
  // fetch the screen afresh (not as a poll, so the server draws it and locks the room).
  // Each swap draws the countdown again from the server's clock, so phones never drift.
  var started = Date.now();
  document.addEventListener("htmx:afterSwap", function () { started = Date.now(); });
  window.setInterval(function () {
    var clocks = document.querySelectorAll(".countdown[data-seconds-left]");
    for (var i = 0; i < clocks.length; i += 1) {
      var clock = clocks[i];
      var left = Number(clock.getAttribute("data-seconds-left")) - Math.floor((Date.now() - started) / 1000);
      var shown = clock.querySelector(".countdown-left");
      if (left > 0) {
        var minutes = Math.floor(left / 60);
        var seconds = left % 60;
        shown.textContent = (minutes ? minutes + ":" + (seconds < 10 ? "0" : "") + seconds : seconds + " s");
        clock.classList.toggle("is-ending", left <= 10);
      } else if (!clock.hasAttribute("data-expired")) {
        clock.setAttribute("data-expired", "");
        shown.textContent = "0 s";
        var target = clock.getAttribute("data-refresh");
        // A moment after zero, past the grace for answers still on their way.
        window.setTimeout(function (target) {
          if (window.htmx && document.querySelector(target)) {
            window.htmx.ajax("GET", window.location.pathname, { target: target, swap: "innerHTML" });
          }
        }, 2500, target);
      }
    }
  }, 1000);

  // Keyboard shortcuts on the control screen: N opens the next decision, L locks,
  // R reveals. Ignored while typing, with modifier keys, or when the action is disabled.
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var target = event.target;
    if (target && target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    var key = (event.key || "").toLowerCase();
    if (key.length !== 1) {
      return;
    }
    var button = document.querySelector('button[data-shortcut="' + key + '"]');
    // One action at a time: while the last one is on its way, a second key press waits.
    var busy = button && button.form && button.form.classList.contains("htmx-request");
    if (button && !button.disabled && !busy) {
      event.preventDefault();
      button.click();
    }
  });
})();
