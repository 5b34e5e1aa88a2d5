// ShopCast viewer page: waits for the room to go live, then plays its HLS ladder with hls.js
// (or the browser's own HLS on iOS Safari). State lives on window.shopcast for tests and debugging.
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

  const POLL_MS = 2000;
  // streamStartedAt identifies the stream being played: the relay changes it with every broadcast.
  const shopcast = { state: "offline", hls: null, errors: [], streamStartedAt: null, roomState: null };
  window.shopcast = shopcast;

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
  }

  function stopPlayer() {
    if (shopcast.hls) {
      shopcast.hls.destroy();
      shopcast.hls = null;
    }
    shopcast.streamStartedAt = null;
    video.removeAttribute("src");
    video.load();
    qualityWrap.hidden = true;
  }

  function hasPlayer() {
    return shopcast.hls !== null || video.hasAttribute("src");
  }

  function fillQualities(levels) {
    quality.length = 1;
    levels.forEach(function (level, index) {
      const option = document.createElement("option");
      option.value = String(index);
      option.textContent = level.height + "p";
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
    if (window.Hls && window.Hls.isSupported()) {
      // Low-latency mode loads LL-HLS parts and holds back PART-HOLD-BACK (1 s) from the live edge;
      // a plain-HLS stream falls back to HOLD-BACK. No liveSyncDuration here: set, it would override both.
      // ?ll=0 plays whole segments only (a steadier picture on a poor network, ~3 s behind).
      const lowLatency = new URLSearchParams(location.search).get("ll") !== "0";
      const hls = new window.Hls({ lowLatencyMode: lowLatency, maxLiveSyncPlaybackRate: 1.2, backBufferLength: 30 });
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
      hls.loadSource(config.hls_url);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = config.hls_url;
      play();
    } else {
      setState("unsupported");
    }
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
        const playing = hasPlayer();
        if (room.state === "live") {
          // Start, restart after an error, or switch to a new broadcast that replaced this one.
          if (!playing || shopcast.state === "reconnecting" || room.stream_started_at !== shopcast.streamStartedAt) {
            startPlayer(room.stream_started_at);
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

  setState("offline");
  if (config.state === "live") {
    shopcast.roomState = "live";
    startPlayer(config.stream_started_at);
  }
  poll();
})();
