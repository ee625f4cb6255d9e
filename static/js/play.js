/* Golden Hour play screens: the countdown, and two small htmx refinements.
 * Everything here is an enhancement: the pages work without it. No inline script, no eval. */
(function () {
  "use strict";

  function clock(seconds) {
    var total = Math.abs(seconds);
    var minutes = Math.floor(total / 60);
    var rest = total % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function spoken(seconds) {
    var total = Math.abs(seconds);
    var minutes = Math.floor(total / 60);
    var rest = total % 60;
    var parts = [];
    if (minutes) parts.push(minutes + (minutes === 1 ? " minute" : " minutes"));
    if (rest || !minutes) parts.push(rest + (rest === 1 ? " second" : " seconds"));
    return parts.join(" ");
  }

  /* The Golden Hour countdown. The server says how many seconds were left when it sent the
   * page (or the choices, swapped in by htmx); we count down from there on the monotonic
   * clock. The server, not this code, decides whether an answer was late. Screen readers
   * hear it at a few moments only. */
  function startCountdown(root) {
    if (root.hasAttribute("data-countdown-running")) return;
    root.setAttribute("data-countdown-running", "");
    var value = root.querySelector("[data-countdown-value]");
    var unit = root.querySelector("[data-countdown-unit]");
    var bar = root.querySelector(".countdown-bar");
    var announce = root.querySelector("[data-countdown-announce]");
    var budget = parseInt(root.getAttribute("data-budget"), 10);
    var startLeft = parseInt(root.getAttribute("data-seconds-left"), 10);
    if (isNaN(budget) || isNaN(startLeft)) return;
    var budgetWords = spoken(budget);
    var timeUp = root.getAttribute("data-time-up") || "Time is up. You can still answer.";
    var begun = performance.now();
    var shown = null;
    var timer = null;

    // Moments worth saying out loud: half time, 30 and 10 seconds left, and time up.
    var marks = [];
    if (budget >= 40) marks.push(Math.floor(budget / 2));
    if (budget > 45 && Math.floor(budget / 2) !== 30) marks.push(30);
    marks.push(10, 0);

    function say(text) {
      if (!announce) return;
      announce.textContent = "";
      window.setTimeout(function () { announce.textContent = text; }, 50);
    }

    function render(left) {
      value.textContent = (left < 0 ? "+" : "") + clock(left);
      unit.textContent = left > 0 ? "left of " + budgetWords : "over the " + budgetWords + " budget";
      if (bar) bar.value = Math.max(0, left);
      root.classList.toggle("is-low", left > 0 && left <= 10);
      root.classList.toggle("is-over", left <= 0);
    }

    function tick() {
      if (!root.isConnected) { stop(); return; }  // swapped away
      var left = startLeft - Math.floor((performance.now() - begun) / 1000);
      if (left === shown) return;
      var previous = shown === null ? startLeft + 1 : shown;
      shown = left;
      render(left);
      for (var i = 0; i < marks.length; i++) {
        var mark = marks[i];
        if (previous > mark && left <= mark && startLeft > mark) {
          say(mark === 0
            ? timeUp
            : spoken(mark) + " left.");
          break;
        }
      }
    }

    function stop(event) {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
      document.body.removeEventListener("answerRecorded", stop);
      var detail = (event && event.detail) || {};
      if (typeof detail.responseMs === "number") {
        var seconds = Math.round(detail.responseMs / 1000);
        value.textContent = clock(seconds);
        unit.textContent = detail.late
          ? "taken, " + clock(Math.max(0, seconds - budget)) + " over the " + budgetWords + " budget"
          : "taken, inside the " + budgetWords + " budget";
        root.classList.remove("is-low", "is-over");
        root.classList.add("is-done");
        root.classList.toggle("is-late", !!detail.late);
        if (bar) bar.hidden = true;
      }
    }

    tick();
    timer = window.setInterval(tick, 250);
    document.body.addEventListener("answerRecorded", stop);
  }

  function startCountdowns(within) {
    var found = within.querySelectorAll("[data-countdown]");
    for (var i = 0; i < found.length; i++) startCountdown(found[i]);
    if (within.matches && within.matches("[data-countdown]")) startCountdown(within);
  }

  startCountdowns(document);
  // "Turn to the choices" swaps the decision in with htmx: its clock starts here too.
  // The focus moves to the choices (autofocus); bring them up to just under the pinned clock,
  // so the first thing in view is the first question, not the end of the situation.
  document.addEventListener("htmx:load", function (event) {
    if (!event.target || !event.target.querySelectorAll) return;
    startCountdowns(event.target);
    var heading = event.target.querySelector("#answer-heading[autofocus]");
    if (heading) {
      window.requestAnimationFrame(function () { heading.scrollIntoView({ block: "start" }); });
    }
  });

  // The printable debrief offers a Print button once JavaScript can press it.
  var printButtons = document.querySelectorAll("[data-print]");
  for (var j = 0; j < printButtons.length; j++) {
    printButtons[j].hidden = false;
    printButtons[j].addEventListener("click", function () { window.print(); });
  }
})();
