// Search with Pagefind: the index for this page's language (from <html lang>), results linking to paragraphs.
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const form = input && input.form;
let pagefind;

async function run(query) {
  pagefind = pagefind || await import("/pagefind/pagefind.js");
  const search = await pagefind.search(query);
  const results = search ? await Promise.all(search.results.slice(0, 30).map((r) => r.data())) : [];
  list.replaceChildren(...results.map((data) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = data.meta.target || data.url;  // the paragraph itself, not the record page
    link.textContent = data.meta.title + (data.meta.section ? " · " + data.meta.section : "");
    const excerpt = document.createElement("p");
    excerpt.innerHTML = data.excerpt;  // Pagefind's excerpt: escaped text with <mark> around the matches
    item.append(link, excerpt);
    return item;
  }));
  status.textContent = results.length ? status.dataset.count.replace("{count}", search.results.length) : status.dataset.none;
}

if (form) {
  status.textContent = "";
  const query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; run(query); }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
    run(input.value);
  });
}
