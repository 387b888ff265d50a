/*
 * Code look-up boxes (occupation, ICD-10): the WAI-ARIA "combobox with list
 * autocomplete" pattern (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/).
 *
 * Progressive enhancement: the page works without this file, the box is a
 * plain text field and the server checks what is typed. With it, typing asks
 * the server (GET data-lookup?service=..&q=.., JSON) for matching codes;
 * Down/Up move through them, Enter or a click chooses one, Escape closes the
 * list (a second Escape clears the box). A box marked data-lookup-multiple
 * holds several codes separated by commas; the list offers codes for the last.
 * No inline script, no third-party code: runs under the strict CSP.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var counter = 0;

  function serviceOf(input) {
    if (input.dataset.lookupService) return input.dataset.lookupService;
    var field = input.form && input.form.elements.namedItem("service");
    return field ? field.value : "";
  }

  function enhance(input) {
    counter += 1;
    var id = input.id || "lookup-" + counter;
    var listbox = document.createElement("ul");
    listbox.id = id + "-listbox";
    listbox.className = "lookup-list";
    listbox.setAttribute("role", "listbox");
    var label = input.labels && input.labels.length ? input.labels[0].textContent : "";
    label = label.replace("(required)", "").trim();
    listbox.setAttribute("aria-label", (label ? label + ": " : "") + "matching codes");
    listbox.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    var chosen = document.createElement("p");
    chosen.className = "hint lookup-chosen";
    chosen.id = id + "-chosen";

    var wrapper = document.createElement("div");
    wrapper.className = "lookup";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(listbox);
    wrapper.appendChild(status);
    wrapper.appendChild(chosen);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    var described = (input.getAttribute("aria-describedby") || "").trim();
    input.setAttribute("aria-describedby", (described + " " + chosen.id).trim());

    var multiple = input.dataset.lookupMultiple === "true";
    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function term() {
      var value = input.value;
      if (!multiple) return value.trim();
      var parts = value.split(/[,;]/);
      return parts[parts.length - 1].trim();
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = listbox.children;
      for (var i = 0; i < options.length; i += 1) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var result = results[index];
      if (!result) return;
      if (multiple) {
        var parts = input.value.split(/[,;]/).map(function (p) { return p.trim(); });
        parts[parts.length - 1] = result.code;
        input.value = parts.filter(function (p) { return p; }).join(", ") + ", ";
      } else {
        input.value = result.code;
      }
      chosen.textContent = "Chosen: " + result.label;
      status.textContent = result.label + " chosen";
      close();
      input.focus();
    }

    function show(found) {
      results = found;
      listbox.textContent = "";
      found.forEach(function (result, index) {
        var option = document.createElement("li");
        option.id = listbox.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var code = document.createElement("span");
        code.className = "lookup-code";
        code.textContent = result.code;
        option.appendChild(code);
        option.appendChild(document.createTextNode(" " + result.title));
        if (result.detail) {
          var detail = document.createElement("span");
          detail.className = "hint";
          detail.textContent = " (" + result.detail + ")";
          option.appendChild(detail);
        }
        // mousedown, not click: choosing must not blur the box first.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        listbox.appendChild(option);
      });
      if (found.length) {
        listbox.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = found.length + (found.length === 1 ? " code matches" : " codes match") +
          "; use the up and down arrows to choose";
      } else {
        close();
        status.textContent = "No codes match";
      }
      active = -1;
    }

    function ask() {
      var text = term();
      if (text.length < 2) {
        results = [];
        close();
        return;
      }
      asked += 1;
      var mine = asked;
      var url = input.dataset.lookup + "?service=" + encodeURIComponent(serviceOf(input)) +
        "&q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (mine === asked) show(body.results || []); })
        .catch(function () { if (mine === asked) close(); });
    }

    input.addEventListener("input", function () {
      chosen.textContent = "";
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          if (results.length) show(results); else ask();
          return;
        }
        highlight(active + 1 < results.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        highlight(active > 0 ? active - 1 : results.length - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault(); // choose the code, do not send the form yet
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          chosen.textContent = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 0); });
  }

  function start() {
    var inputs = document.querySelectorAll("input[data-lookup]");
    for (var i = 0; i < inputs.length; i += 1) enhance(inputs[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
