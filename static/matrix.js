// Indicator matrix: filter rows by name, by 2024 status and by the layer that states a value.
// The table is complete without this script; it only hides rows.
const table = document.querySelector("table.matrix");
const tools = document.querySelector(".matrix-tools");
if (table && tools) {
  const search = tools.querySelector("#matrix-filter");
  const status = tools.querySelector("#matrix-status");
  const column = tools.querySelector("#matrix-column");
  const count = tools.querySelector("#matrix-count");
  const rows = Array.from(table.querySelectorAll("tbody tr[data-indicator]"));
  const apply = () => {
    const words = search.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const visible = (!words || row.dataset.search.includes(words))
        && (!status.value || row.querySelector("[data-status]").dataset.status === status.value)
        && (!column.value || row.dataset.columns.split(" ").includes(column.value));
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    for (const body of table.tBodies) {
      body.hidden = !body.querySelector("tr[data-indicator]:not([hidden])");
    }
    count.textContent = count.dataset.template.replace("{shown}", shown).replace("{total}", rows.length);
  };
  for (const control of [search, status, column]) control.addEventListener("input", apply);
  tools.hidden = false;
  apply();
}
