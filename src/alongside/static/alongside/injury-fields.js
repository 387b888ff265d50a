/*
 * Injury details follow the injury type: the level and ASIA grade only for a
 * spinal cord injury, severity, GCS and PTA only for a brain injury, site and
 * side only for an amputation. Each detail input carries data-shown-for="<kind>";
 * the type select carries data-injury-category. Without JavaScript every field
 * shows, and the server clears the ones of another kind (core.injury_details).
 */
(function () {
  "use strict";

  function follow(select) {
    var form = select.form || document;
    var details = form.querySelectorAll("[data-shown-for]");
    for (var i = 0; i < details.length; i += 1) {
      var field = details[i].closest(".field") || details[i];
      field.hidden = details[i].dataset.shownFor !== select.value;
    }
  }

  function start() {
    var selects = document.querySelectorAll("select[data-injury-category]");
    for (var i = 0; i < selects.length; i += 1) {
      var select = selects[i];
      follow(select);
      select.addEventListener("change", function (event) { follow(event.target); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
