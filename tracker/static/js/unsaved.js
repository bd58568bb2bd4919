// Forms marked data-warn-unsaved: leaving the page (a link, the back button, closing the tab) after
// changing a field asks first, so a focal point never loses typed work to a stray click. Sending the
// form itself does not ask. data-warn-unsaved="kept" marks a form the server sent back with what was
// typed (a save refused: 400 or 409): nothing of it is saved yet, so leaving asks even before a change.
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
  const unsaved = (form) => form.dataset.warnUnsaved === "kept" || snapshot(form) !== initial.get(form);
  window.addEventListener("beforeunload", (event) => {
    if (sending) return;
    if (forms.some(unsaved)) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need it set to show their own "leave this page?" prompt
    }
  });
})();

// Forms marked data-confirm (removing part of a plan): asked once before they are sent.
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});
