/*
 * "Mes messages" in the admin's account menu (the guide's block at the top
 * right; in Wagtail, the menu under the user's name at the bottom of the
 * sidebar).
 *
 * Wagtail builds that menu without a hook, from the JSON of
 * #wagtail-sidebar-props. The server puts "Mes messages" (with the unread
 * count) in the main menu; this script, loaded with `defer`, runs once the
 * page is parsed and before DOMContentLoaded, when the sidebar reads its
 * props, and copies that item to the top of the account menu. If Wagtail
 * changes the props' shape, it does nothing: the main menu item stays.
 */
(function () {
  "use strict";
  var MAIN_NAME = "my-messages";
  var ACCOUNT_NAME = "account-my-messages";
  var ACCOUNT_ID = "alumni-account-my-messages";

  var script = document.getElementById("wagtail-sidebar-props");
  if (!script) return;
  var props;
  try {
    props = JSON.parse(script.textContent);
  } catch (error) {
    return;
  }

  // Telepath may give an object an "_id" to refer to it twice: a copy must
  // not define the same id again.
  function withoutIds(value) {
    if (Array.isArray(value)) return value.map(withoutIds);
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) {
        if (key !== "_id") copy[key] = withoutIds(value[key]);
      });
      return copy;
    }
    return value;
  }

  var changed = false;
  (props.modules || []).forEach(function (module) {
    if (!module || module._type !== "wagtail.sidebar.MainMenuModule") return;
    var args = module._args || [];
    var mainItems = args[0];
    var accountItems = args[1];
    if (!Array.isArray(mainItems) || !Array.isArray(accountItems)) return;
    var item = mainItems.find(function (candidate) {
      return (
        candidate &&
        candidate._type === "wagtail.sidebar.LinkMenuItem" &&
        candidate._args &&
        candidate._args[0] &&
        candidate._args[0].name === MAIN_NAME
      );
    });
    if (!item) return;
    var copy = withoutIds(item);
    var options = copy._args[0];
    options.name = ACCOUNT_NAME;
    options.attrs = Object.assign({}, options.attrs, { id: ACCOUNT_ID });
    accountItems.unshift(copy);
    changed = true;
  });
  if (changed) script.textContent = JSON.stringify(props);
})();
