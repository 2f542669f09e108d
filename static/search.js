// Search with Pagefind: the index for this page's language (from <html lang>), results linking to paragraphs.
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const form = input && input.form;
const LEADING = /^[\s\p{P}\p{S}]+/u;  // stray punctuation where an excerpt starts mid-sentence
let pagefind;

const normalize = (text) => text.toLowerCase().replace(/[\s\p{P}]+/gu, "");

// Pagefind's excerpt (escaped text with <mark> around the matches) without a leading repeat of the
// result's title or leading punctuation; the characters are removed across the text and <mark> nodes.
function excerptNodes(html, title) {
  const box = document.createElement("span");
  box.innerHTML = html;
  const text = box.textContent;
  let cut = title && text.startsWith(title) ? title.length : 0;
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

// A glossary entry whose term is exactly the query comes first, whatever its score.
function exactTermFirst(results, query) {
  const wanted = normalize(query);
  const exact = results.findIndex((data) => data.meta.kind === "term"
    && (normalize(data.meta.title) === wanted || normalize(data.content.split(" ")[0]) === wanted));
  return exact > 0 ? [results[exact], ...results.slice(0, exact), ...results.slice(exact + 1)] : results;
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
  const results = exactTermFirst(found, query);
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
    excerpt.append(...excerptNodes(data.excerpt, data.meta.title));
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
