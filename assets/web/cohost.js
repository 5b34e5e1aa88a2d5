// ShopCast co-host (连麦) guest page: check the camera and microphone, type a name, join the host's
// studio over WebRTC (WHIP at the relay, which forwards the offer to the studio), hear the show
// without your own voice (the studio's mix-minus), see the program (WHEP, when the relay has it),
// leave. No library: a plain RTCPeerConnection, no trickle ICE (the offer goes out complete).
//
// States (window.shopcastGuest.state): refused (the link cannot be used), checking (devices; ready
// when deviceCheck.ok), joining, live, left, kicked (the host ended it), failed (message says why).
//
// The link carries the invite's token in its fragment (/cohost/<room>#t=<token>): the browser never sends a
// fragment to a server, so the token is in no access log and no Referer. The page asks the relay about the
// invite (GET config.invite_url, the token as a bearer) and sends the token with the offer.
//
// ?test=clock sends a drawn picture instead of the camera (for latency benchmarks): a 1280x720 canvas
// at 30 fps with a moving bar, the guest's name, and the clock code (clock_code.js, twin of
// pipeline/sources/clock_code.py) of Date.now() at each frame, at x=380, y=40 with 10-pixel cells
// (TEST_PATTERN below; scale by the received width / 1280), plus a 440 Hz tone instead of the mic.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("shopcast-config").textContent);
  const token = new URLSearchParams(window.location.hash.slice(1)).get("t");
  const t = JSON.parse(document.getElementById("shopcast-strings").textContent);
  const $ = function (id) { return document.getElementById(id); };
  const ui = {
    invited: $("invited"), expires: $("expires"), refused: $("refused"), refusedText: $("refused-text"),
    stage: $("stage"), players: $("players"), preview: $("preview"), programTile: $("program-tile"),
    program: $("program"), programNote: $("program-note"), programSize: $("program-size"),
    micFill: $("mic-fill"), micNote: $("mic-note"), testNote: $("test-note"), status: $("status"),
    setup: $("setup"), camera: $("camera"), microphone: $("microphone"), devices: $("devices"),
    name: $("name"), nameError: $("name-error"), join: $("join"), liveControls: $("live-controls"),
    leave: $("leave"), tapAudio: $("tap-audio"), badge: $("live-badge"), returnAudio: $("return-audio"),
  };

  // The code is in the middle across: the studio's layouts crop a guest's picture at its sides.
  const TEST_PATTERN = { width: 1280, height: 720, fps: 30, x: 380, y: 40, cell: 10, tone_hz: 440 };
  let NAME_MAX = 32; // the invite's name_max once it is known
  const GATHER_TIMEOUT_MS = 5000;
  const CONNECT_TIMEOUT_MS = 15000;
  const RETRYABLE = ["studio_not_connected", "studio_timeout", "studio_refused", "invite_busy", "network", "ice",
    "cancelled", "bad_guest_name"];
  // Characters the relay refuses in a name (control, bidi and zero-width formatting; the joiners stay).
  const BAD_NAME = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/;

  const guest = {
    state: null, code: null, message: "", test: config.test, testPattern: config.test === "clock" ? TEST_PATTERN : null,
    deviceCheck: { ok: false, camera: false, microphone: false, error: null },
    devices: { cameras: [], microphones: [] }, micLevel: 0, micHeard: false,
    check: null, session: null, location: null, ended: null, pc: null, stream: null,
    returnAudio: { tracks: 0, playing: false, level: 0 },
    program: { state: "off", message: "" },
    history: [],
  };
  window.shopcastGuest = guest;

  let audioContext = null;
  let meterSource = null;
  let meterAnalyser = null;
  let testDrawing = false;
  let secret = null;
  let programPc = null;
  let programLocation = null;

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }

  function localTime(unix) {
    try {
      return new Date(unix * 1000).toLocaleString(config.lang === "zh-CN" ? "zh-CN" : undefined,
        { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return new Date(unix * 1000).toLocaleString();
    }
  }

  // An API refusal in the page's language: the code's own sentence, else the relay's (English) one.
  function errorText(code, message, details) {
    details = details || {};
    const key = "cohost_err_" + code;
    if (code === "studio_refused") {
      return fill(t[key], { detail: String(message || "").replace(/^the host's studio refused: /, "") });
    }
    if (t[key]) {
      return fill(t[key], { time: details.expired_at ? localTime(details.expired_at) : "", detail: message || "" });
    }
    return message || t.cohost_failed;
  }

  function setState(state, message, code) {
    guest.state = state;
    guest.message = message || "";
    guest.code = code || null;
    guest.history.push(state);
    const texts = {
      checking: guest.deviceCheck.ok ? t.cohost_ready : t.cohost_checking,
      joining: t.cohost_joining, live: t.cohost_live, left: t.cohost_left, kicked: t.cohost_kicked,
    };
    ui.status.dataset.state = state;
    ui.status.textContent = message || texts[state] || "";
    const before = state === "checking" || (state === "failed" && !guest.session && RETRYABLE.indexOf(code) >= 0);
    ui.setup.hidden = !before;
    // Devices can be switched before joining and while on (the same connection carries the new ones).
    ui.devices.hidden = guest.test === "clock" || !(before || state === "live" || state === "joining");
    ui.join.textContent = state === "failed" ? t.cohost_retry : t.cohost_join;
    ui.liveControls.hidden = !(state === "live" || state === "joining");
    ui.leave.hidden = state !== "live";
    ui.badge.hidden = state !== "live";
    ui.players.classList.toggle("live", state === "live");
    updateJoin();
  }

  function refuse(code, message, details) {
    guest.state = "refused";
    guest.code = code;
    guest.message = errorText(code, message, details);
    guest.history.push("refused");
    ui.refused.hidden = false;
    ui.refusedText.textContent = guest.message;
    ui.stage.hidden = true;
  }

  // --- name ---------------------------------------------------------------------------------------

  function nameProblem() {
    const name = ui.name.value.trim();
    if (!name) return t.cohost_name_empty;
    if (Array.from(name).length > NAME_MAX) return fill(t.cohost_name_long, { n: NAME_MAX });
    if (BAD_NAME.test(name)) return t.cohost_name_bad;
    return null;
  }

  function updateJoin() {
    const waiting = guest.state === "checking" || guest.state === "failed";
    ui.join.disabled = !(waiting && guest.deviceCheck.ok && !nameProblem());
  }

  // --- devices ------------------------------------------------------------------------------------

  function ensureAudioContext() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audioContext && Ctx) audioContext = new Ctx();
    return audioContext;
  }

  // Browsers start audio only after the user touched the page: resume at the first touch or key.
  function resumeAudio() {
    if (audioContext && audioContext.state === "suspended") audioContext.resume().catch(function () {});
    if (ui.returnAudio.srcObject && ui.returnAudio.paused) playReturnAudio();
  }
  ["pointerdown", "keydown", "touchstart"].forEach(function (kind) {
    document.addEventListener(kind, resumeAudio, { capture: true, passive: true });
  });

  function deviceErrorText(error) {
    const name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return ["denied", t.cohost_perm_denied];
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return ["no_device", t.cohost_no_device];
    if (name === "NotReadableError" || name === "TrackStartError" || name === "AbortError") return ["busy", t.cohost_device_busy];
    return ["error", fill(t.cohost_device_error, { detail: (error && (error.message || error.name)) || "?" })];
  }

  function constraints() {
    const video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
    if (ui.camera.value) video.deviceId = { exact: ui.camera.value }; else video.facingMode = "user";
    const audio = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    if (ui.microphone.value) audio.deviceId = { exact: ui.microphone.value };
    return { video: video, audio: audio };
  }

  async function listDevices(opened) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const all = await navigator.mediaDevices.enumerateDevices();
    const current = opened || guest.stream;
    const using = {
      videoinput: current && current.getVideoTracks()[0] ? current.getVideoTracks()[0].getSettings().deviceId : "",
      audioinput: current && current.getAudioTracks()[0] ? current.getAudioTracks()[0].getSettings().deviceId : "",
    };
    [["videoinput", ui.camera, "cameras", t.cohost_camera], ["audioinput", ui.microphone, "microphones", t.cohost_microphone]]
      .forEach(function (row) {
        const kind = row[0], select = row[1], key = row[2], label = row[3];
        const found = all.filter(function (d) { return d.kind === kind && d.deviceId; });
        guest.devices[key] = found.map(function (d) { return { id: d.deviceId, label: d.label }; });
        select.replaceChildren();
        found.forEach(function (device, index) {
          const option = document.createElement("option");
          option.value = device.deviceId;
          option.textContent = device.label || label + " " + (index + 1);
          select.appendChild(option);
        });
        if (using[kind]) select.value = using[kind];
      });
  }

  async function openDevices() {
    if (guest.test === "clock") return testSource();
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw Object.assign(new Error("insecure"), { name: "Insecure" });
    }
    try {
      return await navigator.mediaDevices.getUserMedia(constraints());
    } catch (error) {
      // Some phones cannot open a second camera while one is open: let go of the old one, try again.
      if (!guest.stream || (error.name !== "NotReadableError" && error.name !== "AbortError")) throw error;
      guest.stream.getTracks().forEach(function (track) { track.stop(); });
      return navigator.mediaDevices.getUserMedia(constraints());
    }
  }

  async function startDevices() {
    const live = guest.state === "live" || guest.state === "joining";
    if (!live) {
      guest.deviceCheck = { ok: false, camera: false, microphone: false, error: null };
      setState("checking");
    }
    let stream;
    try {
      stream = await openDevices();
    } catch (error) {
      const described = error && error.name === "Insecure" ? ["insecure", t.cohost_insecure] : deviceErrorText(error);
      if (live) {  // keep the session; say why the switch did not happen
        ui.status.textContent = described[1];
        return;
      }
      guest.deviceCheck.error = described[0];
      setState("checking", described[1], "device_" + described[0]);
      ui.status.dataset.state = "failed";
      return;
    }
    // The pickers are filled before the check says ready (labels are readable once a device is open).
    await listDevices(stream).catch(function () {});
    useStream(stream);
  }

  function useStream(stream) {
    const old = guest.stream;
    guest.stream = stream;
    const video = stream.getVideoTracks()[0] || null;
    const audio = stream.getAudioTracks()[0] || null;
    ui.preview.srcObject = stream;
    ui.preview.classList.toggle("mirror", guest.test !== "clock");
    ui.preview.play().catch(function () {});
    startMeter(stream);
    guest.deviceCheck = { ok: !!(video && audio), camera: !!video, microphone: !!audio, error: null };
    if (guest.pc) {  // switching devices while live: the same senders carry the new tracks
      guest.pc.getSenders().forEach(function (sender) {
        const kind = sender.track ? sender.track.kind : null;
        if (kind === "video" && video) sender.replaceTrack(video);
        if (kind === "audio" && audio) sender.replaceTrack(audio);
      });
    }
    if (old && old !== stream) old.getTracks().forEach(function (track) { track.stop(); });
    if (!guest.deviceCheck.ok) {
      setState(guest.state || "checking", t.cohost_no_device, "device_no_device");
      ui.status.dataset.state = "failed";
    } else if (guest.state === "checking") {
      setState("checking");
    }
  }

  function startMeter(stream) {
    const ctx = ensureAudioContext();
    if (!ctx || !stream.getAudioTracks().length) return;
    if (meterSource) meterSource.disconnect();
    meterSource = ctx.createMediaStreamSource(stream);
    meterAnalyser = ctx.createAnalyser();
    meterAnalyser.fftSize = 1024;
    meterSource.connect(meterAnalyser);
  }

  function rmsLevel(analyser, buffer) {
    analyser.getFloatTimeDomainData(buffer);
    let sum = 0;
    for (let i = 0; i < buffer.length; i++) sum += buffer[i] * buffer[i];
    const rms = Math.sqrt(sum / buffer.length);
    const db = 20 * Math.log10(rms + 1e-9);
    return Math.max(0, Math.min(1, (db + 60) / 60));  // -60 dBFS → 0, 0 dBFS → 1
  }

  const meterBuffer = new Float32Array(1024);
  setInterval(function () {
    if (!meterAnalyser) return;
    const level = rmsLevel(meterAnalyser, meterBuffer);
    guest.micLevel = level;
    if (level > 0.15) guest.micHeard = true;
    ui.micFill.style.width = Math.round(level * 100) + "%";
    ui.micNote.textContent = guest.micHeard ? t.cohost_mic_ok : t.cohost_mic_silent;
  }, 100);

  // --- ?test=clock: a drawn picture and a tone instead of the camera and microphone ----------------

  function testSource() {
    const p = TEST_PATTERN;
    const canvas = document.createElement("canvas");
    canvas.width = p.width;
    canvas.height = p.height;
    const ctx = canvas.getContext("2d");
    testDrawing = true;
    function draw() {
      if (!testDrawing) return;
      const now = Date.now();
      ctx.fillStyle = "#20232e";
      ctx.fillRect(0, 0, p.width, p.height);
      const x = (now / 4) % (p.width + 200) - 200;  // a bar crossing every ~1.8 s: motion for the encoder
      ctx.fillStyle = "#ff2d55";
      ctx.fillRect(x, 120, 200, p.height - 240);
      ctx.fillStyle = "#3a3f52";  // a quiet band behind the code
      ctx.fillRect(p.x - p.cell, p.y - p.cell, (ClockCode.CELLS + 2) * p.cell, 3 * p.cell);
      ClockCode.draw(ctx, now, p.x, p.y, p.cell);
      ctx.fillStyle = "#fff";
      ctx.font = "bold 64px system-ui, sans-serif";
      ctx.fillText(ui.name.value.trim() || "Guest", 40, p.height - 120);
      ctx.font = "48px ui-monospace, monospace";
      ctx.fillText(new Date(now).toISOString().slice(11, 23), 40, p.height - 50);
      if (document.hidden) setTimeout(draw, 1000 / p.fps); else requestAnimationFrame(draw);
    }
    draw();
    const video = canvas.captureStream(p.fps).getVideoTracks()[0];
    video.contentHint = "detail";  // keep the resolution (the code must stay readable) over the frame rate
    const tracks = [video];
    const ctxAudio = ensureAudioContext();
    if (ctxAudio) {
      const tone = ctxAudio.createOscillator();
      tone.frequency.value = p.tone_hz;
      const gain = ctxAudio.createGain();
      gain.gain.value = 0.2;
      const out = ctxAudio.createMediaStreamDestination();
      tone.connect(gain).connect(out);
      tone.start();
      tracks.push(out.stream.getAudioTracks()[0]);
    }
    ui.testNote.hidden = false;
    return Promise.resolve(new MediaStream(tracks));
  }

  // --- joining ------------------------------------------------------------------------------------

  function gathered(pc) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise(function (resolve) {
      const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);  // send what there is
      pc.addEventListener("icegatheringstatechange", function () {
        if (pc.iceGatheringState === "complete") { clearTimeout(timer); resolve(); }
      });
    });
  }

  function connected(pc) {
    return new Promise(function (resolve, reject) {
      const timer = setTimeout(function () { reject(new Error("timeout")); }, CONNECT_TIMEOUT_MS);
      function check() {
        if (pc.connectionState === "connected") { clearTimeout(timer); resolve(); }
        if (pc.connectionState === "failed" || pc.connectionState === "closed") { clearTimeout(timer); reject(new Error(pc.connectionState)); }
      }
      pc.addEventListener("connectionstatechange", check);
      check();
    });
  }

  async function join() {
    const problem = nameProblem();
    ui.nameError.hidden = !problem;
    ui.nameError.textContent = problem || "";
    if (problem || !guest.deviceCheck.ok) return;
    const name = ui.name.value.trim();
    resumeAudio();
    setState("joining");
    const pc = new RTCPeerConnection({ iceServers: config.ice_servers || [] });
    guest.pc = pc;
    const stream = guest.stream;
    pc.addTransceiver(stream.getVideoTracks()[0], { direction: "sendonly", streams: [stream] });
    pc.addTransceiver(stream.getAudioTracks()[0], { direction: "sendrecv", streams: [stream] });
    pc.addEventListener("track", function (event) {
      if (event.track.kind === "audio") receiveReturnAudio(event.track);
    });
    let response;
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      response = await fetch(guest.check.whip_url, {
        method: "POST",
        headers: {
          "Authorization": "Bearer " + token,
          "Content-Type": "application/sdp",
          "X-Guest-Name": encodeURIComponent(name),
        },
        body: pc.localDescription.sdp,
        cache: "no-store",
      });
    } catch (error) {
      return failJoin("network", String(error));
    }
    if (response.status !== 201) {
      const body = await response.json().catch(function () { return {}; });
      return failJoin(body.error || "http_" + response.status, body.message, body);
    }
    guest.location = new URL(response.headers.get("Location"), window.location.href).href;
    guest.session = guest.location.split("/").pop();
    secret = response.headers.get("X-Cohost-Secret");
    try {
      await pc.setRemoteDescription({ type: "answer", sdp: await response.text() });
      watchSession();
      await connected(pc);
    } catch (error) {
      if (guest.state !== "joining") return;  // ended meanwhile (left, kicked)
      await sayGoodbye();
      return endWith("failed", t.cohost_err_ice, "ice");
    }
    if (guest.state !== "joining") return;
    setState("live");
    pc.addEventListener("connectionstatechange", function () {
      if (pc.connectionState === "failed" && guest.state === "live") {
        sayGoodbye();
        endWith("failed", t.cohost_connection_lost, "connection_lost");
      }
    });
    startProgram();
  }

  function failJoin(code, message, details) {
    closePeer();
    if (["invite_expired", "invite_used", "invite_revoked", "invite_invalid", "invite_wrong_room", "room_not_found"].indexOf(code) >= 0) {
      stopDevices();
      refuse(code, message, details);
      return;
    }
    setState("failed", errorText(code, message, details), code);
  }

  // The session's end, learnt from the relay: GET held open until the session ends (?wait=25).
  async function watchSession() {
    const location = guest.location;
    let failures = 0;
    while (guest.location === location && (guest.state === "joining" || guest.state === "live")) {
      let response;
      try {
        response = await fetch(location + "?wait=25", { headers: { "Authorization": "Bearer " + secret }, cache: "no-store" });
      } catch (error) {
        failures += 1;
        await new Promise(function (resolve) { setTimeout(resolve, Math.min(10000, 1000 * failures)); });
        continue;
      }
      if (guest.location !== location || !(guest.state === "joining" || guest.state === "live")) return;
      if (response.status === 404) {  // the relay no longer knows it (restarted)
        return endWith("failed", t.cohost_connection_lost, "session_lost");
      }
      if (!response.ok) {
        failures += 1;
        await new Promise(function (resolve) { setTimeout(resolve, Math.min(10000, 1000 * failures)); });
        continue;
      }
      failures = 0;
      const session = await response.json();
      if (session.state === "ended") {
        guest.ended = session;
        if (session.ended_by === "guest") return endWith("left");
        if (session.ended_by === "studio") {
          const detail = session.reason && ["kicked", "ended"].indexOf(session.reason) < 0 ? " (" + session.reason + ")" : "";
          return endWith("kicked", t.cohost_kicked + detail, "kicked");
        }
        return endWith("failed", t.cohost_connection_lost, session.reason || "ended");
      }
    }
  }

  async function sayGoodbye(keepalive) {
    if (!guest.location || !secret) return;
    try {
      await fetch(guest.location, { method: "DELETE", headers: { "Authorization": "Bearer " + secret }, keepalive: !!keepalive });
    } catch (error) { /* the studio notices the connection closing too */ }
  }

  async function leave() {
    if (guest.state !== "live" && guest.state !== "joining") return;
    endWith("left");
    await sayGoodbye();
  }

  function endWith(state, message, code) {
    closePeer();
    stopProgram();
    stopDevices();
    setState(state, message, code);
  }

  function closePeer() {
    if (guest.pc) {
      try { guest.pc.close(); } catch (error) { /* already closed */ }
    }
    guest.pc = null;
  }

  function stopDevices() {
    testDrawing = false;
    if (guest.stream) guest.stream.getTracks().forEach(function (track) { track.stop(); });
    guest.deviceCheck.ok = false;
    ui.preview.srcObject = null;
  }

  // --- the show coming back: mix-minus sound from the studio, the program picture from WHEP ---------

  let returnAnalyser = null;
  const returnBuffer = new Float32Array(1024);

  function receiveReturnAudio(track) {
    guest.returnAudio.tracks += 1;
    const stream = new MediaStream([track]);
    ui.returnAudio.srcObject = stream;
    playReturnAudio();
    const ctx = ensureAudioContext();
    if (ctx) {  // measure what arrives (the element plays it; Chrome needs both for remote audio)
      returnAnalyser = ctx.createAnalyser();
      returnAnalyser.fftSize = 1024;
      ctx.createMediaStreamSource(stream).connect(returnAnalyser);
    }
  }

  setInterval(function () {
    if (!returnAnalyser) return;
    const level = rmsLevel(returnAnalyser, returnBuffer);
    guest.returnAudio.level = Math.max(guest.returnAudio.level * 0.9, level);
    guest.returnAudio.playing = !ui.returnAudio.paused && ui.returnAudio.currentTime > 0;
  }, 100);

  function playReturnAudio() {
    const attempt = ui.returnAudio.play();
    if (attempt && attempt.then) {
      attempt.then(function () { ui.tapAudio.hidden = true; },
        function () { ui.tapAudio.hidden = false; });  // autoplay refused: one tap plays it
    }
  }

  function showProgram(state, note) {
    guest.program = { state: state, message: note || "" };
    ui.programTile.hidden = state === "off";
    ui.programNote.textContent = note || "";
  }

  async function startProgram() {
    if (!config.whep_url) return;
    showProgram("connecting", t.cohost_program_connecting);
    const pc = new RTCPeerConnection({ iceServers: config.ice_servers || [] });
    programPc = pc;
    // Video only: the guest hears the show from the studio itself, without their own voice (mix-minus).
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.addEventListener("track", function (event) {
      if (event.track.kind !== "video") return;
      ui.program.srcObject = event.streams[0] || new MediaStream([event.track]);
      ui.program.muted = true;
      ui.program.play().catch(function () {});
    });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const response = await fetch(config.whep_url, {
        method: "POST",
        // The session secret tells the relay this is a co-host's return feed, not a viewer.
        headers: { "Content-Type": "application/sdp", "Authorization": "Bearer " + secret },
        body: pc.localDescription.sdp,
        cache: "no-store",
      });
      if (programPc !== pc) return;
      if (response.status !== 201) {
        const body = await response.json().catch(function () { return {}; });
        guest.program.detail = body.message || "HTTP " + response.status;
        throw new Error(guest.program.detail);
      }
      programLocation = response.headers.get("Location");
      await pc.setRemoteDescription({ type: "answer", sdp: await response.text() });
      await connected(pc);
      if (programPc === pc) showProgram("playing", "");
    } catch (error) {
      if (programPc !== pc) return;
      pc.close();
      programPc = null;
      showProgram("unavailable", t.cohost_program_unavailable);
    }
  }

  function stopProgram() {
    if (programPc) programPc.close();
    programPc = null;
    if (programLocation) {
      fetch(new URL(programLocation, window.location.href).href, { method: "DELETE", keepalive: true }).catch(function () {});
      programLocation = null;
    }
    ui.program.srcObject = null;
    showProgram("off", "");
  }

  // --- wiring ---------------------------------------------------------------------------------------

  ui.name.addEventListener("input", function () {
    ui.nameError.hidden = true;
    updateJoin();
  });
  ui.setup.addEventListener("submit", function (event) {
    event.preventDefault();
    if (guest.state === "failed" && !guest.deviceCheck.ok) return;
    join();
  });
  ui.leave.addEventListener("click", leave);
  ui.tapAudio.addEventListener("click", playReturnAudio);
  ui.camera.addEventListener("change", startDevices);
  ui.microphone.addEventListener("change", startDevices);
  ui.programSize.addEventListener("click", function () {
    const big = ui.players.dataset.big === "program" ? "self" : "program";
    ui.players.dataset.big = big;
    ui.programSize.textContent = big === "program" ? t.cohost_smaller : t.cohost_bigger;
  });
  if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
    navigator.mediaDevices.addEventListener("devicechange", function () { listDevices().catch(function () {}); });
  }
  window.addEventListener("pagehide", function () {
    if (guest.state === "live" || guest.state === "joining") sayGoodbye(true);
  });

  // The invite: refused by the relay already (config.check: an old link, no such room), else asked about.
  async function inviteCheck() {
    if (config.check) return config.check;
    if (!token) return { state: "invalid", code: "invite_missing", message: "" };
    try {
      const response = await fetch(config.invite_url, { headers: { "Authorization": "Bearer " + token }, cache: "no-store" });
      const body = await response.json();
      return response.ok ? body : Object.assign({}, body, { state: body.state || "invalid", code: body.error });
    } catch (error) {
      return { state: "invalid", code: "network", message: "" };
    }
  }

  inviteCheck().then(function (check) {
    guest.check = check;
    if (check.title) ui.invited.textContent = check.state === "open" ? fill(t.cohost_invited, { title: check.title }) : check.title;
    if (check.state !== "open") {
      refuse(check.code || "invite_invalid", check.message, check);
      return;
    }
    NAME_MAX = check.name_max || NAME_MAX;
    ui.name.maxLength = NAME_MAX;
    ui.expires.textContent = fill(t.cohost_expires, { time: localTime(check.expires_at) });
    ui.stage.hidden = false;
    if (!window.RTCPeerConnection) {
      setState("failed", t.cohost_no_webrtc, "no_webrtc");
      ui.setup.hidden = true;
      return;
    }
    setState("checking");
    startDevices();
  });
})();
