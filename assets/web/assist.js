// ShopCast assistant console (中控台): the commerce side of the run-of-show from a phone or a laptop.
// The page's link carries the assistant's token in its fragment (/assist/<room>#t=<token>): the
// browser never sends a fragment to a server, so the token is in no access log and no Referer. The
// page sends it as "Authorization: Bearer" to the room API and as the feed's WebSocket subprotocol.
//
// What it shows: the run-of-show's current segment (talking points, time left), the next one, NEXT,
// LAUNCH for the segment's armed actions, the cart with pin buttons, the comments with delete and
// mute, the question queue with answer / pin / dismiss. Everything comes from the room's feed (the
// owner's, without orders: app/relay/realtime.py) and every action goes through the room API, which
// records it as the assistant's (by: "assistant:<id>").
//
// window.shopcastAssist: state ("loading" | "ready" | "refused"), code (the refusal's), connected
// (the feed is up), me (who the link is for), rundown (the run's state), actions (each action's
// path and outcome, newest last).
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("shopcast-config").textContent);
  const t = JSON.parse(document.getElementById("shopcast-strings").textContent);
  const $ = function (id) { return document.getElementById(id); };
  const ui = {
    who: $("who"), conn: $("conn"), online: $("online"), lang: $("lang-switch"), refused: $("refused"),
    refusedText: $("refused-text"), console: $("console"), segCount: $("seg-count"), segment: $("segment"),
    segKind: $("seg-kind"), segTitle: $("seg-title"), timeLeft: $("time-left"), points: $("points"),
    pointsHeading: $("points-heading"), showNote: $("show-note"), launches: $("launches"), nextUp: $("next-up"),
    next: $("next"), stop: $("stop"), tabs: $("tabs"), cart: $("cart"), cartEmpty: $("cart-empty"),
    comments: $("comments"), commentsEmpty: $("comments-empty"), questions: $("questions"),
    questionsEmpty: $("questions-empty"), toast: $("toast"),
  };

  const MUTE_MINUTES = 10;
  const KEEP_COMMENTS = 200;
  const token = new URLSearchParams(window.location.hash.slice(1)).get("t");
  const assist = {
    state: "loading", code: null, message: "", connected: false, me: null, rundown: null,
    cart: [], pins: [], comments: [], questions: [], muted: {}, online: 0, actions: [],
  };
  window.shopcastAssist = assist;

  let offset = 0; // server time − local time, in seconds (from each message's t)
  let socket = null;
  let retryMs = 500;
  let busyNext = false;
  let toastTimer = null;

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }

  function serverNow() { return Date.now() / 1000 + offset; }

  function localTime(unix) {
    try {
      return new Date(unix * 1000).toLocaleString(config.lang === "zh-CN" ? "zh-CN" : undefined,
        { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return new Date(unix * 1000).toLocaleString();
    }
  }

  function clock(seconds) {
    const s = Math.max(0, Math.round(seconds));
    const m = Math.floor(s / 60);
    return m + ":" + String(s % 60).padStart(2, "0");
  }

  function money(value) { return "¥" + Number(value).toFixed(2); }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function button(className, text, onClick) {
    const node = el("button", className, text);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  // An API refusal in the page's language: the code's own sentence, else the relay's (English) one.
  function errorText(code, message, details) {
    details = details || {};
    const key = "assist_err_" + code;
    if (t[key]) {
      return fill(t[key], { time: details.expired_at ? localTime(details.expired_at) : "", detail: message || "" });
    }
    return message || t.assist_err_network;
  }

  function showToast(text, ok) {
    ui.toast.textContent = text;
    ui.toast.dataset.ok = ok ? "true" : "false";
    ui.toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () { ui.toast.hidden = true; }, ok ? 1500 : 5000);
  }

  function refuse(code, message, details) {
    assist.state = "refused";
    assist.code = code;
    assist.message = code === "need_link" ? t.assist_need_link : errorText(code, message, details);
    ui.refused.hidden = false;
    ui.refusedText.textContent = assist.message;
    ui.console.hidden = true;
    ui.conn.hidden = true;
    if (socket) {
      const closing = socket;
      socket = null;
      closing.close();
    }
  }

  // --- the room API -----------------------------------------------------------------------------

  async function call(method, path, body) {
    const headers = { Authorization: "Bearer " + token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(config.room_api + path, {
        method: method, headers: headers, cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      return { ok: false, status: 0, code: "network", message: "", data: null };
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.ok) return { ok: true, status: response.status, data: data };
    const code = (data && data.error) || "error";
    return { ok: false, status: response.status, code: code, message: (data && data.message) || "", data: data };
  }

  // Every action: one request; a 401 means the link stopped working (revoked, expired) — say so.
  async function act(method, path, body, done) {
    const result = await call(method, path, body);
    assist.actions.push({ method: method, path: path, status: result.status, code: result.ok ? null : result.code });
    if (result.ok) {
      if (done) done(result.data);
      showToast(t.assist_done, true);
    } else if (result.status === 401) {
      refuse(result.code, result.message, result.data);
    } else {
      showToast(errorText(result.code, result.message, result.data), false);
    }
    return result;
  }

  // --- the feed -----------------------------------------------------------------------------------

  function setConnected(on, text) {
    assist.connected = on;
    ui.conn.dataset.state = on ? "live" : "connecting";
    ui.conn.textContent = text;
  }

  function connect() {
    if (assist.state === "refused") return;
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + window.location.host + config.feed_url, [config.subprotocol, token]);
    socket = ws;
    ws.onmessage = function (event) {
      let message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "snapshot") {
        retryMs = 500;
        setConnected(true, t.assist_connected);
        snapshot(message);
      } else if (message.type === "batch") {
        if (typeof message.t === "number") offset = message.t - Date.now() / 1000;
        message.events.forEach(apply);
        render();
      }
    };
    ws.onclose = function () {
      if (socket !== ws) return; // replaced or refused on purpose
      socket = null;
      setConnected(false, t.assist_reconnecting);
      // Closed by the relay (4401: revoked or expired) or refused at the handshake: ask why first.
      check().then(function (fine) {
        if (!fine) return;
        window.setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 10000);
      });
    };
  }

  function snapshot(message) {
    offset = message.server_time - Date.now() / 1000;
    assist.cart = message.cart || [];
    assist.pins = message.pins || [];
    assist.comments = (message.comments || []).slice(-KEEP_COMMENTS);
    assist.questions = message.question_queue || [];
    assist.rundown = message.rundown || null;
    assist.online = message.online || 0;
    if (window.shopcastRehearsal && typeof message.rehearsal === "boolean") window.shopcastRehearsal.set(message.rehearsal);
    render();
  }

  function apply(event) {
    switch (event.type) {
      case "rundown": assist.rundown = event.state; break;
      case "cart": assist.cart = event.products || []; break;
      case "pins": assist.pins = event.pins || []; break;
      case "stock":
        assist.cart.forEach(function (item) {
          if (item.sku === event.sku) { item.stock = event.stock; item.sold = event.sold; }
        });
        break;
      case "comment":
        assist.comments.push(event);
        if (assist.comments.length > KEEP_COMMENTS) assist.comments.shift();
        break;
      case "comment_deleted":
        assist.comments = assist.comments.filter(function (c) { return c.id !== event.id; });
        break;
      case "question": {
        const q = event.question;
        const at = assist.questions.findIndex(function (x) { return x.id === q.id; });
        if (at >= 0) assist.questions[at] = Object.assign({}, assist.questions[at], q);
        else assist.questions.push(q);
        if (q.pinned) assist.questions.forEach(function (x) { if (x.id !== q.id) x.pinned = false; });
        break;
      }
      case "muted": assist.muted[event.viewer_id] = event.until; break;
      case "online": assist.online = event.count; break;
      case "rehearsal":
        if (window.shopcastRehearsal) window.shopcastRehearsal.set(event.on);
        break;
      default: break;
    }
  }

  // --- drawing ------------------------------------------------------------------------------------

  function productTitle(sku) {
    const found = assist.cart.find(function (p) { return p.sku === sku; });
    return found ? found.title : sku;
  }

  function segmentTitle(segment) {
    if (!segment) return "";
    return segment.title || (segment.sku ? productTitle(segment.sku) : (t["assist_seg_" + segment.kind] || segment.kind));
  }

  function actionLabel(kind, segment) {
    const name = t["assist_kind_" + kind] || kind;
    const plan = segment && segment[kind === "cohost" ? "cohost_invite" : kind];
    if (!plan) return name;
    if (kind === "flash_sale" && plan.price !== undefined) return name + " " + money(plan.price);
    if (kind === "coupon" && plan.title) return name + " · " + plan.title;
    if (kind === "poll" && plan.question) return name + " · " + plan.question;
    if (kind === "draw" && plan.prize) return name + " · " + plan.prize;
    return name;
  }

  function renderShow() {
    const run = assist.rundown;
    const segments = run ? run.segments || 0 : 0;
    const running = Boolean(run && run.running && run.segment);
    ui.segment.hidden = !running;
    ui.stop.hidden = !running;
    ui.launches.replaceChildren();
    if (!run || !segments) {
      ui.segCount.textContent = "";
      ui.showNote.textContent = t.assist_no_rundown;
      ui.next.disabled = true;
      ui.next.textContent = t.assist_start;
      ui.nextUp.textContent = "";
      return;
    }
    ui.next.disabled = busyNext;
    if (!running) {
      ui.segCount.textContent = "";
      ui.showNote.textContent = run.cue > 0 ? t.assist_ended : t.assist_not_started;
      ui.next.textContent = t.assist_start;
      ui.nextUp.textContent = run.next ? fill(t.assist_first_up, { title: segmentTitle(run.next) }) : "";
      return;
    }
    const segment = run.segment;
    ui.segCount.textContent = fill(t.assist_segment_of, { n: run.index + 1, total: segments });
    ui.showNote.textContent = (run.problems || []).join(" · ");
    ui.segKind.textContent = t["assist_seg_" + segment.kind] || segment.kind;
    ui.segTitle.textContent = segmentTitle(segment);
    const points = segment.points || [];
    ui.pointsHeading.hidden = !points.length;
    ui.points.replaceChildren.apply(ui.points, points.map(function (p) { return el("li", "", p); }));
    renderTime();
    (run.armed || []).forEach(function (kind) {
      ui.launches.append(button("launch", t.assist_launch + " · " + actionLabel(kind, segment), function (e) {
        e.currentTarget.disabled = true;
        act("POST", "/rundown/launch", { action: kind }, function (state) { assist.rundown = state; }).then(render);
      }));
      ui.launches.lastChild.dataset.action = kind;
    });
    Object.keys(run.launched || {}).forEach(function (kind) {
      ui.launches.append(el("span", "launched", "✓ " + t.assist_launched + " · " + (t["assist_kind_" + kind] || kind)));
    });
    ui.next.textContent = run.next ? t.assist_next : t.assist_finish;
    ui.nextUp.textContent = run.next ? fill(t.assist_next_up, { title: segmentTitle(run.next) }) : t.assist_last;
  }

  function renderTime() {
    const run = assist.rundown;
    if (!run || !run.running || !run.started_at || !run.planned_s) {
      ui.timeLeft.textContent = "";
      return;
    }
    const left = run.started_at + run.planned_s - serverNow();
    ui.timeLeft.dataset.over = left < 0 ? "true" : "false";
    ui.timeLeft.textContent = left >= 0 ? fill(t.assist_time_left, { time: clock(left) })
      : fill(t.assist_over, { time: clock(-left) });
  }

  // Lists are kept by key so that re-drawing (every stock change, every comment) never takes away a
  // button being tapped or an answer being typed.
  function sync(list, items, keyOf, make, update) {
    const existing = new Map();
    Array.prototype.forEach.call(list.children, function (node) { existing.set(node.dataset.key, node); });
    let previous = null;
    items.forEach(function (item) {
      const key = String(keyOf(item));
      let node = existing.get(key);
      if (node) existing.delete(key);
      else { node = make(item); node.dataset.key = key; }
      update(node, item);
      const want = previous ? previous.nextSibling : list.firstChild;
      if (want !== node) list.insertBefore(node, want);
      previous = node;
    });
    existing.forEach(function (node) { node.remove(); });
  }

  function renderCart() {
    const items = assist.cart.filter(function (p) { return !p.parent_sku; });
    ui.cartEmpty.hidden = items.length > 0;
    $("count-cart").textContent = items.length ? String(items.length) : "";
    sync(ui.cart, items, function (p) { return p.sku; }, function (p) {
      const li = el("li", "item");
      const text = el("div", "item-text");
      text.append(el("span", "item-title"), el("span", "item-meta"));
      li.append(text, button("pin", "", function () {
        const pinned = assist.pins.indexOf(p.sku) >= 0;
        if (pinned) act("DELETE", "/pins/" + encodeURIComponent(p.sku), undefined, setPins);
        else act("POST", "/pins", { sku: p.sku }, setPins);
      }));
      return li;
    }, function (li, p) {
      const pinned = assist.pins.indexOf(p.sku) >= 0;
      li.classList.toggle("pinned", pinned);
      li.querySelector(".item-title").textContent = (pinned ? "● " : "") + p.title;
      li.querySelector(".item-meta").textContent = money(p.price) + " · " + fill(t.assist_stock, { stock: p.stock, sold: p.sold });
      const pin = li.querySelector("button.pin");
      pin.textContent = pinned ? t.assist_unpin : t.assist_pin;
      pin.dataset.pinned = pinned ? "true" : "false";
    });
  }

  function setPins(result) {
    if (result && result.pins) assist.pins = result.pins;
    render();
  }

  function renderComments() {
    const items = assist.comments.slice().reverse(); // newest first: no scrolling on a phone
    ui.commentsEmpty.hidden = items.length > 0;
    $("count-comments").textContent = items.length ? String(items.length) : "";
    const now = serverNow();
    sync(ui.comments, items, function (c) { return c.id; }, function (c) {
      const li = el("li", "item comment");
      const text = el("div", "item-text");
      text.append(el("span", "nick", c.nickname), el("span", "comment-text", c.text));
      const tools = el("div", "tools");
      tools.append(
        button("delete", t.assist_delete, function () {
          act("DELETE", "/comments/" + c.id, undefined, function () {
            assist.comments = assist.comments.filter(function (x) { return x.id !== c.id; });
            render();
          });
        }),
        button("mute", t.assist_mute, function (e) {
          const viewer = c.viewer_id;
          if (!viewer) return;
          if (e.currentTarget.dataset.muted === "true") {
            act("DELETE", "/mutes/" + encodeURIComponent(viewer), undefined, function () {
              assist.muted[viewer] = null;
              render();
            });
          } else {
            act("POST", "/mutes", { viewer_id: viewer, minutes: MUTE_MINUTES }, function (r) {
              assist.muted[viewer] = r.until;
              render();
            });
          }
        })
      );
      li.append(text, tools);
      return li;
    }, function (li, c) {
      const until = assist.muted[c.viewer_id];
      const muted = Boolean(until && until > now);
      const mute = li.querySelector("button.mute");
      mute.dataset.muted = muted ? "true" : "false";
      mute.textContent = muted ? t.assist_unmute : t.assist_mute;
      mute.hidden = !c.viewer_id;
      li.classList.toggle("muted", muted);
    });
  }

  function renderQuestions() {
    const order = { open: 0, answered: 1, dismissed: 2 };
    const items = assist.questions.slice().sort(function (a, b) {
      return (order[a.status] - order[b.status]) || (a.created_at - b.created_at);
    });
    ui.questionsEmpty.hidden = items.length > 0;
    const open = items.filter(function (q) { return q.status === "open"; }).length;
    $("count-questions").textContent = open ? String(open) : "";
    sync(ui.questions, items, function (q) { return q.id; }, function (q) {
      const li = el("li", "item question");
      const text = el("div", "item-text");
      text.append(el("span", "nick", q.nickname), el("span", "question-text", q.text), el("span", "answer-text"),
        el("span", "q-state"));
      const form = el("form", "answer-form");
      const input = el("input", "answer-input");
      input.maxLength = 300;
      input.placeholder = t.assist_answer_placeholder;
      input.setAttribute("enterkeyhint", "send");
      const send = el("button", "answer", t.assist_answer);
      send.type = "submit";
      form.append(input, send);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        const answer = input.value.trim();
        if (!answer) return;
        act("PATCH", "/questions/" + encodeURIComponent(q.id), { answer: answer }, function (updated) {
          input.value = "";
          apply({ type: "question", question: updated });
          render();
        });
      });
      const tools = el("div", "tools");
      tools.append(
        button("pin-question", "", function (e) {
          const pinned = e.currentTarget.dataset.pinned === "true";
          act("PATCH", "/questions/" + encodeURIComponent(q.id), { pinned: !pinned }, function (updated) {
            apply({ type: "question", question: updated });
            render();
          });
        }),
        button("dismiss", t.assist_dismiss, function () {
          act("PATCH", "/questions/" + encodeURIComponent(q.id), { status: "dismissed" }, function (updated) {
            apply({ type: "question", question: updated });
            render();
          });
        })
      );
      li.append(text, form, tools);
      return li;
    }, function (li, q) {
      li.dataset.status = q.status;
      li.querySelector(".answer-text").textContent = q.answer ? "↳ " + q.answer : "";
      li.querySelector(".q-state").textContent = q.status === "answered" ? t.assist_answered
        : q.status === "dismissed" ? t.assist_dismissed : "";
      li.querySelector(".answer-form").hidden = q.status !== "open";
      const pin = li.querySelector("button.pin-question");
      pin.dataset.pinned = q.pinned ? "true" : "false";
      pin.textContent = q.pinned ? t.assist_unpin_question : t.assist_pin_question;
      li.querySelector("button.dismiss").hidden = q.status !== "open";
    });
  }

  function render() {
    if (assist.state !== "ready") return;
    renderShow();
    renderCart();
    renderComments();
    renderQuestions();
    ui.online.hidden = !assist.connected;
    ui.online.textContent = fill(t.assist_online, { count: assist.online });
  }

  // --- start --------------------------------------------------------------------------------------

  // Who the link is for; false (and the page says why) when it cannot be used.
  async function check() {
    const result = await call("GET", "/assistant");
    if (result.ok) {
      assist.me = result.data;
      return true;
    }
    if (result.status === 0 || result.status >= 500) return true; // offline for a moment: keep trying
    refuse(result.code, result.message, result.data);
    return false;
  }

  function bind() {
    ui.next.addEventListener("click", async function () {
      if (busyNext) return;
      busyNext = true; // one tap, one cue: a double tap must not skip a segment
      ui.next.disabled = true;
      // The cue on air as this page saw it: if the host (or auto-advance) moved on meanwhile, the relay
      // refuses instead of skipping a segment.
      const run = assist.rundown;
      const fromCue = run && run.running ? run.cue : 0;
      await act("POST", "/rundown/next", { from_cue: fromCue }, function (state) { assist.rundown = state; });
      busyNext = false;
      render();
    });
    ui.stop.addEventListener("click", function () {
      if (window.confirm(t.assist_stop_confirm)) {
        act("POST", "/rundown/stop", undefined, function (state) { assist.rundown = state; render(); });
      }
    });
    ui.tabs.addEventListener("click", function (event) {
      const tab = event.target.closest("[data-tab]");
      if (!tab) return;
      ui.tabs.querySelectorAll("[data-tab]").forEach(function (b) {
        b.setAttribute("aria-selected", b === tab ? "true" : "false");
      });
      document.querySelectorAll("[data-panel]").forEach(function (panel) {
        panel.hidden = panel.dataset.panel !== tab.dataset.tab;
      });
    });
    const other = config.lang === "zh-CN" ? "en" : "zh";
    ui.lang.href = "?lang=" + other + window.location.hash;
    window.setInterval(renderTime, 1000);
  }

  async function start() {
    bind();
    if (!token) {
      refuse("need_link");
      return;
    }
    while (!assist.me) { // a relay out of reach for a moment: try again
      if (!(await check())) return;
      if (!assist.me) await new Promise(function (resolve) { window.setTimeout(resolve, 2000); });
    }
    assist.state = "ready";
    ui.who.textContent = fill(t.assist_as, { label: assist.me.label || assist.me.actor }) +
      (assist.me.expires_at ? " · " + fill(t.assist_valid_until, { time: localTime(assist.me.expires_at) }) : "");
    ui.console.hidden = false;
    render();
    connect();
  }

  start();
})();
