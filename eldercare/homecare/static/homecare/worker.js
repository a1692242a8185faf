/* Worker's phone page: fill a check-in/out form's lon/lat from the browser's geolocation before it is sent.
   No inline scripts (CSP); without a position the form is still sent and the order is flagged "no_location". */
(function () {
  "use strict";
  var status = document.getElementById("geo-status");
  function say(text) { if (status) { status.textContent = text; } }
  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.located === "1" || !navigator.geolocation) { return; }
      event.preventDefault();
      say(form.dataset.locating || "…");
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("input[name=lon]").value = pos.coords.longitude.toFixed(6);
        form.querySelector("input[name=lat]").value = pos.coords.latitude.toFixed(6);
        form.dataset.located = "1";
        form.submit();
      }, function () {
        form.dataset.located = "1";
        form.submit();
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
    });
  });
})();
