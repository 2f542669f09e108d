// Search with Pagefind: the index for this page's language (from <html lang>), results as you type,
// linking to paragraphs, each labelled with its kind, more on request.
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const form = input && input.form;
const LANG = document.documentElement.lang;
const KINDS = list ? JSON.parse(list.dataset.kinds) : {};
const PAGE = 20;         // results shown at a time; "More results" shows the next ones
const RANKED = 40;       // the first results, among which what is named as the query comes first
const DELAY = 200;       // ms after the last keystroke before searching
const LEADING = /^[\s\p{Pc}\p{Pd}\p{Pe}\p{Pf}\p{Po}\p{S}]+/u;  // stray punctuation where an excerpt starts
                                                              // mid-sentence (not an opening quote or bracket)
const IDEOGRAPH = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const SPACING = /\u200b/g;  // the Chinese index's word breaks (around each ideograph)
// Text in the other language, marked with its own lang: Chinese (ideographs and the punctuation between
// them) on the English page, English words (an indicator's English name, GDP) on the Chinese page.
const FOREIGN = LANG === "en"
  ? { lang: "zh-Hans", run: /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff](?:[\u3000-\u303f\uff00-\uffef\u2018-\u201d\s\d.%]*[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])*[\u3000-\u303f\uff00-\uffef]?/gu }
  : { lang: "en", run: /[A-Za-z][A-Za-z’'-]*[A-Za-z](?:[ ,]+[A-Za-z][A-Za-z’'-]*[A-Za-z])*/g };
let pagefind;
let current = null;  // the search on screen: {query, loaded, rest, total, shown}
let timer = 0;
let sequence = 0;    // a slower, older search never replaces a newer one

const normalize = (text) => text.toLowerCase().replace(SPACING, "").replace(/[\s\p{P}]+/gu, "");

// How the index is asked: the Chinese index holds one ideograph a word, so there a query holding Chinese
// asks for its characters as a phrase (every text holding the query), then, if none, for all of them.
function queries(query) {
  if (LANG === "en" || !IDEOGRAPH.test(query)) return [query];
  const spaced = query.replace(/([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/gu, " $1 ").replace(/\s+/g, " ").trim();
  return [`"${spaced}"`, spaced];
}

// Pagefind's excerpt (escaped text with <mark> around the matches) without the index's spacing, what it
// may repeat of the title (the window can start inside it) or leading punctuation; the characters are
// removed across the text and <mark> nodes. Text in the other language gets its lang.
function excerptNodes(data) {
  const box = document.createElement("span");
  box.innerHTML = data.excerpt;
  for (const node of textNodes(box)) node.nodeValue = node.nodeValue.replace(SPACING, "");
  const text = box.textContent;
  const content = data.content.replace(SPACING, "");
  const title = data.meta.title;
  const start = content.indexOf(text.slice(0, 16));
  let cut = title && content.startsWith(title) && start >= 0 && start < title.length ? title.length - start : 0;
  cut += (text.slice(cut).match(LEADING) || [""])[0].length;
  for (const node of textNodes(box)) {
    if (cut <= 0) break;
    const take = Math.min(cut, node.nodeValue.length);
    node.nodeValue = node.nodeValue.slice(take);
    cut -= take;
  }
  for (const mark of box.querySelectorAll("mark")) if (!mark.textContent) mark.remove();
  for (const node of textNodes(box)) markForeign(node);
  return box.childNodes;
}

function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

function markForeign(node) {
  const text = node.nodeValue;
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(FOREIGN.run)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const span = document.createElement("span");
    span.lang = FOREIGN.lang;
    span.textContent = match[0];
    parts.push(span);
    last = match.index + match[0].length;
  }
  if (!parts.length) return;
  if (last < text.length) parts.push(text.slice(last));
  node.replaceWith(...parts);
}

// What is named exactly as the query (in either language) comes first, whatever its score: a glossary
// term before an indicator, goal, disagreement or page of that name; then what is named with the query
// (a disagreement's title, a goal, an indicator's longer name); then the rest in Pagefind's order.
function namedFirst(results, query) {
  const wanted = normalize(query);
  const rank = (data) => {
    const names = JSON.parse(data.meta.names || "[]").map(normalize).filter(Boolean);
    if (data.meta.kind === "document" || !names.some((name) => name.includes(wanted))) return 3;
    if (!names.includes(wanted)) return 2;
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

function resultItem(data, query) {
  const item = document.createElement("li");
  const kind = document.createElement("span");
  kind.className = "result-kind";
  kind.textContent = KINDS[data.meta.kind] || KINDS.page;
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
  item.append(kind, " ", link);
  if (excerpt.textContent.trim()) item.append(excerpt);
  return item;
}

async function run(query) {
  const mine = ++sequence;
  query = query.trim();
  if (!query) {
    current = null;
    list.replaceChildren();
    more.hidden = true;
    status.textContent = "";
    return;
  }
  pagefind = pagefind || await import("/pagefind/pagefind.js");
  let found = [];
  for (const asked of queries(query)) {
    const search = await pagefind.search(asked);
    found = search ? search.results : [];
    if (found.length) break;
  }
  const head = await Promise.all(found.slice(0, RANKED).map((r) => r.data()));
  if (mine !== sequence) return;
  current = { query, loaded: namedFirst(head, query), rest: found.slice(RANKED), total: found.length, shown: 0 };
  list.replaceChildren();
  await showMore(false);
}

// The next page of results (the first when a search is new); with `focus`, the first new one is focused.
async function showMore(focus) {
  const shown = current;
  const wanted = Math.min(shown.shown + PAGE, shown.total);
  while (shown.loaded.length < wanted && shown.rest.length) {
    shown.loaded.push(...await Promise.all(shown.rest.splice(0, PAGE).map((r) => r.data())));
  }
  if (shown !== current) return;
  const items = shown.loaded.slice(shown.shown, wanted).map((data) => resultItem(data, shown.query));
  list.append(...items);
  shown.shown += items.length;
  more.hidden = shown.shown >= shown.total;
  const counts = status.dataset;
  status.textContent = !shown.total ? counts.none
    : shown.shown < shown.total ? counts.shown.replace("{shown}", shown.shown).replace("{count}", shown.total)
      : counts.count.replace("{count}", shown.total);
  if (focus && items.length) items[0].querySelector("a").focus();
}

function searchNow() {
  clearTimeout(timer);
  history.replaceState(null, "", input.value ? "?q=" + encodeURIComponent(input.value) : location.pathname);
  run(input.value);
}

if (form) {
  status.textContent = "";
  const query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; run(query); }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(searchNow, DELAY);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchNow();
  });
  more.addEventListener("click", () => showMore(true));
}
