// Document pages: a click on ¶ copies the paragraph's address (and still goes there), and a paragraph
// reached from search (?hl=words#anchor) has the searched words marked. The page works without this script.
const body = document.querySelector(".document-body");

function fragmentId(hash) {
  // "#%" or "#%E4" is no valid escape: decodeURIComponent throws, and the rest of the script would not run
  try {
    return decodeURIComponent(hash.slice(1));
  } catch (error) {
    return hash.slice(1);
  }
}

function copyLinks() {
  body.addEventListener("click", async (event) => {
    const link = event.target.closest("a.permalink");
    if (!link || !navigator.clipboard) return;
    const url = new URL(link.getAttribute("href"), location.href);
    url.search = "";
    try {
      await navigator.clipboard.writeText(url.href);
    } catch {
      return;  // no clipboard permission: the link still leads to the paragraph
    }
    link.dataset.copied = body.dataset.copied;
    link.classList.add("copied");
    setTimeout(() => link.classList.remove("copied"), 2000);
  });
}

function highlight(element, words) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement.closest("a.permalink, sup, mark")) nodes.push(walker.currentNode);
  }
  const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
  for (const node of nodes) {
    const text = node.nodeValue;
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      parts.push(text.slice(last, match.index));
      const mark = document.createElement("mark");
      mark.textContent = match[0];
      parts.push(mark);
      last = match.index + match[0].length;
    }
    if (parts.length) node.replaceWith(...parts, text.slice(last));
  }
}

if (body) {
  copyLinks();
  const words = (new URLSearchParams(location.search).get("hl") || "").split(/\s+/).filter((w) => w.length > 0);
  const target = location.hash && document.getElementById(fragmentId(location.hash));
  if (words.length && target) highlight(target, words);
}
