// The clock code of pipeline/sources/clock_code.py, for pages: a wall-clock time drawn as a row of
// black and white cells (start marker 1011, 42 bits of Unix milliseconds, 8-bit checksum of the
// time's 6 bytes, end marker 01), and read back from a canvas. Used to measure latency by program:
// the co-host test page draws it into its camera picture, latency tests read it off the video.
(function (root) {
  "use strict";
  const START = [1, 0, 1, 1];
  const END = [0, 1];
  const TIME_BITS = 42;
  const SUM_BITS = 8;
  const CELLS = START.length + TIME_BITS + SUM_BITS + END.length;

  function checksum(ms) {
    let sum = 0;
    let rest = ms;
    for (let i = 0; i < 6; i++) {
      sum += rest % 256;
      rest = Math.floor(rest / 256);
    }
    return sum % 256;
  }

  function bitsOf(ms) {
    const bits = START.slice();
    for (let i = TIME_BITS - 1; i >= 0; i--) bits.push(Math.floor(ms / 2 ** i) % 2);
    const sum = checksum(ms);
    for (let i = SUM_BITS - 1; i >= 0; i--) bits.push((sum >> i) & 1);
    return bits.concat(END);
  }

  function draw(ctx, ms, x, y, cell) {
    bitsOf(Math.floor(ms)).forEach(function (bit, i) {
      ctx.fillStyle = bit ? "#fff" : "#000";
      ctx.fillRect(x + i * cell, y, cell, cell);
    });
  }

  // ``pixels``: an ImageData; (x, y, cell) in its pixels (fractions allowed). The time, or null.
  function read(pixels, x, y, cell) {
    const cy = Math.round(y + cell / 2);
    if (cy < 0 || cy >= pixels.height) return null;
    const grey = [];
    for (let i = 0; i < CELLS; i++) {
      const cx = Math.round(x + (i + 0.5) * cell);
      if (cx < 0 || cx >= pixels.width) return null;
      const at = (cy * pixels.width + cx) * 4;
      grey.push((pixels.data[at] + pixels.data[at + 1] + pixels.data[at + 2]) / 3);
    }
    const ones = [];
    const zeros = [];
    START.forEach(function (b, i) { (b ? ones : zeros).push(grey[i]); });
    END.forEach(function (b, i) { (b ? ones : zeros).push(grey[CELLS - END.length + i]); });
    if (Math.min.apply(null, ones) - Math.max.apply(null, zeros) < 60) return null;
    const threshold = (Math.min.apply(null, ones) + Math.max.apply(null, zeros)) / 2;
    const bits = grey.map(function (v) { return v > threshold ? 1 : 0; });
    for (let i = 0; i < START.length; i++) if (bits[i] !== START[i]) return null;
    for (let i = 0; i < END.length; i++) if (bits[CELLS - END.length + i] !== END[i]) return null;
    let ms = 0;
    for (let i = 0; i < TIME_BITS; i++) ms = ms * 2 + bits[START.length + i];
    let sum = 0;
    for (let i = 0; i < SUM_BITS; i++) sum = sum * 2 + bits[START.length + TIME_BITS + i];
    return sum === checksum(ms) ? ms : null;
  }

  root.ClockCode = { CELLS: CELLS, bitsOf: bitsOf, draw: draw, read: read };
})(typeof window !== "undefined" ? window : globalThis);
