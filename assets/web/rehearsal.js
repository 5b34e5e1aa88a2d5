// The rehearsal (彩排) banner on every page of a room: "Rehearsal — not public. Orders are test orders."
// The relay renders it shown or hidden (#rehearsal-banner); then the watch page's feed (room.js) calls
// shopcastRehearsal.set on every change, and pages without the feed (the co-host guest page, the draw
// verification page: config.rehearsal_poll) ask the room API every few seconds.
(function () {
  "use strict";
  const banner = document.getElementById("rehearsal-banner");
  if (!banner) return;
  const config = JSON.parse(document.getElementById("shopcast-config").textContent);
  const state = { on: !banner.hidden, set: set };
  window.shopcastRehearsal = state;

  function set(on) {
    state.on = Boolean(on);
    banner.hidden = !state.on;
    document.body.classList.toggle("rehearsing", state.on);
  }
  set(state.on);

  const POLL_MS = 3000;
  if (config.rehearsal_poll && config.room) {
    const url = "/api/v1/rooms/" + encodeURIComponent(config.room);
    const poll = async function () {
      try {
        const response = await fetch(url, { cache: "no-store" });
        if (response.ok) {
          const info = await response.json();
          if (typeof info.rehearsal === "boolean") set(info.rehearsal);
        }
      } catch (e) { /* offline for a moment: keep what is shown */ }
      window.setTimeout(poll, POLL_MS);
    };
    window.setTimeout(poll, POLL_MS);
  }
})();
