/* "Mes messages": a second click on "Send" while the form is on its way
 * does nothing (the server also ignores a double submission).
 *
 * The button is disabled just after the submit event, not during it: a
 * button disabled in the handler would leave its name out of the form data.
 * Coming back to the page (the browser's back button) enables it again.
 */
(function () {
  "use strict";

  function guard(form) {
    var button = form.querySelector("button[name=send]");
    if (!button) {
      return;
    }
    form.addEventListener("submit", function (event) {
      if (button.disabled) {
        event.preventDefault();
        return;
      }
      window.setTimeout(function () {
        button.disabled = true;
        if (button.dataset.sendingLabel) {
          button.dataset.label = button.textContent;
          button.textContent = button.dataset.sendingLabel;
        }
      }, 0);
    });
    window.addEventListener("pageshow", function () {
      button.disabled = false;
      if (button.dataset.label) {
        button.textContent = button.dataset.label;
      }
    });
  }

  document.querySelectorAll("form.message-form").forEach(guard);
})();
