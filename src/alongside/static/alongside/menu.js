/*
 * The site menu on a phone (issue 12, point 6): below 40rem the navigation and
 * the account links fold behind a "Menu" button, the WAI-ARIA disclosure
 * pattern (https://www.w3.org/WAI/ARIA/apg/patterns/disclosure/).
 *
 * Progressive enhancement: without this file the button stays hidden and the
 * menu stays open. With it, the button shows (CSS shows it only on narrow
 * screens), aria-expanded says whether the menu is open, and the stylesheet
 * hides the menu while it is "false". Enter/Space or a click toggles it;
 * Escape closes it and puts focus back on the button.
 * No inline script, no third-party code: runs under the strict CSP.
 */
(function () {
  "use strict";

  function start() {
    var button = document.querySelector(".menu-button[aria-controls]");
    if (!button) {
      return;
    }
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }
    var header = button.closest(".site-header") || document.body;

    function isOpen() {
      return button.getAttribute("aria-expanded") === "true";
    }

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }

    header.classList.add("has-menu");
    button.hidden = false;
    setOpen(false);

    button.addEventListener("click", function () {
      setOpen(!isOpen());
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !isOpen()) {
        return;
      }
      // Only when the button is showing (a narrow screen): on a wide one the menu never folds.
      if (button.offsetParent === null) {
        return;
      }
      var inside = menu.contains(document.activeElement) || document.activeElement === button;
      setOpen(false);
      if (inside) {
        button.focus();
      }
    });
  }

  // Loaded straight after the header (not deferred), so the button is already there and the
  // menu folds before the rest of the page is drawn; otherwise wait for the document.
  if (document.querySelector(".menu-button[aria-controls]") || document.readyState !== "loading") {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
