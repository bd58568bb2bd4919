// Forms marked data-warn-unsaved: leaving the page (a link, the back button, closing the tab) after
// changing a field asks first, so a focal point never loses typed work to a stray click. Sending the
// form itself does not ask.
(function () {
  "use strict";
  const forms = Array.from(document.querySelectorAll("form[data-warn-unsaved]"));
  if (forms.length === 0) return;
  const snapshot = (form) => {
    const data = new FormData(form);
    data.delete("csrf_token");
    return JSON.stringify(Array.from(data.entries(), ([name, value]) => [name, value instanceof File ? value.name : value]));
  };
  const initial = new Map(forms.map((form) => [form, snapshot(form)]));
  let sending = false;
  forms.forEach((form) => form.addEventListener("submit", () => { sending = true; }));
  window.addEventListener("beforeunload", (event) => {
    if (sending) return;
    if (forms.some((form) => snapshot(form) !== initial.get(form))) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need it set to show their own "leave this page?" prompt
    }
  });
})();
