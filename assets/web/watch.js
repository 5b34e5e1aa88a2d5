// ShopCast viewer page: waits for the room to go live, then plays its HLS ladder with hls.js
// (or the browser's own HLS on iOS Safari), or, with the "ultra-low latency" switch on, the top rung
// over WebRTC from the relay's WHEP endpoint (a plain RTCPeerConnection), falling back to LL-HLS with
// a short note when the relay refuses (seats full) or the connection fails. State lives on
// window.shopcast for tests and debugging (transport: "webrtc" | "hls" | null).
//
// Formats: a dual-format show offers its stream in two canvases, each with its own multivariant
// playlist (config.formats / the room API's `formats`, primary first: {name, url, width, height}).
// A portrait screen plays a portrait format when there is one, a landscape screen a landscape one,
// else the primary; turning the phone restarts the player on the other playlist. The chosen one is
// shopcast.format (null while nothing plays). The player box follows the playing stream's shape; a
// portrait stream on a portrait screen takes the whole viewport (body.fill, see watch.css).
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("shopcast-config").textContent);
  const t = JSON.parse(document.getElementById("shopcast-strings").textContent);
  const video = document.getElementById("video");
  const overlay = document.getElementById("overlay");
  const overlayTitle = document.getElementById("overlay-title");
  const overlayHint = document.getElementById("overlay-hint");
  const badge = document.getElementById("live-badge");
  const unmute = document.getElementById("unmute");
  const qualityWrap = document.getElementById("quality-wrap");
  const quality = document.getElementById("quality");
  const ullSwitch = document.getElementById("ull");
  const ullNote = document.getElementById("ull-note");
  const player = document.getElementById("player");
  const portraitScreen = window.matchMedia ? window.matchMedia("(orientation: portrait)") : null;

  const POLL_MS = 2000;
  // streamStartedAt identifies the stream being played: the relay changes it with every broadcast.
  const shopcast = { state: "offline", hls: null, errors: [], streamStartedAt: null, roomState: null,
    transport: null, ull: ullPreference(), pc: null, whep: null, ullNote: null,
    formats: config.formats || [], format: null, clockTicks: [], shownPicture: null };
  window.shopcast = shopcast;
  const HLS_JS = "/static/vendor/hls.min.js";
  let hlsLoading = null;  // the promise of hls.js, fetched once, when an HLS player is first wanted
  let hlsRun = 0;  // bumped by every start and stop: a player whose hls.js arrives late is not started
  const WHEP_URL = "/api/v1/rooms/" + encodeURIComponent(config.room) + "/whep";
  const WEBRTC_PICTURE_MS = 10000;  // connected but no picture this long: fall back
  const WEBRTC_DISCONNECTED_MS = 4000;  // "disconnected" this long: fall back
  // What watch.html's <head> started (a WebRTC offer or hls.js) and its offer-making.
  const boot = window.shopcastBoot || {};
  const NOTE_MS = 10000;
  let webrtcRun = 0;  // bumped by every start and stop: a slower, older attempt then knows it is moot
  let noteTimer = null;
  let shape = null;  // [width, height] of the picture shown last: the player box keeps it between streams

  // ?ull=1 or ?ull=0 chooses; else the viewer's last choice on this browser; else LL-HLS.
  function ullPreference() {
    const asked = new URLSearchParams(location.search).get("ull");
    if (asked === "1" || asked === "0") return asked === "1";
    try { return localStorage.getItem("shopcast.ull") === "1"; } catch (e) { return false; }
  }

  const messages = {
    offline: [t.offline, t.offline_hint],
    connecting: [t.connecting, ""],
    reconnecting: [t.reconnecting, ""],
    ended: [t.ended, t.ended_hint],
    unsupported: [t.no_player, ""],
  };

  function setState(state) {
    shopcast.state = state;
    overlay.dataset.state = state;
    const playing = state === "live";
    overlay.hidden = playing;
    badge.hidden = !(state === "live" || state === "connecting");
    if (!playing) {
      const [title, hint] = messages[state] || ["", ""];
      overlayTitle.textContent = title;
      overlayHint.textContent = hint;
    }
    // The show is over: its replay (app/relay/api_replay.py, /watch/{room}/replay → the last show).
    const replayLink = document.getElementById("replay-link");
    if (replayLink) {
      replayLink.hidden = state !== "ended";
      replayLink.href = "/watch/" + encodeURIComponent(config.room) + "/replay";
      replayLink.textContent = t.watch_replay;
    }
  }

  function stopHls() {
    if (shopcast.hls) {
      shopcast.hls.destroy();
      shopcast.hls = null;
    }
    if (video.hasAttribute("src")) {
      video.removeAttribute("src");
      video.load();
    }
    qualityWrap.hidden = true;
  }

  function stopWebRTC() {
    webrtcRun += 1;
    const pc = shopcast.pc;
    if (pc) {
      shopcast.pc = null;
      pc.close();
    }
    if (shopcast.whep) {
      // Free the seat now rather than when the relay notices the silence.
      fetch(shopcast.whep, { method: "DELETE", keepalive: true }).catch(function () {});
      shopcast.whep = null;
    }
    shopcast.clockTicks = [];
    shopcast.shownPicture = null;
    if (video.srcObject) video.srcObject = null;
  }

  // The stream time (Unix seconds, the playlists' EXT-X-PROGRAM-DATE-TIME scale) of the picture on
  // the screen, or null when nothing tells it. room.js holds the room's timed events until the
  // picture reaches them. LL-HLS: hls.js's playingDate (or the native player's start date);
  // WebRTC: the relay's clock ticks on the WHEP data channel (the time the picture sent with each
  // reached the relay), matched to the picture on the screen by when its packets arrived.
  shopcast.pictureTime = function () {
    if (shopcast.transport === "hls") {
      const date = shopcast.hls ? shopcast.hls.playingDate : null;
      if (date) return date.getTime() / 1000;
      if (!shopcast.hls && video.getStartDate) {
        const start = video.getStartDate().getTime();
        if (!isNaN(start) && start > 0) return start / 1000 + video.currentTime;
      }
      return null;
    }
    if (shopcast.transport !== "webrtc") return null;
    const now = performance.now();
    const shown = shopcast.shownPicture;
    if (shown && now - shown.at < 1000) return shown.t + (now - shown.at) / 1000;
    const ticks = shopcast.clockTicks;
    const tick = ticks.length ? ticks[ticks.length - 1] : null;  // no frame timing: the newest tick
    return tick && now - tick.received < 2000 ? tick.t + (now - tick.received) / 1000 : null;
  };

  // Each picture the <video> presents (WebRTC): its time is the tick received with its packets.
  function followPictures(run) {
    if (!video.requestVideoFrameCallback) return;
    function presented(now, meta) {
      if (run !== webrtcRun) return;
      const ticks = shopcast.clockTicks;
      if (meta.receiveTime && ticks.length) {
        let tick = ticks[0];
        for (const each of ticks) if (each.received <= meta.receiveTime + 1) tick = each;
        shopcast.shownPicture = { t: tick.t + Math.max(0, meta.receiveTime - tick.received) / 1000, at: now };
      }
      video.requestVideoFrameCallback(presented);
    }
    video.requestVideoFrameCallback(presented);
  }

  function stopPlayer() {
    hlsRun += 1;
    stopHls();
    stopWebRTC();
    shopcast.transport = null;
    shopcast.format = null;
    shopcast.streamStartedAt = null;
  }

  // --- formats (canvases) and the player's shape ------------------------------------------------

  function portraitView() {
    return portraitScreen ? portraitScreen.matches : window.innerHeight > window.innerWidth;
  }

  function pickFormat() {
    const formats = shopcast.formats;
    if (!formats.length) return null;
    const portrait = portraitView();
    const fits = formats.find(function (f) {
      return f.width && f.height && (portrait ? f.height > f.width : f.width > f.height);
    });
    return fits || formats[0];
  }

  function useFormat(format) {
    shopcast.format = format ? { name: format.name, url: format.url, width: format.width, height: format.height } : null;
    if (format && format.width && format.height) shape = [format.width, format.height];
    layout();
  }

  function layout() {
    // The picture's own size once known (the format's until then): the box takes its aspect ratio,
    // and a portrait picture on a portrait screen fills the viewport (cover, no distortion).
    if (video.videoWidth && video.videoHeight) shape = [video.videoWidth, video.videoHeight];
    const size = shape || [16, 9];
    player.style.setProperty("--aspect", size[0] + " / " + size[1]);
    player.style.setProperty("--ratio", String(size[0] / size[1]));
    document.body.classList.toggle("fill", size[1] > size[0] && portraitView());
    // A landscape picture on a portrait screen: shown whole, centred over a blurred copy of itself.
    const letterbox = size[0] > size[1] && portraitView() && video.videoWidth > 0;
    document.body.classList.toggle("letterbox", letterbox);
    if (letterbox) {
      backdrop.width = 64;
      backdrop.height = Math.max(1, Math.round(64 * size[1] / size[0]));
    }
  }

  // The blurred copy is the picture drawn small into a canvas a few times a second (CSS blurs and
  // darkens it): no second decoder, a few microseconds a frame.
  const backdrop = document.getElementById("backdrop");
  const backdropContext = backdrop.getContext("2d");
  shopcast.backdropFrames = 0;
  window.setInterval(function () {
    if (!document.body.classList.contains("letterbox") || document.hidden || video.readyState < 2) return;
    try {
      backdropContext.drawImage(video, 0, 0, backdrop.width, backdrop.height);
      shopcast.backdropFrames += 1;
    } catch (e) { /* a picture the canvas may not read */ }
  }, 150);

  function followScreen() {
    // The screen turned (or the formats changed): play the format that fits it now.
    layout();
    // WHEP carries only the primary canvas (the studio's realtime sample stream is the primary's
    // top rung), so with ultra-low latency on there is nothing to switch to.
    if (shopcast.transport !== "hls" || shopcast.roomState !== "live" || !hasPlayer()) return;
    const wanted = pickFormat();
    if (wanted && shopcast.format && wanted.name !== shopcast.format.name) startPlayer(shopcast.streamStartedAt);
  }

  function hasPlayer() {
    return shopcast.hls !== null || video.hasAttribute("src") || shopcast.pc !== null;
  }

  function showNote(reason) {
    shopcast.ullNote = reason;
    ullNote.textContent = t["ull_" + reason] || "";
    ullNote.hidden = false;
    window.clearTimeout(noteTimer);
    noteTimer = window.setTimeout(function () { ullNote.hidden = true; }, NOTE_MS);
  }

  function hideNote() {
    window.clearTimeout(noteTimer);
    ullNote.hidden = true;
  }

  function fillQualities(levels) {
    quality.length = 1;
    levels.forEach(function (level, index) {
      const option = document.createElement("option");
      option.value = String(index);
      // Rungs are named by the picture's short side: a portrait 720x1280 is "720p".
      option.textContent = Math.min(level.width || level.height, level.height) + "p";
      quality.appendChild(option);
    });
    qualityWrap.hidden = levels.length < 2;
  }

  function play() {
    const attempt = video.play();
    if (attempt && attempt.catch) attempt.catch(function () { /* autoplay refused: the unmute button stays */ });
    unmute.hidden = !video.muted;
  }

  function startPlayer(streamStartedAt) {
    stopPlayer();
    shopcast.streamStartedAt = streamStartedAt;
    setState("connecting");
    if (shopcast.ull) {
      startWebRTC();
    } else {
      startHls();
    }
  }

  // --- WebRTC (WHEP) ---------------------------------------------------------------------------

  function takeEarlyPeer() {
    // The peer connection watch.html's <head> made and offered (for the same live room and switch).
    const peer = boot.peer || null;
    boot.peer = null;
    return peer;
  }

  async function startWebRTC() {
    if (!window.RTCPeerConnection) {
      fallBack("unsupported");
      return;
    }
    stopWebRTC();
    const run = webrtcRun;
    shopcast.transport = "webrtc";
    // WHEP serves only the primary canvas, whatever the screen's orientation.
    useFormat(shopcast.formats[0] || null);
    qualityWrap.hidden = true;
    const early = takeEarlyPeer();
    const pc = early ? early.pc : new RTCPeerConnection({ iceServers: [] });
    shopcast.pc = pc;
    if (!early) {
      boot.preferH264(pc.addTransceiver("video", { direction: "recvonly" }));
      pc.addTransceiver("audio", { direction: "recvonly" });
    }
    // The relay's clock for the pictures it sends (app/relay/whep.py): {"t": seconds}, ~10 a second.
    const clock = early ? early.clock : pc.createDataChannel("shopcast-clock", { ordered: false, maxRetransmits: 0 });
    clock.addEventListener("message", function (event) {
      if (run !== webrtcRun) return;
      try {
        const tick = JSON.parse(event.data);
        if (typeof tick.t !== "number") return;
        shopcast.clockTicks.push({ t: tick.t, received: performance.now() });
        if (shopcast.clockTicks.length > 40) shopcast.clockTicks.shift();
      } catch (e) { /* not ours */ }
    });
    const stream = new MediaStream();
    let disconnectedTimer = null;
    pc.addEventListener("connectionstatechange", function () {
      if (run !== webrtcRun) return;
      window.clearTimeout(disconnectedTimer);
      if (pc.connectionState === "failed" || pc.connectionState === "closed") {
        lostWebRTC();
      } else if (pc.connectionState === "disconnected") {
        disconnectedTimer = window.setTimeout(function () { if (run === webrtcRun) lostWebRTC(); }, WEBRTC_DISCONNECTED_MS);
      }
    });
    window.setTimeout(function () {
      if (run === webrtcRun && shopcast.state !== "live") {
        shopcast.errors.push("webrtc: no picture within " + WEBRTC_PICTURE_MS + " ms");
        fallBack("failed");
      }
    }, WEBRTC_PICTURE_MS);
    try {
      // The relay's answer, applied (boot.offer in watch.html): the tracks are there.
      const answer = await (early ? early.answer : boot.offer(pc, WHEP_URL));
      if (answer.status !== 201) {
        // Told no (seats full, no realtime stream, not live): say why, play LL-HLS.
        let code = "";
        try { code = JSON.parse(answer.text).error || ""; } catch (e) { /* not JSON */ }
        shopcast.errors.push("whep: HTTP " + answer.status + " " + code);
        if (run === webrtcRun) fallBack(code === "seats_full" ? "full" : "unavailable");
        return;
      }
      const resource = new URL(answer.location, location.href).href;
      if (run !== webrtcRun) {
        fetch(resource, { method: "DELETE", keepalive: true }).catch(function () {});
        return;
      }
      shopcast.whep = resource;
      if (answer.error) throw answer.error;
      pc.getReceivers().forEach(function (receiver) { stream.addTrack(receiver.track); });
      video.srcObject = stream;
      play();
      followPictures(run);
    } catch (error) {
      shopcast.errors.push("webrtc: " + String(error));
      if (run === webrtcRun) fallBack("failed");
    }
  }

  async function lostWebRTC() {
    // The relay closed the connection or the network went: if the room is still live, LL-HLS
    // takes over; if the broadcast ended or stopped, the poll below says so.
    const run = webrtcRun;
    try {
      const response = await fetch(config.room_api, { cache: "no-store" });
      const room = response.ok ? await response.json() : null;
      if (run !== webrtcRun) return;
      if (room && room.state !== "live") {
        stopPlayer();
        setState(room.state === "offline" ? "offline" : "ended");
        return;
      }
    } catch (error) {
      shopcast.errors.push(String(error));
    }
    if (run === webrtcRun) fallBack("failed");
  }

  function fallBack(reason) {
    stopWebRTC();
    shopcast.ull = false;
    ullSwitch.checked = false;
    showNote(reason);
    setState("connecting");
    startHls();
  }

  // --- HLS -------------------------------------------------------------------------------------

  // hls.js (600 KiB) is not a blocking script of the page: fetched when an HLS player is wanted (at
  // once unless the viewer chose ultra-low latency), so the room, the feed and a WebRTC player start
  // without waiting for it to download and parse (benchmarks/first_frame.py).
  function loadHls() {
    if (!hlsLoading && boot.hls) {
      // Asked for by watch.html's <head> as the page arrived.
      hlsLoading = boot.hls.then(function () { if (!window.Hls) shopcast.errors.push("hls.js did not load"); });
    }
    if (!hlsLoading) {
      hlsLoading = new Promise(function (resolve) {
        if (window.Hls) { resolve(); return; }
        const script = document.createElement("script");
        script.src = HLS_JS;
        script.async = true;
        script.onload = function () { resolve(); };
        script.onerror = function () { shopcast.errors.push("hls.js did not load"); resolve(); };
        document.head.appendChild(script);
      });
    }
    return hlsLoading;
  }

  function startHls() {
    shopcast.transport = "hls";
    useFormat(pickFormat());
    const url = shopcast.format ? shopcast.format.url : config.hls_url;
    const run = ++hlsRun;
    loadHls().then(function () {
      if (run === hlsRun && shopcast.transport === "hls") attachHls(url);
    });
  }

  function takeHlsStart(url) {
    // The relay's playlists and start (app/relay/player_boot.py), once, in the first second.
    const start = config.hls_start;
    config.hls_start = null;
    if (!start || performance.now() > 1000) return null;
    return new URL(url, location.href).pathname in start.playlists ? start : null;
  }

  function pagePlaylists(playlists) {
    // Each playlist the page came with, once, from the page.
    const Base = window.Hls.DefaultConfig.loader;
    return class extends Base {
      load(context, loadConfig, callbacks) {
        const where = new URL(context.url, location.href);
        const text = where.search ? null : playlists[where.pathname];
        if (typeof text !== "string") return super.load(context, loadConfig, callbacks);
        delete playlists[where.pathname];
        const stats = this.stats;
        stats.loading.start = stats.loading.first = stats.loading.end = performance.now();
        stats.loaded = stats.total = text.length;
        this.context = context;
        this.callbacks = callbacks;
        Promise.resolve().then(() => {  // an absolute url: the playlists' URIs are resolved against it
          if (this.callbacks === callbacks) callbacks.onSuccess({ url: where.href, data: text, code: 200 }, stats, context, null);
        });
      }
    };
  }

  function quickAudio() {
    // hls.js's audio waits for the video's timestamps, then for its next tick or two: not this one.
    return class extends window.Hls.DefaultConfig.audioStreamController {
      onInitPtsFound(event, data) {
        super.onInitPtsFound(event, data);
        if (this.state === "WAITING_INIT_PTS" && !this.waitingData) {
          this.state = "IDLE";
          this.tick();
        }
      }
    };
  }

  function attachHls(url) {
    if (window.Hls && window.Hls.isSupported()) {
      // Low-latency mode loads LL-HLS parts and holds back PART-HOLD-BACK (1 s) from the live edge;
      // a plain-HLS stream falls back to HOLD-BACK. No liveSyncDuration here: set, it would override both.
      // ?ll=0 plays whole segments only (a steadier picture on a poor network, ~3 s behind).
      const lowLatency = new URLSearchParams(location.search).get("ll") !== "0";
      // The lowest rung first, then ABR steps up; no worker (it would parse hls.js again, ~70-300 ms).
      const options = { lowLatencyMode: lowLatency, maxLiveSyncPlaybackRate: 1.2, backBufferLength: 30, startLevel: 0,
        enableWorker: false, audioStreamController: quickAudio() };
      const start = lowLatency ? takeHlsStart(url) : null;
      if (start) {
        // Start at the relay's keyframe, before the MediaSource opens, with the files asked for at
        // once (immutable: hls.js's requests are then answered from the browser's cache).
        options.pLoader = pagePlaylists(start.playlists);
        options.startPosition = start.start;
        options.startFragPrefetch = true;
        (boot.prefetch || []).forEach(function (file) {
          fetch(file).then(function (r) { return r.arrayBuffer(); }).catch(function () { /* hls.js asks */ });
        });
      }
      const hls = new window.Hls(options);
      shopcast.hls = hls;
      hls.on(window.Hls.Events.MANIFEST_PARSED, function (_event, data) {
        fillQualities(data.levels);
        play();
      });
      hls.on(window.Hls.Events.ERROR, function (_event, data) {
        shopcast.errors.push(data.details);
        if (!data.fatal) return;
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
          return;
        }
        stopPlayer();
        setState("reconnecting");
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = url;
      play();
    } else {
      setState("unsupported");
    }
  }

  video.addEventListener("loadedmetadata", layout);
  video.addEventListener("resize", layout);
  if (portraitScreen) {
    if (portraitScreen.addEventListener) portraitScreen.addEventListener("change", followScreen);
    else if (portraitScreen.addListener) portraitScreen.addListener(followScreen);  // Safari < 14
  } else {
    window.addEventListener("resize", followScreen);
  }
  video.addEventListener("playing", function () {
    if (shopcast.state !== "ended") setState("live");
  });
  video.addEventListener("ended", function () {
    stopPlayer();
    setState("ended");
  });
  video.addEventListener("error", function () {
    // Native HLS (Safari) reports failures here; hls.js reports through its own ERROR event.
    if (shopcast.hls === null && video.hasAttribute("src")) {
      shopcast.errors.push("video error " + (video.error ? video.error.code : "?"));
      stopPlayer();
      setState("reconnecting");
    }
  });
  ullSwitch.checked = shopcast.ull;
  ullSwitch.addEventListener("change", function () {
    shopcast.ull = ullSwitch.checked;
    try { localStorage.setItem("shopcast.ull", shopcast.ull ? "1" : "0"); } catch (e) { /* private mode */ }
    hideNote();
    shopcast.ullNote = null;
    // Switch now if something is playing (or trying to); otherwise the next start follows the switch.
    if (hasPlayer() && shopcast.roomState === "live") startPlayer(shopcast.streamStartedAt);
  });
  window.addEventListener("pagehide", function () {
    if (shopcast.whep) fetch(shopcast.whep, { method: "DELETE", keepalive: true }).catch(function () {});
  });
  unmute.addEventListener("click", function () {
    video.muted = false;
    unmute.hidden = true;
    play();
  });
  quality.addEventListener("change", function () {
    if (shopcast.hls) shopcast.hls.currentLevel = Number(quality.value);
  });

  let lastTime = -1;
  function stuckAtTheEnd() {
    const hls = shopcast.hls;
    const level = hls && hls.currentLevel >= 0 ? hls.levels[hls.currentLevel] : null;
    if (!level || !level.details || level.details.live || video.buffered.length === 0) return false;
    const atEnd = video.buffered.end(video.buffered.length - 1) - video.currentTime < 0.5;
    const still = video.currentTime === lastTime;
    lastTime = video.currentTime;
    return atEnd && still;
  }

  async function poll() {
    try {
      const response = await fetch(config.room_api, { cache: "no-store" });
      if (response.ok) {
        const room = await response.json();
        shopcast.roomState = room.state;
        if (Array.isArray(room.formats)) shopcast.formats = room.formats;
        const playing = hasPlayer();
        if (room.state === "live") {
          // Start, restart after an error, or switch to a new broadcast that replaced this one.
          if (!playing || shopcast.state === "reconnecting" || room.stream_started_at !== shopcast.streamStartedAt) {
            startPlayer(room.stream_started_at);
          } else {
            followScreen();  // a second canvas came (or went): perhaps it fits this screen better
          }
        } else if (room.state === "offline") {
          // The stream stopped without ending (the studio crashed or lost its network).
          if (playing) stopPlayer();
          setState("offline");
        } else if (!playing || stuckAtTheEnd()) {
          // A playing player normally reaches the end by itself ("ended" below). With LL-HLS the
          // audio's last part can reach past the video's, and hls.js then never closes the stream:
          // playback sits a few milliseconds before the end, so that counts as the end too.
          if (playing) stopPlayer();
          setState("ended");
        }
      }
    } catch (error) {
      shopcast.errors.push(String(error));
    }
    window.setTimeout(poll, POLL_MS);
  }

  if (!shopcast.ull) loadHls();  // fetched while the page sets up: ready when the stream is
  setState("offline");
  layout();
  if (config.state === "live") {
    shopcast.roomState = "live";
    startPlayer(config.stream_started_at);
  }
  poll();
})();
