// Read the page aloud with the browser's speech synthesis (no server, no pop-up).
(function () {
  "use strict";
  function setup() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    var buttons = document.querySelectorAll("[data-read-aloud]");
    if (!("speechSynthesis" in window)) {
      buttons.forEach(function (b) { b.hidden = true; });
      return;
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var synth = window.speechSynthesis;
        if (synth.speaking) {
          synth.cancel();
          button.setAttribute("aria-pressed", "false");
          return;
        }
        var target = document.querySelector(button.getAttribute("data-read-aloud")) || document.body;
        var utterance = new SpeechSynthesisUtterance(target.innerText);
        utterance.lang = document.documentElement.lang === "en" ? "en-GB" : "zh-CN";
        utterance.rate = 0.9;
        utterance.onend = function () { button.setAttribute("aria-pressed", "false"); };
        button.setAttribute("aria-pressed", "true");
        synth.speak(utterance);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
