// The site's two menus without Bootstrap's JavaScript (and Popper): the menu behind the toggler on
// narrow screens, and the account menu. Without JavaScript the toggler's link opens the menu by its
// anchor (CSS :target) and the account link goes to the account page, which offers the same.
(function () {
  "use strict";

  function setOpen(control, panel, open) {
    panel.classList.toggle("show", open);
    control.setAttribute("aria-expanded", open ? "true" : "false");
  }

  var toggler = document.querySelector(".navbar-toggler[aria-controls]");
  var menu = toggler && document.getElementById(toggler.getAttribute("aria-controls"));
  if (menu) {
    toggler.addEventListener("click", function (event) {
      event.preventDefault();
      setOpen(toggler, menu, !menu.classList.contains("show"));
    });
    toggler.addEventListener("keydown", function (event) {
      if (event.key === " ") { // a link acts on Enter; a button, which it stands for, on Space too
        event.preventDefault();
        toggler.click();
      }
    });
  }

  document.querySelectorAll(".dropdown-toggle").forEach(function (link) {
    var item = link.parentElement;
    var list = item.querySelector(".dropdown-menu");
    if (!list) {
      return;
    }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      setOpen(link, list, !list.classList.contains("show"));
    });
    document.addEventListener("click", function (event) {
      if (!item.contains(event.target)) {
        setOpen(link, list, false);
      }
    });
    item.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && list.classList.contains("show")) {
        setOpen(link, list, false);
        link.focus();
      }
    });
  });
})();
