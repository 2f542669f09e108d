// Indicator matrix: filter rows by name, by status and by the layer that states the indicator.
// The filters live in the query string (?q=…&status=…&layer=…): a filtered view can be shared, and the
// back button returns to the previous filter. The table is complete without this script; it only hides rows.
const table = document.querySelector("table.matrix");
const tools = document.querySelector(".matrix-tools");
if (table && tools) {
  const controls = { q: tools.querySelector("#matrix-filter"), status: tools.querySelector("#matrix-status"),
                     layer: tools.querySelector("#matrix-layer") };
  const count = tools.querySelector("#matrix-count");
  const rows = Array.from(table.querySelectorAll("tbody tr[data-indicator]"));

  const apply = () => {
    const words = controls.q.value.trim().toLowerCase();
    const status = controls.status.value;
    const layer = controls.layer.value;
    let shown = 0;
    for (const row of rows) {
      const visible = (!words || row.dataset.search.includes(words))
        && (!status || row.querySelector("[data-status]").dataset.status === status)
        && (!layer || row.dataset.layers.split(" ").includes(layer));
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    for (const body of table.tBodies) {
      body.hidden = !body.querySelector("tr[data-indicator]:not([hidden])");
    }
    count.textContent = count.dataset.template.replace("{shown}", shown).replace("{total}", rows.length);
  };

  // The query string of the current filters, without empty ones.
  const query = () => {
    const params = new URLSearchParams();
    for (const [name, control] of Object.entries(controls)) {
      const value = control.value.trim();
      if (value) params.set(name, value);
    }
    const text = params.toString();
    return text ? `?${text}` : location.pathname;
  };

  // The controls from the URL (unknown options are ignored: the select keeps "any").
  const restore = () => {
    const params = new URLSearchParams(location.search);
    for (const [name, control] of Object.entries(controls)) {
      const value = params.get(name) || "";
      if (control.tagName === "SELECT" && !Array.from(control.options).some((o) => o.value === value)) {
        control.value = "";
      } else {
        control.value = value;
      }
    }
    apply();
  };

  // Typing refines one history entry; a change of select, or typing after one, starts a new entry.
  let typing = false;
  const record = (fromTyping) => {
    apply();
    const target = query();
    const current = location.search || location.pathname;
    if (target === current) return;
    if (fromTyping && typing) history.replaceState(null, "", target);
    else history.pushState(null, "", target);
    typing = fromTyping;
  };
  controls.q.addEventListener("input", () => record(true));
  controls.status.addEventListener("change", () => record(false));
  controls.layer.addEventListener("change", () => record(false));
  tools.addEventListener("submit", (event) => event.preventDefault());
  window.addEventListener("popstate", () => { typing = false; restore(); });
  tools.hidden = false;
  restore();
}
