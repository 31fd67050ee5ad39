/*
 * Accessible markup for three Dash 4 core components, whose own markup fails axe-core
 * (dash 4.4.1; Dash serves every script in assets/ with the page).
 *
 * - dcc.RadioItems and dcc.Checklist wrap each native radio button or check box in a
 *   <label role="option"> inside a <div role="listbox">: an interactive control inside
 *   another (axe: nested-interactive) and a list box without a name
 *   (aria-input-field-name).  The native inputs already say what they are and the
 *   fieldset or group around them names them, so the list box and option roles go.
 * - dcc.Dropdown puts a focusable <input aria-hidden="true"> before its button and
 *   hands the focus on to the button (axe: aria-hidden-focus).  That input is hidden
 *   in style.css and the button itself is put in the Tab order.
 * - The dropdown button is named by its value alone, so its visible label is not part
 *   of its name.  The <label for="button id"> of the control is put first in its
 *   aria-labelledby, followed by the value and the count as they are shown
 *   (label-content-name-mismatch).
 *
 * Every change is idempotent; a MutationObserver applies it to whatever Dash renders.
 */
(function () {
  "use strict";

  function fixOptionLists(root) {
    root.querySelectorAll(".dash-options-list[role='listbox']").forEach(function (list) {
      list.removeAttribute("role");
      list.removeAttribute("aria-multiselectable");
    });
    root.querySelectorAll(
      ".dash-options-list-option[role='option'], .dash-options-list-option[aria-selected]"
    ).forEach(function (option) {
      option.removeAttribute("role");
      option.removeAttribute("aria-selected");
    });
  }

  function fixDropdowns(root) {
    root.querySelectorAll("button.dash-dropdown").forEach(function (button) {
      if (!button.disabled && button.getAttribute("tabindex") !== "0") {
        button.setAttribute("tabindex", "0");
      }
      var label = button.id ? document.querySelector("label[for='" + CSS.escape(button.id) + "']") : null;
      if (!label || !label.id) {
        return;
      }
      var parts = [label.id, button.id + "-value"];
      if (document.getElementById(button.id + "-value-count")) {
        parts.push(button.id + "-value-count");
      }
      var wanted = parts.join(" ");
      if (button.getAttribute("aria-labelledby") !== wanted) {
        button.setAttribute("aria-labelledby", wanted);
      }
    });
  }

  function fix() {
    fixOptionLists(document);
    fixDropdowns(document);
  }

  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        fix();
      });
    }
  }

  function start() {
    fix();
    new MutationObserver(schedule).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["role", "aria-selected", "tabindex", "aria-labelledby"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
