// The viewer's identity in this browser, one for the watch and the replay pages (an order placed from
// the replay is the same viewer's as one placed live): a random id kept in localStorage (a fresh one
// each visit in private mode), and the helpers that make it.
(function () {
  "use strict";

  function stored(key, make) {
    let value = null;
    try { value = localStorage.getItem(key); } catch (e) { /* private mode */ }
    if (!value) {
      value = make();
      try { localStorage.setItem(key, value); } catch (e) { /* private mode */ }
    }
    return value;
  }
  const randomHex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
  window.shopcastIdentity = { stored: stored, randomHex: randomHex, viewerId: stored("shopcast.viewer", () => "v-" + randomHex(8)) };
})();
