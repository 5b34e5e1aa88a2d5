// The replay page (直播回放) and product clips: chapters, jump-to, buy at the regular price.
// Config from the page (app/relay/api_replay.py); the replay's chapters from its API.
(function () {
  "use strict";
  // Config and strings as on the watch page: filled in by the relay (api_replay.py), the strings from
  // assets/web/i18n/{en,zh-CN}.json in the viewer's language.
  const config = JSON.parse(document.getElementById("shopcast-config").textContent);
  const t = JSON.parse(document.getElementById("shopcast-strings").textContent);
  const fmt = (template, vars) => String(template).replace(/\{(\w+)\}/g, (_, k) => (vars && k in vars ? vars[k] : ""));
  const $ = (id) => document.getElementById(id);
  function money(value) {
    try {
      return new Intl.NumberFormat(config.lang, { style: "currency", currency: "CNY", currencyDisplay: "narrowSymbol" }).format(value);
    } catch (e) {
      return "¥" + Number(value).toFixed(2);
    }
  }
  const video = $("video");
  const status = (text) => { $("r-status").textContent = text; };
  const hex = window.shopcastIdentity.randomHex;  // identity.js: the same viewer as on the live page
  const clock = (s) => Math.floor(s / 60) + ":" + String(Math.floor(s % 60)).padStart(2, "0");
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    const { dataset, ...rest } = attrs || {};
    Object.assign(node, rest);
    Object.assign(node.dataset, dataset || {});
    for (const child of [].concat(children || [])) node.append(child);
    return node;
  }

  const state = { info: null, chapters: [], offset: 0, hls: null, orders: [] };
  window.shopcast = state;

  function load(url) {
    if (window.Hls && window.Hls.isSupported()) {
      const hls = new window.Hls({ lowLatencyMode: false });
      state.hls = hls;
      hls.loadSource(url);
      hls.attachMedia(video);
    } else {
      video.src = url;
    }
    video.play().catch(() => { /* autoplay refused: the controls are there */ });
  }

  // Jump to a chapter: media time of the replay (a clip starts at its first segment).
  function seek(seconds) {
    video.currentTime = Math.max(0, seconds - state.offset);
    video.play().catch(() => {});
  }
  state.seek = seek;

  function renderChapters() {
    const list = $("r-chapters");
    list.replaceChildren();
    for (const chapter of state.chapters) {
      const button = el("button", { type: "button", textContent: chapter.title || chapter.sku });
      button.addEventListener("click", () => seek(chapter.start));
      list.append(el("li", { dataset: { sku: chapter.sku, start: chapter.start } }, [
        el("span", { className: "r-time", textContent: clock(chapter.start) }), button,
      ]));
    }
  }

  async function buy(sku) {
    const response = await fetch(config.room_api + "/orders", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": hex(16) },
      body: JSON.stringify({ sku: sku, qty: 1, source: "replay" }),
    });
    const data = await response.json().catch(() => ({}));
    if (response.ok) {
      state.orders.push(data);
      status(t.replay_ordered);
    } else {
      status(t["err_" + data.error] || fmt(t.err_generic, { message: data.message || response.statusText }));
    }
  }
  state.buy = buy;

  function renderProducts(products) {
    const list = $("r-products");
    list.replaceChildren();
    const sales = new Set((state.info.flash_sales || []).map((s) => s.sku));
    for (const product of products) {
      const chapter = state.chapters.find((c) => c.sku === product.sku);
      // A product with options (size, colour) is bought as one of them: a button each.
      const choices = product.options && product.options.length ? product.options : [product];
      const buyButtons = choices.map((choice) => {
        const label = [t.replay_buy, choice === product ? "" : choice.option, money(choice.price)].filter(Boolean).join(" ");
        const button = el("button", { type: "button", className: "buy", textContent: label, disabled: choice.stock <= 0 });
        button.dataset.sku = choice.sku;
        button.addEventListener("click", () => buy(choice.sku));
        return button;
      });
      const children = [el("span", { className: "r-name", textContent: product.title })];
      if (sales.has(product.sku)) children.push(el("span", { className: "r-ended", textContent: t.replay_flash_ended }));
      if (chapter && !config.clip) {
        const jump = el("button", { type: "button", className: "jump", textContent: t.watch_explanation });
        jump.addEventListener("click", () => seek(chapter.start));
        children.push(jump);
      }
      children.push(...buyButtons);
      list.append(el("li", { dataset: { sku: product.sku } }, children));
    }
  }

  video.addEventListener("timeupdate", () => {
    const now = video.currentTime + state.offset;
    for (const item of $("r-chapters").children) {
      const chapter = state.chapters.find((c) => c.sku === item.dataset.sku && String(c.start) === item.dataset.start);
      item.classList.toggle("current", !!chapter && now >= chapter.start && now < chapter.end);
    }
  });

  async function start() {
    status(t.replay_loading);
    const response = await fetch(config.replay_api);
    const info = await response.json().catch(() => ({}));
    if (!response.ok) {
      status(t["replay_err_" + info.error] || fmt(t.replay_missing, { message: info.message || response.statusText }));
      return;
    }
    state.info = info;
    state.chapters = config.clip ? info.chapters.filter((c) => c.sku === config.clip).slice(0, 1) : info.chapters;
    if (config.clip && !state.chapters.length) {  // not explained (or, while live, not over yet)
      status(t.replay_err_clip_not_found);
      return;
    }
    if (config.clip) {
      // The clip's playlist starts at the segment holding the chapter's start.
      const segment = info.segment_starts.filter((s) => s <= state.chapters[0].start + 1e-3).pop();
      state.offset = segment || 0;
      $("r-title").textContent += " · " + fmt(t.replay_clip, { title: state.chapters[0].title || config.clip });
    }
    renderChapters();
    status("");
    load(config.hls_url);
    const products = await fetch(config.room_api + "/products").then((r) => (r.ok ? r.json() : []));
    renderProducts(config.clip ? products.filter((p) => p.sku === config.clip) : products);
  }
  start();
})();
