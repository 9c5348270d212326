/* The "J'aime" button, progressively enhanced.
 *
 * Without JavaScript the form posts and the server redirects back to the news.
 * With it, the form posts in the background, asking for JSON; the answer
 * ({"liked": bool, "count": int, "label": "3 likes"}) updates the button's
 * aria-pressed state and the count, which is a polite live region. The form
 * sends the wanted state (liked=1 or 0), never "toggle": a double click likes
 * once. A visitor whose session ended is sent to the login page.
 */
(function () {
  "use strict";

  function enhance(form) {
    var button = form.querySelector("button[aria-pressed]");
    var wanted = form.querySelector("input[name=liked]");
    var count = form.querySelector("[data-like-count]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!button || !wanted || !count || !token || !window.fetch) {
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      form.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Accept": "application/json",
          "X-Requested-With": "XMLHttpRequest",
          "X-CSRFToken": token.value
        },
        body: new FormData(form)
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (result) {
          if (result.data.login_url) {
            window.location.assign(result.data.login_url);
            return;
          }
          if (!result.ok) {
            throw new Error(result.data.error || "like failed");
          }
          button.setAttribute("aria-pressed", result.data.liked ? "true" : "false");
          wanted.value = result.data.liked ? "0" : "1";
          count.textContent = result.data.label || String(result.data.count);
        })
        .catch(function () {
          // Let the server answer the ordinary way (redirect and message).
          form.submit();
        })
        .finally(function () {
          form.removeAttribute("aria-busy");
        });
    });
  }

  function init() {
    var forms = document.querySelectorAll("form[data-like-form]");
    for (var i = 0; i < forms.length; i += 1) {
      enhance(forms[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
