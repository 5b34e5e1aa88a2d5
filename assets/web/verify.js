// Recomputes a lucky draw from what the relay published, in the viewer's own browser.
(async function () {
  "use strict";
  const config = JSON.parse(document.getElementById("shopcast-config").textContent);
  const t = JSON.parse(document.getElementById("shopcast-strings").textContent);
  const $ = (id) => document.getElementById(id);
  const response = await fetch("/api/v1/rooms/" + encodeURIComponent(config.room) + "/draws/" + encodeURIComponent(config.draw));
  const draw = await response.json();
  const result = { done: false };
  window.shopcastVerify = result;
  if (!response.ok) {
    $("status").textContent = draw.message || response.statusText;
    result.done = true;
    return;
  }
  $("prize").textContent = draw.prize;
  $("rule").textContent = draw.algorithm;
  $("hash").textContent = draw.seed_hash;
  if (draw.status !== "closed") {
    $("status").textContent = t.verify_open;
    result.done = true;
    return;
  }
  $("seed").textContent = draw.seed;
  const hashOk = (await window.sha256Hex(draw.seed)) === draw.seed_hash;
  $("hash-check").textContent = hashOk ? "✓ " + t.verify_hash_ok : "✗ " + t.verify_hash_bad;
  // Entries are tickets, sha256(salt + ":" + viewer id): nobody's id is published; this viewer's own
  // salt (from /me, with the page's session) finds their ticket in the list.
  let mine = null;
  try {
    const me = await fetch("/api/v1/rooms/" + encodeURIComponent(config.room) + "/me");
    if (me.ok) {
      const body = await me.json();
      const entry = (body.draw_tickets || {})[config.draw];
      if (entry && (await window.sha256Hex(entry.salt + ":" + body.viewer_id)) === entry.ticket) mine = entry.ticket;
    }
  } catch (e) { /* no session: nothing of one's own to find */ }
  const tickets = draw.entrant_list.map((e) => e.ticket);
  const short = (ticket) => ticket.slice(0, 12) + "…";
  $("entrant-count").textContent = String(tickets.length);
  $("entrants").replaceChildren(...draw.entrant_list.map((e) => {
    const item = document.createElement("li");
    item.textContent = e.nickname + " (" + short(e.ticket) + ")" + (e.ticket === mine ? " ← " + t.verify_mine : "");
    item.title = e.ticket;
    return item;
  }));
  const ranked = [];  // rule 2: by sha256(seed:ticket); rule 1 (a draw from before tickets): by the ticket
  for (const ticket of tickets) ranked.push([draw.rule === 1 ? ticket : await window.sha256Hex(draw.seed + ":" + ticket), ticket]);
  ranked.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
  const computed = ranked.slice(0, draw.winners).map((r) => r[1]);
  const announced = (draw.winner_list || []).map((w) => w.ticket);
  const winnersOk = JSON.stringify(computed) === JSON.stringify(announced);
  $("winners").replaceChildren(...(draw.winner_list || []).map((w) => {
    const item = document.createElement("li");
    item.textContent = w.nickname + " (" + short(w.ticket) + ")" + (w.ticket === mine ? " ← " + t.verify_mine : "");
    item.title = w.ticket;
    return item;
  }));
  $("winners-check").textContent = winnersOk ? "✓ " + t.verify_winners_ok : "✗ " + t.verify_winners_bad;
  if (mine !== null) $("mine-check").textContent = "✓ " + t.verify_mine_found;
  Object.assign(result, { done: true, hashOk: hashOk, winnersOk: winnersOk, computed: computed, mine: mine });
})();
