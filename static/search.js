// Search with Pagefind: the index for this page's language (from <html lang>), results linking to paragraphs.
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const form = input && input.form;
const LEADING = /^[\s\p{P}\p{S}]+/u;  // stray punctuation where an excerpt starts mid-sentence
let pagefind;

const normalize = (text) => text.toLowerCase().replace(/[\s\p{P}]+/gu, "");

// Pagefind's excerpt (escaped text with <mark> around the matches) without what it may repeat of the
// record's heading (the title; the window can start inside it) or leading punctuation. The characters
// are removed across the text and <mark> nodes.
function excerptNodes(data) {
  const box = document.createElement("span");
  box.innerHTML = data.excerpt;
  const text = box.textContent;
  const title = data.meta.title;
  const start = data.content.indexOf(text.slice(0, 16));
  let cut = title && data.content.startsWith(title) && start >= 0 && start < title.length ? title.length - start : 0;
  cut += (text.slice(cut).match(LEADING) || [""])[0].length;
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  while (cut > 0 && walker.nextNode()) {
    const node = walker.currentNode;
    const take = Math.min(cut, node.nodeValue.length);
    node.nodeValue = node.nodeValue.slice(take);
    cut -= take;
  }
  for (const mark of box.querySelectorAll("mark")) if (!mark.textContent) mark.remove();
  return box.childNodes;
}

// What is named exactly as the query comes first, whatever its score: a glossary term before an
// indicator, theme or page of that name; then the rest in Pagefind's order.
function exactFirst(results, query) {
  const wanted = normalize(query);
  const rank = (data) => {
    const gloss = data.content.slice(data.meta.title.length).replace(LEADING, "").split(" ")[0];  // 一区两群 in English
    const names = [data.meta.title, gloss].map(normalize);
    if (data.meta.kind === "document" || !names.includes(wanted)) return 2;
    return data.meta.kind === "term" ? 0 : 1;
  };
  return results.map((data, index) => [rank(data), index, data]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map((entry) => entry[2]);
}

// A paragraph's address with the searched words, which the document page marks (?hl=…#anchor).
function targetUrl(data, query) {
  const target = data.meta.target || data.url;  // the paragraph itself, not the record page
  if (data.meta.kind !== "document") return target;
  const [path, hash] = target.split("#");
  return `${path}?hl=${encodeURIComponent(query)}${hash ? "#" + hash : ""}`;
}

async function run(query) {
  pagefind = pagefind || await import("/pagefind/pagefind.js");
  const search = await pagefind.search(query);
  const found = search ? await Promise.all(search.results.slice(0, 30).map((r) => r.data())) : [];
  const results = exactFirst(found, query);
  list.replaceChildren(...results.map((data) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = targetUrl(data, query);
    const title = document.createElement("span");
    title.className = "result-title";
    title.textContent = data.meta.title;
    link.append(title);
    if (data.meta.section) {
      const section = document.createElement("span");
      section.className = "result-section";
      section.textContent = data.meta.section;
      link.append(" · ", section);
    }
    const excerpt = document.createElement("p");
    excerpt.append(...excerptNodes(data));
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
