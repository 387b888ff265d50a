// The coding page: choose a passage of the transcript with the mouse or the keyboard,
// and write its offsets into the form's Start and End boxes (which work without this
// script too). Offsets count Unicode code points, as the server and REFI-QDA do.
(function () {
  "use strict";
  var region = document.getElementById("transcript-text");
  var form = document.getElementById("span-form");
  if (!region || !form) { return; }
  var startBox = form.querySelector("input[name=start]");
  var endBox = form.querySelector("input[name=end]");
  var preview = document.getElementById("selection-preview");
  var text = region.textContent;
  var points = Array.from(text); // one entry per code point
  var length = points.length;
  var anchor = null;
  var focus = null;

  function codePointsBefore(node, offset) {
    var range = document.createRange();
    range.setStart(region, 0);
    try { range.setEnd(node, offset); } catch (e) { return null; }
    return Array.from(range.toString()).length;
  }

  // The DOM position of a code-point offset: the text node and UTF-16 index in it.
  function domAt(target) {
    var walker = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
    var seen = 0;
    var node = walker.nextNode();
    var last = null;
    while (node) {
      var cps = Array.from(node.data);
      if (seen + cps.length >= target) {
        return { node: node, offset: cps.slice(0, target - seen).join("").length };
      }
      seen += cps.length;
      last = node;
      node = walker.nextNode();
    }
    return last ? { node: last, offset: last.data.length } : { node: region, offset: 0 };
  }

  function show() {
    var selection = window.getSelection();
    var a = domAt(anchor);
    var f = domAt(focus);
    selection.setBaseAndExtent(a.node, a.offset, f.node, f.offset);
    fill(Math.min(anchor, focus), Math.max(anchor, focus));
  }

  function fill(start, end) {
    if (end <= start) {
      preview.textContent = "No passage chosen yet.";
      return;
    }
    startBox.value = String(start);
    endBox.value = String(end);
    var chosen = points.slice(start, end).join("");
    var shown = chosen.length > 120 ? chosen.slice(0, 57) + " … " + chosen.slice(-57) : chosen;
    preview.textContent = "Chosen: characters " + start + " to " + end + ": \u201c" + shown + "\u201d";
  }

  function fromSelection() {
    var selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    if (!region.contains(range.commonAncestorContainer)) { return; }
    var a = codePointsBefore(selection.anchorNode, selection.anchorOffset);
    var f = codePointsBefore(selection.focusNode, selection.focusOffset);
    if (a === null || f === null) { return; }
    anchor = a;
    focus = f;
    fill(Math.min(a, f), Math.max(a, f));
  }

  function isWordChar(ch) { return /[\p{L}\p{N}'’-]/u.test(ch); }

  function wordStep(from, direction) {
    var at = from;
    if (direction > 0) {
      while (at < length && !isWordChar(points[at])) { at++; }
      while (at < length && isWordChar(points[at])) { at++; }
    } else {
      while (at > 0 && !isWordChar(points[at - 1])) { at--; }
      while (at > 0 && isWordChar(points[at - 1])) { at--; }
    }
    return at;
  }

  function lineStep(from, direction) {
    var at = from;
    if (direction > 0) {
      while (at < length && points[at] !== "\n") { at++; }
      return Math.min(length, at + 1);
    }
    if (at > 0 && points[at - 1] === "\n") { at--; }
    while (at > 0 && points[at - 1] !== "\n") { at--; }
    return at;
  }

  region.addEventListener("mouseup", fromSelection);
  region.addEventListener("focus", function () {
    if (focus === null) { anchor = 0; focus = 0; }
  });
  region.addEventListener("keydown", function (event) {
    var keys = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -2, ArrowDown: 2, Home: -3, End: 3 };
    if (event.key === "Escape") {
      anchor = focus;
      window.getSelection().collapse(domAt(focus).node, domAt(focus).offset);
      preview.textContent = "No passage chosen yet.";
      return;
    }
    if (!(event.key in keys)) { return; }
    event.preventDefault();
    if (focus === null) { anchor = 0; focus = 0; }
    var step = keys[event.key];
    var next = focus;
    if (Math.abs(step) === 1) {
      next = event.ctrlKey || event.altKey ? wordStep(focus, step) : focus + step;
    } else if (Math.abs(step) === 2) {
      next = lineStep(focus, step);
    } else {
      next = step > 0 ? length : 0;
    }
    focus = Math.max(0, Math.min(length, next));
    if (!event.shiftKey) { anchor = focus; }
    show();
  });
})();
