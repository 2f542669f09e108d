// Keep the paragraph: links marked data-keep-fragment (the language switch, the links between a document
// and its parallel view) carry the #anchor the reader is at; the anchors are the same in every version.
// Without JavaScript the links still work and land at the top of the page.
function fragmentId(hash) {
  // "#%" or "#%E4" is no valid escape: decodeURIComponent throws, and the rest of the script would not run
  try {
    return decodeURIComponent(hash.slice(1));
  } catch (error) {
    return hash.slice(1);
  }
}

function keepFragment() {
  const hash = window.location.hash;
  const known = hash.length > 1 && document.getElementById(fragmentId(hash));
  for (const link of document.querySelectorAll("a[data-keep-fragment]")) {
    const base = link.getAttribute("href").split("#")[0];
    link.setAttribute("href", known ? base + hash : base);
  }
}
keepFragment();
window.addEventListener("hashchange", keepFragment);
