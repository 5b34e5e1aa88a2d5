// The viewer's identity on the room's pages: the relay's to say. The page came with a session (an
// HttpOnly cookie every call and the live feed carry) and the viewer's id in its config, the same on the
// watch and the replay pages (an order placed from the replay is the same viewer's as one placed live);
// plus helpers the pages share.
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
  const config = JSON.parse(document.getElementById("shopcast-config").textContent);
  window.shopcastIdentity = { stored: stored, randomHex: randomHex, viewerId: String(config.viewer || "") };
})();
