// The prep sheet's Print button: hidden until this script runs, so without JavaScript the page
// only shows how to print from the browser's menu.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
