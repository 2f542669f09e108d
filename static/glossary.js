// Glossary: a filter box that hides the entries (and the index letters) without the typed words.
// The glossary is complete without this script.
const tools = document.querySelector(".glossary-tools");
if (tools) {
  const input = tools.querySelector("#glossary-filter");
  const count = tools.querySelector("#glossary-count");
  const entries = Array.from(document.querySelectorAll(".glossary-entry"));
  const groups = Array.from(document.querySelectorAll(".glossary-group"));
  const apply = () => {
    const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const entry of entries) {
      entry.hidden = !words.every((word) => entry.dataset.search.includes(word));
      if (!entry.hidden) shown += 1;
    }
    for (const group of groups) {
      group.hidden = !group.querySelector(".glossary-entry:not([hidden])");
      const link = document.querySelector(`.glossary-index a[href="#${group.id}"]`);
      if (link) link.parentElement.hidden = group.hidden;
    }
    count.textContent = count.dataset.template.replace("{shown}", shown).replace("{total}", entries.length);
  };
  input.addEventListener("input", apply);
  tools.hidden = false;
  apply();
}
