// ShopCast viewer page: the live room (cart 小黄车, pinned products, flash sales, coupons, group-buy,
// polls, Q&A, lucky draws, comments, likes). One WebSocket feed keeps the state current; actions use the
// REST API. Every user-supplied string is inserted as text, never as HTML. State is on window.shopcast.room.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("shopcast-config").textContent);
  const t = JSON.parse(document.getElementById("shopcast-strings").textContent);
  const api = "/api/v1/rooms/" + encodeURIComponent(config.room);
  const $ = (id) => document.getElementById(id);

  // --- identity ------------------------------------------------------------------------------------
  const stored = window.shopcastIdentity.stored;  // identity.js
  const randomHex = window.shopcastIdentity.randomHex;
  const viewerId = window.shopcastIdentity.viewerId;
  let nickname = stored("shopcast.nickname", () => t.nickname_default.replace("{id}", viewerId.slice(-4)));
  const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : randomHex(16));

  // --- state -------------------------------------------------------------------------------------------
  const room = {
    state: null, offset: 0, viewerId: viewerId, connected: false, feedOpenedAt: null, released: [],
    flash: {}, coupons: {}, groupBuys: {}, polls: {}, draws: {}, questions: {}, comments: [],
  };
  window.shopcast = window.shopcast || {};
  window.shopcast.room = room;
  const me = () => (room.state ? room.state.me : null);
  const serverNow = () => Date.now() / 1000 + room.offset;
  // The stream time of the picture on the screen (watch.js), or null when nothing plays.
  const pictureTime = () => (window.shopcast.pictureTime ? window.shopcast.pictureTime() : null);
  // The host's clock as this viewer sees it: the picture's time while one plays, else the server's.
  const shownNow = () => { const p = pictureTime(); return p === null ? serverNow() : p; };

  // --- text helpers --------------------------------------------------------------------------------
  const fmt = (template, vars) => String(template).replace(/\{(\w+)\}/g, (_, k) => (vars && k in vars ? vars[k] : ""));
  function money(value) {
    const currency = (room.state && room.state.currency) || "CNY";
    try {
      return new Intl.NumberFormat(config.lang, { style: "currency", currency: currency, currencyDisplay: "narrowSymbol" }).format(value);
    } catch (e) {
      return "¥" + Number(value).toFixed(2);
    }
  }
  function clock(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
  }
  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of [].concat(children || [])) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  let toastTimer = null;
  function toast(message, bad) {
    const box = $("toast");
    box.textContent = message;
    box.className = "toast" + (bad ? " bad" : "");
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 3200);
  }
  function errorText(code, message) {
    return t["err_" + code] || fmt(t.err_generic, { message: message || code });
  }

  // --- REST --------------------------------------------------------------------------------------------
  async function call(method, path, body, headers) {
    return callUrl(method, api + path, body, headers);
  }
  async function callUrl(method, url, body, headers) {
    const init = { method: method, headers: Object.assign({}, headers || {}) };  // the session: its cookie
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.message || response.statusText);
      error.code = data.error || "http_" + response.status;
      error.status = response.status;
      error.retryAfter = Number(response.headers.get("Retry-After") || data.retry_after || 0);
      throw error;
    }
    return data;
  }

  async function attempt(action, success) {
    try {
      const result = await action();
      if (success) success(result);
      return result;
    } catch (error) {
      toast(error.code ? errorText(error.code, error.message) : t.network_error, true);
      if (error.code === "verification_required") askToVerify();
      return null;
    }
  }

  // --- verified viewers: the offers a room keeps for a proved phone number (one person, one limit) ----
  function askToVerify() {
    $("verify-note").textContent = "";
    $("verify-sheet").hidden = false;
    $("verify-phone").focus();
  }
  $("verify-send").addEventListener("click", async () => {
    const sent = await attempt(() => callUrl("POST", "/api/v1/sessions/verification", { phone: $("verify-phone").value }));
    if (sent) {
      $("verify-note").textContent = sent.test_code ? fmt(t.phone_test_code, { code: sent.test_code }) : t.phone_sent;
      $("verify-code").focus();
    }
  });
  $("verify-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { phone: $("verify-phone").value, code: $("verify-code").value };
    const done = await attempt(() => callUrl("POST", "/api/v1/sessions/verification/check", body));
    if (!done) return;
    room.viewerId = done.viewer;  // the session's cookie now names the verified viewer
    $("verify-sheet").hidden = true;
    toast(t.phone_done);
    if (socket) socket.close();  // the feed again, as that viewer
  });

  // --- feed ------------------------------------------------------------------------------------------
  let socket = null;
  let retryDelay = 1000;
  const pings = {};
  const offsets = [];

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const query = "?nickname=" + encodeURIComponent(nickname);  // who: the session's cookie
    socket = new WebSocket(scheme + location.host + api + "/live" + query);
    socket.onopen = () => {
      room.connected = true;
      retryDelay = 1000;
      for (let i = 0; i < 5; i++) setTimeout(() => ping(), i * 250);
    };
    socket.onmessage = (event) => handle(JSON.parse(event.data));
    socket.onclose = () => {
      room.connected = false;
      // spread out: when a relay dies its viewers all come back (to another relay) at once
      setTimeout(connect, retryDelay * (0.5 + Math.random()));
      retryDelay = Math.min(retryDelay * 2, 10000);
    };
  }

  function ping() {
    const id = Math.floor(Math.random() * 1e9);
    pings[id] = Date.now() / 1000;
    send({ type: "ping", id: id });
  }

  function onPong(message) {
    const sent = pings[message.id];
    if (sent === undefined) return;
    delete pings[message.id];
    const received = Date.now() / 1000;
    // The server's clock at the midpoint of the round trip (NTP's estimate); keep the median of a few.
    offsets.push({ rtt: received - sent, offset: message.t - (sent + received) / 2 });
    offsets.sort((a, b) => a.rtt - b.rtt);
    room.offset = offsets[0].offset;
  }

  function handle(message) {
    if (message.type === "snapshot") {
      room.state = message;
      showRehearsal(message.rehearsal);
      if (!room.offset) room.offset = message.server_time - Date.now() / 1000;
      room.flash = byId(message.flash_sales);
      room.coupons = byId(message.coupons);
      room.groupBuys = byId(message.group_buys);
      room.polls = byId(message.polls);
      room.draws = byId(message.draws);
      room.questions = byId(message.questions);
      room.comments = message.comments.slice();
      held.length = 0;  // the snapshot is newer than anything held
      renderAll();
      exposePins();
    } else if (message.type === "batch") {
      if (typeof message.at === "number") hold(message);
      else for (const event of message.events) apply(event);
    } else if (message.type === "pong") {
      onPong(message);
    } else if (message.type === "error") {
      toast(errorText(message.code, message.message), true);
    }
  }

  // Timed batches (a pin, a flash sale, a draw: app/feed_protocol.py TIMED_EVENTS) arrive before the
  // picture in which the host made them (LL-HLS plays ~1.4 s behind): each waits, in order, until the
  // player shows that picture, at most the snapshot's hold_s.
  const held = [];
  let releaser = null;
  function hold(batch) {
    const holdMs = ((room.state && room.state.hold_s) || 5) * 1000;
    held.push({ at: batch.at, events: batch.events, until: performance.now() + holdMs });
    release();
  }
  function release() {
    const picture = pictureTime();
    while (held.length) {
      const next = held[0];
      if (picture !== null && picture < next.at && performance.now() < next.until) break;
      held.shift();
      room.released.push({ at: next.at, picture: picture, types: next.events.map((e) => e.type) });
      if (room.released.length > 50) room.released.shift();
      for (const event of next.events) apply(event);
    }
    if (held.length && releaser === null) releaser = setInterval(release, 40);
    else if (!held.length && releaser !== null) { clearInterval(releaser); releaser = null; }
  }

  function byId(list) {
    const result = {};
    for (const item of list || []) result[item.id] = item;
    return result;
  }

  function apply(event) {
    const state = room.state;
    if (!state) return;
    switch (event.type) {
      case "cart": state.cart = event.products; renderPinned(); renderCart(); break;
      case "pins": state.pins = event.pins; renderPinned(); exposePins(); break;
      case "stock": updateStock(event); break;
      case "flash_sale": room.flash[event.sale.id] = event.sale; renderFlash(); break;
      case "coupon": room.coupons[event.coupon.id] = event.coupon; renderActivities(); break;
      case "group_buy": room.groupBuys[event.group_buy.id] = event.group_buy; renderActivities(); break;
      case "poll": room.polls[event.poll.id] = event.poll; renderActivities(); break;
      case "question": room.questions[event.question.id] = event.question; renderActivities(); break;
      case "draw": room.draws[event.draw.id] = event.draw; renderActivities(); break;
      case "draw_entered":  // the viewer's own ticket, to find in the draw's published list
        state.me.draws_entered.push(event.draw_id);
        state.me.draw_tickets = Object.assign({}, state.me.draw_tickets, { [event.draw_id]: { ticket: event.ticket, salt: event.salt } });
        renderActivities();
        break;
      case "draw_won": toast(fmt(t.you_won, { prize: event.prize })); break;
      case "my_order": onMyOrder(event.order); break;
      case "comment": room.comments.push(event); room.comments = room.comments.slice(-100); renderComments(true); break;
      case "comment_deleted": room.comments = room.comments.filter((c) => c.id !== event.id); renderComments(); break;
      case "likes": state.likes = event.total; $("like-count").textContent = compact(event.total); break;
      case "online": state.online = event.count; renderHeader(); break;
      case "rehearsal":
        state.rehearsal = event.on;
        if (typeof event.test_mode === "boolean") state.payment.test_mode = event.test_mode;
        showRehearsal(event.on);
        renderHeader();
        break;
      default: break;
    }
  }

  function updateStock(event) {
    for (const product of room.state.cart) {
      if (product.sku === event.sku) Object.assign(product, { stock: event.stock, sold: event.sold });
      for (const option of product.options || []) {
        if (option.sku === event.sku) Object.assign(option, { stock: event.stock, sold: event.sold });
      }
    }
    renderPinned();
    renderCart();
  }

  function onMyOrder(order) {
    const orders = room.state.me.orders;
    const index = orders.findIndex((o) => o.order_id === order.order_id);
    const before = index >= 0 ? orders[index].status : null;
    if (index >= 0) orders[index] = order; else orders.push(order);
    if (order.status === "cancelled" && order.refunded) toast(t.order_refunded, true);
    else if (order.status === "cancelled" && before === "created") toast(t.payment_declined, true);
    if (order.status === "paid" && order.group_id) toast(t.group_filled);
    else if (order.status === "paid" && before === "created") toast(t.payment_confirmed);  // the provider's webhook
  }

  // The rehearsal (彩排) banner: rehearsal.js owns it; the feed says when the room starts or ends one.
  function showRehearsal(on) {
    if (window.shopcastRehearsal) window.shopcastRehearsal.set(Boolean(on));
  }

  const compactFormat = new Intl.NumberFormat(config.lang, { notation: "compact", maximumFractionDigits: 1 });
  const compact = (n) => (n >= 10000 ? compactFormat.format(n) : String(n));  // 1.2万, 12K

  // --- actions -----------------------------------------------------------------------------------------
  async function buy(sku, extra, via) {
    send({ type: "click", skus: [sku], via: via });
    const key = newKey(); // the same key for every retry of this one tap
    const body = Object.assign({ sku: sku, qty: 1, nickname: nickname }, extra || {});
    const seen = pictureTime();  // a flash sale's window is checked at the picture the viewer tapped on
    if (seen !== null) body.seen_at = seen;
    for (let tries = 0; tries < 3; tries++) {
      try {
        const order = await call("POST", "/orders", body, { "Idempotency-Key": key });
        onMyOrder(order);
        if (order.status === "paid") toast(order.test_mode ? t.paid_test : t.paid);
        else toast(order.group_id ? t.order_waiting_group : t.payment_pending);  // paid when the provider says
        if (order.group_id) shareGroupPrompt(order.group_id);
        return order;
      } catch (error) {
        // Busy (429 past a rate limit, 503 overloaded): the tap may have been placed already and its answer
        // lost, so it is asked again with the same key, once the relay's wait is over (a short one only).
        const busy = (error.status === 429 || error.status === 503) && error.retryAfter > 0 && error.retryAfter <= 5;
        if (error.code && !(busy && tries < 2)) {
          toast(errorText(error.code, error.message), true);
          if (error.code === "verification_required") askToVerify();
          return null;
        }
        await new Promise((resolve) => setTimeout(resolve, busy ? error.retryAfter * 1000 : 400 * (tries + 1)));
      }
    }
    toast(t.network_error, true);
    return null;
  }

  function shareGroupPrompt(groupId) {
    room.lastGroup = groupId;
    renderActivities();
  }

  function groupLink(groupId) {
    return location.origin + "/watch/" + encodeURIComponent(config.room) + "?group=" + encodeURIComponent(groupId);
  }

  async function share(url, title) {
    send({ type: "share", skus: [], via: url === location.href ? "room" : "group" });
    if (navigator.share) {
      try { await navigator.share({ url: url, title: title }); return; } catch (e) { /* fall back to copying */ }
    }
    try {
      await navigator.clipboard.writeText(url);
      toast(t.link_copied);
    } catch (e) {
      toast(url);
    }
  }

  function exposePins() {
    const pins = (room.state && room.state.pins) || [];
    if (pins.length) send({ type: "exposure", skus: pins, via: "pin" });
  }

  // --- rendering --------------------------------------------------------------------------------------
  function productBySku(sku) {
    for (const product of room.state.cart) {
      if (product.sku === sku) return product;
      for (const option of product.options || []) if (option.sku === sku) return option;
    }
    return null;
  }

  function image(product) {
    return product && product.image
      ? el("img", { src: product.image, alt: "", loading: "lazy" })
      : el("div", { class: "noimg" });
  }

  function renderAll() {
    renderHeader();
    renderPinned();
    renderFlash();
    renderActivities();
    renderComments();
    renderCart();
    $("like-count").textContent = compact(room.state.likes);
  }

  function renderHeader() {
    $("online").hidden = false;
    $("online-count").textContent = compact(room.state.online || 0);
    // While rehearsing, the rehearsal banner (which says orders are test orders) stands in for this one.
    $("test-mode").hidden = !room.state.payment.test_mode || Boolean(room.state.rehearsal);
    $("cart-count").textContent = room.state.cart.length ? String(room.state.cart.length) : "";
  }

  function renderPinned() {
    const box = $("pinned");
    box.replaceChildren();
    for (const sku of room.state.pins) {
      const product = productBySku(sku);
      if (!product) continue;
      const hasOptions = product.options && product.options.length;
      box.append(el("div", { class: "card product", dataset: { sku: sku } }, [
        image(product),
        el("div", { class: "info" }, [
          el("div", {}, [el("span", { class: "tag", text: t.now_showing })]),
          el("div", { class: "name", text: product.title }),
          el("div", {}, [el("span", { class: "price", text: money(product.price) }),
            el("span", { class: "meta stock", text: " · " + fmt(t.left, { n: product.stock }) })]),
        ]),
        el("button", {
          class: "primary buy", type: "button", text: t.buy, disabled: product.stock <= 0,
          onclick: () => (hasOptions ? openCart(sku) : buy(sku, {}, "pin")),
        }),
      ]));
    }
    box.hidden = !box.children.length;
  }

  function renderFlash() {
    const box = $("flash");
    box.replaceChildren();
    for (const sale of Object.values(room.flash)) {
      box.append(el("div", { class: "card flash", dataset: { sale: sale.id } }, [
        el("h3", {}, [el("span", { class: "tag gold", text: t.flash_sale }), el("span", { text: sale.title })]),
        el("div", { class: "row" }, [
          el("div", {}, [el("span", { class: "price", text: money(sale.price) }),
            el("span", { class: "was", text: money(sale.regular_price) })]),
          el("div", { class: "meta" }, [el("span", { class: "phase-label" }), " ",
            el("span", { class: "countdown", dataset: { opensAt: sale.opens_at, closesAt: sale.closes_at } })]),
        ]),
        el("div", { class: "bar-track" }, [el("div", { class: "bar-fill", style: "width:" + (100 * sale.sold / sale.stock) + "%" })]),
        el("div", { class: "row" }, [
          el("span", { class: "meta remaining", text: fmt(t.left, { n: sale.remaining }) + " · " + fmt(t.limit_each, { n: sale.per_user_limit }) }),
          el("button", { class: "primary buy", type: "button", text: t.buy,
            onclick: () => buy(sale.sku, { flash_sale_id: sale.id }, "flash") }),
        ]),
      ]));
    }
    tick();
  }

  function activityCards() {
    const cards = [];
    const mine = me() || { coupons: [], votes: {}, draws_entered: [], orders: [] };
    for (const coupon of Object.values(room.coupons)) {
      if (coupon.ended) continue;
      const claimed = mine.coupons.some((c) => c.coupon_id === coupon.id);
      cards.push(el("div", { class: "card coupon", dataset: { coupon: coupon.id } }, [
        el("h3", {}, [el("span", { class: "tag gold", text: t.coupon }), el("span", { text: coupon.title })]),
        el("div", { class: "row" }, [
          el("div", {}, [el("div", { class: "price", text: fmt(t.coupon_off, { amount: money(coupon.amount) }) }),
            el("div", { class: "meta", text: (coupon.min_spend ? fmt(t.coupon_min, { min: money(coupon.min_spend) }) : t.coupon_any) +
              " · " + fmt(t.coupons_left, { n: coupon.remaining }) })]),
          el("button", { class: claimed ? "secondary" : "primary", type: "button", text: claimed ? t.claimed : t.claim,
            disabled: claimed || coupon.remaining <= 0,
            onclick: () => attempt(() => call("POST", "/coupons/" + coupon.id + "/claims", {}), () => {
              mine.coupons.push({ coupon_id: coupon.id, used: false });
              toast(t.claimed);
              renderActivities();
            }) }),
        ]),
      ]));
    }
    const wanted = new URLSearchParams(location.search).get("group");
    for (const campaign of Object.values(room.groupBuys)) {
      if (campaign.ended) continue;
      const groups = campaign.open_groups.map((group) => el("div", { class: "row", dataset: { group: group.id } }, [
        el("span", { class: "meta", text: group.members.join(", ") + " · " + fmt(t.group_needs, { n: group.needed }) +
          (group.id === wanted ? " ★" : "") }),
        el("button", { class: group.id === wanted ? "primary" : "secondary", type: "button", text: t.join_group,
          onclick: () => buy(campaign.sku, { group_id: group.id }, "group") }),
      ]));
      cards.push(el("div", { class: "card group-buy", dataset: { groupBuy: campaign.id } }, [
        el("h3", {}, [el("span", { class: "tag", text: t.group_buy }), el("span", { text: campaign.title })]),
        el("div", { class: "row" }, [
          el("div", {}, [el("span", { class: "price", text: money(campaign.price) }),
            el("span", { class: "was", text: money(campaign.regular_price) }),
            el("div", { class: "meta", text: fmt(t.group_of, { n: campaign.group_size }) })]),
          el("button", { class: "primary", type: "button", text: t.start_group,
            onclick: () => buy(campaign.sku, { group_buy_id: campaign.id }, "group") }),
        ]),
        groups.length ? el("div", { class: "groups" }, groups) : null,
        room.lastGroup ? el("button", { class: "secondary share-group", type: "button", text: t.share_group,
          onclick: () => share(groupLink(room.lastGroup), campaign.title) }) : null,
      ]));
    }
    for (const poll of Object.values(room.polls)) {
      const voted = poll.id in mine.votes;
      const showResults = voted || poll.status !== "open";
      const body = showResults
        ? poll.options.map((option, index) => el("div", { class: "result" + (mine.votes[poll.id] === index ? " mine" : "") }, [
          el("div", { class: "fill", style: "width:" + (poll.total ? (100 * option.votes / poll.total) : 0) + "%" }),
          el("span", { text: option.text + " · " + fmt(t.votes, { n: option.votes }) }),
        ]))
        : poll.options.map((option, index) => el("button", { class: "secondary option-btn", type: "button", text: option.text,
          onclick: () => attempt(() => call("POST", "/polls/" + poll.id + "/votes", { option: index }), (result) => {
            mine.votes[poll.id] = index;
            room.polls[poll.id] = result;
            toast(t.voted);
            renderActivities();
          }) }));
      cards.push(el("div", { class: "card poll", dataset: { poll: poll.id } }, [
        el("h3", {}, [el("span", { class: "tag", text: t.poll }), el("span", { text: poll.question })]),
        el("div", { class: "options" }, body),
      ]));
    }
    for (const draw of Object.values(room.draws)) {
      const entered = mine.draws_entered.includes(draw.id);
      let body;
      if (draw.status === "open") {
        body = [
          el("div", { class: "row" }, [
            el("span", { class: "meta" }, [t.draw_ends_in + " ", el("span", { class: "countdown", dataset: { closesAt: draw.closes_at } })]),
            el("button", { class: entered ? "secondary" : "primary", type: "button", text: entered ? t.in_draw : t.enter_draw,
              disabled: entered,
              onclick: () => attempt(() => call("POST", "/draws/" + draw.id + "/entries", { nickname: nickname }), () => {
                if (!mine.draws_entered.includes(draw.id)) mine.draws_entered.push(draw.id);
                toast(t.in_draw);
                renderActivities();
              }) }),
          ]),
          draw.keyword ? el("div", { class: "meta", text: fmt(t.comment_keyword, { k: draw.keyword }) }) : null,
        ];
      } else {
        const names = (draw.winner_list || []).map((w) => w.nickname);
        body = [
          el("div", { class: "meta", text: names.length ? t.draw_winners + ": " + names.join(", ") : t.draw_no_entrants }),
          el("a", { class: "meta verify", href: "/verify/" + encodeURIComponent(config.room) + "/" + draw.id, text: t.verify }),
        ];
      }
      cards.push(el("div", { class: "card draw", dataset: { draw: draw.id } }, [
        el("h3", {}, [el("span", { class: "tag gold", text: t.draw }), el("span", { text: draw.prize })]),
      ].concat(body)));
    }
    for (const question of Object.values(room.questions)) {
      if (!question.pinned) continue;
      cards.push(el("div", { class: "card qa" }, [
        el("h3", {}, [el("span", { class: "tag", text: "Q&A" }), el("span", { text: question.text })]),
        question.answer ? el("div", { class: "meta", text: t.answer + ": " + question.answer }) : null,
      ]));
    }
    return cards;
  }

  function renderActivities() {
    $("activities").replaceChildren(...activityCards());
    tick();
  }

  // Comments are added and removed one by one (never redrawn): a new one rises in at the bottom, the
  // screen reader announces only it, and the oldest fade out at the top (watch.css's mask).
  const commentKey = (c, index) => String(c.id !== undefined ? c.id : "i" + index);
  function renderComments(arriving) {
    const box = $("comments");
    const shown = room.comments.slice(-40);
    const keys = shown.map((c, i) => commentKey(c, room.comments.length - shown.length + i));
    const wanted = new Set(keys);
    for (const node of Array.from(box.children)) if (!wanted.has(node.dataset.key)) node.remove();
    const present = new Set(Array.from(box.children, (node) => node.dataset.key));
    shown.forEach((c, i) => {
      if (present.has(keys[i])) return;
      box.append(el("div", { class: "comment" + (arriving ? " rise" : ""), dataset: { key: keys[i] } }, [
        el("span", { class: "who", text: c.nickname }), el("span", { text: c.text }),
      ]));
    });
  }

  // "Watch the explanation" (看讲解): a product whose explanation in this show is over (the host has
  // moved on) links to its clip, a new page (the live one stays). The relay lists them
  // (GET …/explanations, api_replay.py), asked each time the cart opens.
  room.explained = {};
  async function loadExplanations() {
    try {
      const response = await fetch(api + "/explanations");
      if (!response.ok) return;
      const found = {};
      for (const chapter of (await response.json()).chapters || []) found[chapter.sku] = chapter.clip_url;
      room.explained = found;
      renderCart();
    } catch (e) { /* offline: the cart works without the links */ }
  }
  function explanationLink(product) {
    const url = room.explained[product.sku];
    if (!url) return null;
    return el("a", { class: "explain", href: url + "?lang=" + encodeURIComponent(config.lang), target: "_blank", rel: "noopener",
      dataset: { sku: product.sku }, text: "▶ " + t.watch_explanation });
  }

  function renderCart() {
    const list = $("cart-list");
    if (!room.state) return;
    list.replaceChildren(...room.state.cart.map((product) => {
      // Variants (size, colour) as a group of chips, one chosen at a time (a radio group for screen readers).
      let picked = "";
      const chips = product.options && product.options.length
        ? el("div", { class: "variants", role: "radiogroup", "aria-label": t.variants },
          product.options.map((o) => el("button", {
            class: "variant", type: "button", role: "radio", "aria-checked": "false", dataset: { sku: o.sku },
            disabled: o.stock <= 0, "aria-label": o.option + " · " + money(o.price) + " · " + fmt(t.left, { n: o.stock }),
            onclick: (event) => {
              picked = o.sku;
              for (const chip of chips.children) chip.setAttribute("aria-checked", String(chip === event.currentTarget));
            },
          }, [o.option, el("span", { class: "meta", text: money(o.price) })])))
        : null;
      const chosen = () => (chips ? picked : product.sku);
      const need = (action) => () => {
        if (!chosen()) { toast(t.err_choose_option, true); return; }
        action(chosen());
      };
      return el("div", { class: "cart-item", dataset: { sku: product.sku } }, [
        el("div", { class: "product" }, [image(product), el("div", { class: "info" }, [
          el("div", { class: "name", text: product.title }),
          el("div", {}, [el("span", { class: "price", text: money(product.price) }),
            el("span", { class: "meta stock", text: " · " + fmt(t.left, { n: product.stock }) + " · " + fmt(t.sold, { n: product.sold }) })]),
        ])]),
        el("div", { class: "actions" }, [chips, explanationLink(product),
          el("button", { class: "secondary", type: "button", text: t.add_to_cart,
            onclick: need((sku) => { send({ type: "cart_add", skus: [sku], via: "cart" }); toast(t.added_to_cart); }) }),
          el("button", { class: "primary buy", type: "button", text: t.buy_now, disabled: product.stock <= 0,
            onclick: need((sku) => buy(sku, {}, "cart")) }),
        ]),
      ]);
    }));
  }

  function openCart(focusSku) {
    renderCart();
    loadExplanations();
    $("cart-sheet").hidden = false;
    send({ type: "exposure", skus: room.state.cart.map((p) => p.sku), via: "cart" });
    if (focusSku) {
      const item = $("cart-list").querySelector('[data-sku="' + CSS.escape(focusSku) + '"]');
      if (item) item.scrollIntoView({ block: "center" });
    }
  }

  // Countdowns run on the picture's time (the server's clock, Date.now() + the measured offset, when
  // nothing plays): a flash sale ends for every viewer at the same picture, however far behind.
  function tick() {
    const now = shownNow();
    for (const node of document.querySelectorAll("#flash .card")) {
      const sale = room.flash[node.dataset.sale];
      if (!sale) continue;
      const countdown = node.querySelector(".countdown");
      const label = node.querySelector(".phase-label");
      const button = node.querySelector("button.buy");
      let phase = sale.phase === "closed" ? "closed" : now < sale.opens_at ? "scheduled" : now < sale.closes_at ? "open" : "closed";
      if (phase === "open" && sale.remaining <= 0) phase = "sold_out";
      const remaining = phase === "scheduled" ? sale.opens_at - now : sale.closes_at - now;
      node.dataset.phase = phase;
      countdown.dataset.remaining = remaining.toFixed(2);
      label.textContent = phase === "scheduled" ? t.opens_in : phase === "open" ? t.ends_in : "";
      countdown.textContent = phase === "scheduled" || phase === "open" ? clock(remaining)
        : phase === "sold_out" ? t.flash_sold_out : t.flash_ended;
      button.disabled = phase !== "open";
    }
    for (const countdown of document.querySelectorAll("#activities .countdown")) {
      const remaining = Number(countdown.dataset.closesAt) - now;
      countdown.dataset.remaining = remaining.toFixed(2);
      countdown.textContent = clock(remaining);
    }
  }
  setInterval(tick, 100);

  // --- likes -------------------------------------------------------------------------------------------
  let pendingLikes = 0;
  const calm = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };
  function heart(at) {
    if (calm.matches) return; // no floating hearts: the count still goes up
    const layer = $("hearts");
    const node = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    node.setAttribute("viewBox", "0 0 24 24");
    node.setAttribute("class", "heart");
    node.style.right = (Math.random() * 30) + "px";
    if (at) { // a double-tap: a big heart where the finger was
      node.setAttribute("class", "heart tap");
      Object.assign(node.style, { position: "fixed", left: at.x + "px", top: at.y + "px", right: "auto" });
    }
    node.innerHTML = '<path fill="currentColor" d="M12 21s-7.5-4.6-9.5-9.1C1.1 8.6 3.2 5 6.6 5c2 0 3.4 1.1 4.4 2.6C12 6.1 13.4 5 15.4 5c3.4 0 5.5 3.6 4.1 6.9C19.5 16.4 12 21 12 21z"/>';
    layer.append(node);
    setTimeout(() => node.remove(), 1700);
  }
  function like(at) {
    pendingLikes = Math.min(pendingLikes + 1, 100);
    if (at) heart(at);
    heart();
    if (room.state) $("like-count").textContent = compact(room.state.likes + pendingLikes);
  }
  $("like-btn").addEventListener("click", () => like(null));
  // Double-tap the picture to like, as in the live apps.
  $("player").addEventListener("dblclick", (event) => {
    if (event.target.closest("button, a, input, select")) return;
    like({ x: event.clientX, y: event.clientY });
  });
  // Taps are aggregated and sent at most once a second, as the platforms do on the wire.
  setInterval(() => {
    if (pendingLikes > 0 && send({ type: "like", count: pendingLikes })) pendingLikes = 0;
  }, 1000);

  // --- comments, questions, sheets -----------------------------------------------------------------
  $("comment-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("comment-input");
    const text = input.value.trim();
    if (!text) return;
    if (!send({ type: "comment", text: text })) {
      await attempt(() => call("POST", "/comments", { text: text, nickname: nickname }));
    }
    input.value = "";
  });
  $("ask-btn").addEventListener("click", () => { $("ask-sheet").hidden = false; $("ask-input").focus(); });
  $("ask-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("ask-input").value.trim();
    if (!text) return;
    const done = await attempt(() => call("POST", "/questions", { text: text, nickname: nickname }));
    if (done) {
      $("ask-input").value = "";
      $("ask-sheet").hidden = true;
      toast(t.asked);
    }
  });
  $("cart-btn").addEventListener("click", () => openCart(null));
  // The top bar: the host (the room's name; its first letter as the avatar), follow, leave.
  $("host-name").textContent = fmt(t.host_by, { host: config.room });
  $("host-avatar").textContent = (($("room-title").textContent || config.room).trim()[0] || "").toUpperCase();
  const followKey = "shopcast.follow." + config.room;
  function showFollow(on) {
    $("follow-btn").setAttribute("aria-pressed", String(on));
    $("follow-btn").textContent = on ? t.following : t.follow;
  }
  showFollow(stored(followKey, () => "0") === "1");
  $("follow-btn").addEventListener("click", () => {
    const on = $("follow-btn").getAttribute("aria-pressed") !== "true";
    try { localStorage.setItem(followKey, on ? "1" : "0"); } catch (e) { /* private mode */ }
    showFollow(on);
  });
  $("close-btn").addEventListener("click", () => {
    if (history.length > 1) history.back(); else window.close();
  });
  document.addEventListener("keydown", (event) => { // Escape closes an open sheet
    if (event.key !== "Escape") return;
    for (const sheet of document.querySelectorAll(".sheet:not([hidden])")) sheet.hidden = true;
  });
  $("share-btn").addEventListener("click", () => share(location.origin + "/watch/" + encodeURIComponent(config.room), document.title));
  for (const sheet of document.querySelectorAll(".sheet")) {
    sheet.addEventListener("click", (event) => {
      if (event.target === sheet || event.target.hasAttribute("data-close")) sheet.hidden = true;
    });
  }
  $("comments").addEventListener("dblclick", () => {
    const name = window.prompt(t.nickname, nickname);
    if (name && name.trim()) {
      nickname = name.trim().slice(0, 24);
      try { localStorage.setItem("shopcast.nickname", nickname); } catch (e) { /* private mode */ }
      send({ type: "hello", nickname: nickname });
    }
  });

  connect();
})();
