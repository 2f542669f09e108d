// The preview's live patch: served and put into pages by `build.py serve` only, never part of the site.
// When the preview announces a rebuild, this fetches the open page again and patches what changed into
// it instead of reloading it: the editor keeps the scroll position and the browser lays out only the
// changed part (a reload parses, styles and lays out the whole page again). Whatever it cannot patch
// safely falls back to livereload's full reload:
//   - the head or the <html> element changed (stylesheets, scripts, title, language);
//   - a changed part of the page is no longer as served (a script of the page or the reader changed it);
//   - elements were added, removed or replaced on a page whose script keeps references to its
//     elements (marked data-live="reload" on the <script>): only text and attributes are patched there.
// It runs first of the page's deferred scripts (it is put at the start of <head>), so the copy it keeps
// of the served page is taken before any script of the page has run.
(() => {
  "use strict";
  let served = document.documentElement.cloneNode(true);
  let queue = Promise.resolve();

  class Unsafe extends Error {}

  function attributes(element) {
    return Array.from(element.attributes, (a) => `${a.name}=${a.value}`).sort().join("\n");
  }

  function setAttributes(live, fresh) {
    for (const name of live.getAttributeNames()) if (!fresh.hasAttribute(name)) live.removeAttribute(name);
    for (const { name, value } of fresh.attributes) if (live.getAttribute(name) !== value) live.setAttribute(name, value);
  }

  // The head's elements as the server wrote them (livereload adds its script to the open page's head)
  function headOf(root) {
    return Array.from(root.querySelector("head").children)
      .filter((e) => !(e.localName === "script" && /\/livereload\.js\b/.test(e.getAttribute("src") || "")));
  }

  function sameHead(before, after) {
    const a = headOf(before), b = headOf(after);
    return attributes(before) === attributes(after) && a.length === b.length && a.every((e, i) => e.isEqualNode(b[i]));
  }

  // Apply the change from `before` (the page as served last) to `after` (as served now) to `live` (the
  // open page), which must be as served wherever the change falls.
  function patch(before, after, live, structural) {
    if (before.isEqualNode(after)) return;
    if (before.nodeType !== Node.ELEMENT_NODE || before.nodeName !== after.nodeName) {
      if (!before.isEqualNode(live)) throw new Unsafe("changed since served");
      if (before.nodeType === after.nodeType && before.nodeType !== Node.ELEMENT_NODE) {
        live.nodeValue = after.nodeValue;
      } else {
        if (!structural) throw new Unsafe("elements replaced");
        live.replaceWith(document.importNode(after, true));
      }
      return;
    }
    if (attributes(before) !== attributes(after)) {
      if (attributes(before) !== attributes(live)) throw new Unsafe("attributes changed since served");
      setAttributes(live, after);
    }
    const b = before.childNodes, a = after.childNodes, l = Array.from(live.childNodes);
    if (l.length !== b.length) throw new Unsafe("children changed since served");
    let start = 0;
    while (start < b.length && start < a.length && b[start].isEqualNode(a[start])) start++;
    let endB = b.length, endA = a.length;
    while (endB > start && endA > start && b[endB - 1].isEqualNode(a[endA - 1])) { endB--; endA--; }
    if (endB - start === endA - start) {  // as many nodes as before: patch them one by one
      for (let i = 0; start + i < endB; i++) patch(b[start + i], a[start + i], l[start + i], structural);
      return;
    }
    if (!structural) throw new Unsafe("elements added or removed");
    for (let i = start; i < endB; i++) if (!b[i].isEqualNode(l[i])) throw new Unsafe("changed since served");
    const next = l[endB] || null;
    for (let i = start; i < endB; i++) l[i].remove();
    for (let i = start; i < endA; i++) live.insertBefore(document.importNode(a[i], true), next);
  }

  // Each step is marked on the page's performance timeline (livepatch:…), for bench/reload.py
  async function update() {
    performance.mark("livepatch:start");
    const response = await fetch(location.href, { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) throw new Unsafe(`HTTP ${response.status}`);
    const text = await response.text();
    performance.mark("livepatch:fetched");
    const fresh = new DOMParser().parseFromString(text, "text/html").documentElement;
    performance.mark("livepatch:parsed");
    if (!sameHead(served, fresh)) throw new Unsafe("head changed");
    const structural = !served.querySelector('script[data-live="reload"]');
    patch(served.querySelector("body"), fresh.querySelector("body"), document.body, structural);
    served = fresh;
    performance.mark("livepatch:patched");
  }

  class LiveReloadPluginPatch {
    static identifier = "portal-live-patch";
    static version = "1.0";

    reload() {
      queue = queue.then(update).catch(() => location.reload());
      return true;  // handled: livereload does not reload the page itself
    }
  }

  window.LiveReloadPluginPatch = LiveReloadPluginPatch;  // found by livereload.js when it loads later
  if (window.LiveReload) window.LiveReload.addPlugin(LiveReloadPluginPatch);
})();
