// The statistics form: under each breakdown, the sum of its categories beside the total, as typed.
(function () {
  "use strict";
  const count = (input) => {
    const text = (input.value || "").replace(/[\s,]/g, "");
    return /^[0-9]+$/.test(text) ? Number(text) : null;
  };
  const update = (fieldset) => {
    const output = fieldset.querySelector(".breakdown-sum");
    const total = document.getElementById(fieldset.dataset.total);
    const values = Array.from(fieldset.querySelectorAll("input.statistics-count")).map(count);
    const given = values.filter((v) => v !== null);
    if (!output || given.length === 0) {
      if (output) { output.textContent = ""; output.classList.remove("mismatch"); }
      return;
    }
    const sum = given.reduce((a, b) => a + b, 0);
    const expected = total ? count(total) : null;
    let text = `Categories add up to ${sum.toLocaleString("en")}`;
    if (expected !== null) text += ` of ${expected.toLocaleString("en")}`;
    if (given.length < values.length) text += ` (${values.length - given.length} blank)`;
    output.textContent = text + ".";
    output.classList.toggle("mismatch", expected !== null && sum !== expected);
  };
  const fieldsets = Array.from(document.querySelectorAll("fieldset.breakdown"));
  fieldsets.forEach((fieldset) => {
    update(fieldset);
    fieldset.addEventListener("input", () => update(fieldset));
  });
  document.querySelectorAll(".statistics-total input").forEach((total) => {
    total.addEventListener("input", () => fieldsets.filter((f) => f.dataset.total === total.id).forEach(update));
  });
})();
