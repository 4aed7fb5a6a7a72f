// wavemap serve: the waveform viewer. Plain JavaScript and canvas, no
// framework. The overview shows the whole file; the detail view one
// window of it, zoomed with the wheel, a trackpad pinch or two fingers,
// moved by dragging, down to single samples. Every picture is drawn from
// /api/peaks: exactly one minimum and maximum per device pixel and
// channel, computed by the server from its pyramid or from the samples.
// It does not play audio.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const WAVE = [31, 95, 191]; // the detail waveform's colour, exactly
  const OVER = [92, 124, 170];
  const MID = '#d0d0d6';
  const MIN_FRAMES = 2; // the narrowest window

  // The viewer's state, also read by the browser test.
  const S = (window.wavemap = {
    files: [],
    file: null, // the entry of /api/files shown
    frames: 0,
    rate: 1,
    channels: 0,
    view: { start: 0, end: 1 }, // the detail window, in frames
    lanes: [], // per channel, in device pixels of the detail canvas: {top, height, mid, half}
    requests: [], // every /api/peaks URL asked for, in order
    pending: 0,
    drawn: 0, // detail pictures drawn from data
    last: null, // the data of the last detail picture
    overview: null,
    error: '',
    colors: { wave: WAVE, overview: OVER },
  });

  const rgb = (c) => `rgb(${c[0]},${c[1]},${c[2]})`;
  const dpr = () => window.devicePixelRatio || 1;

  // fetchPeaks asks for px pixels of every channel over [start, end)
  // and decodes the .dat version 2 body.
  async function fetchPeaks(start, end, px, signal) {
    const url = `/api/peaks?f=${S.file.index}&start=${start}&end=${end}&px=${px}`;
    S.requests.push(url);
    const r = await fetch(url, { signal });
    if (!r.ok) throw new Error((await r.text()).trim());
    const b = await r.arrayBuffer();
    const dv = new DataView(b);
    const version = dv.getUint32(0, true);
    const flags = dv.getUint32(4, true);
    const length = dv.getUint32(16, true);
    const channels = version === 2 ? dv.getUint32(20, true) : 1;
    const off = version === 2 ? 24 : 20;
    const bits = flags & 1 ? 8 : 16;
    const data = bits === 8 ? new Int8Array(b, off, length * channels * 2) : new Int16Array(b, off, length * channels * 2);
    return { url, start, end, px: length, channels, bits, data };
  }

  // ---- layout ----

  function sizeCanvas(cv, cssHeight) {
    const w = Math.max(1, Math.round(cv.clientWidth * dpr()));
    const h = Math.max(1, Math.round(cssHeight * dpr()));
    if (cv.width !== w) cv.width = w;
    if (cv.height !== h) cv.height = h;
    cv.style.height = cssHeight + 'px';
  }

  function layout() {
    const ch = S.channels || 1;
    const avail = window.innerHeight - $('detail').getBoundingClientRect().top - 48;
    const lane = Math.max(56, Math.min(220, Math.floor(avail / ch)));
    sizeCanvas($('overview'), 64);
    sizeCanvas($('ruler'), 26);
    sizeCanvas($('detail'), lane * ch);
    const H = $('detail').height;
    const lh = Math.floor(H / ch);
    S.lanes = [];
    const labels = $('labels');
    labels.replaceChildren();
    for (let c = 0; c < ch; c++) {
      const top = c * lh;
      const half = Math.floor(lh / 2) - Math.round(3 * dpr());
      S.lanes.push({ top, height: lh, mid: top + Math.floor(lh / 2), half });
      const d = document.createElement('div');
      d.className = 'lane';
      d.style.top = ((top + lh / 2) / dpr()) + 'px';
      d.textContent = (S.file && S.file.speakers[c]) || `ch ${c + 1}`;
      d.title = `channel ${c + 1}`;
      labels.appendChild(d);
    }
  }

  // ---- drawing ----

  function yOf(lane, v, full) {
    return Math.round(lane.mid - (v / full) * lane.half);
  }

  // drawLanes draws peaks p over the canvas cv, one lane per channel.
  function drawLanes(cv, p, lanes, color) {
    const g = cv.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, cv.width, cv.height);
    const full = p.bits === 8 ? 128 : 32768;
    for (let c = 0; c < lanes.length; c++) {
      const lane = lanes[c];
      g.fillStyle = MID;
      g.fillRect(0, lane.mid, cv.width, 1);
      if (c > 0) {
        g.fillStyle = '#e6e6ea';
        g.fillRect(0, lane.top, cv.width, 1);
      }
      const pc = Math.min(c, p.channels - 1);
      const w = Math.min(p.px, cv.width);
      // Where two neighbouring columns do not overlap (a step between
      // pixels), a lighter line joins them; the extents themselves are
      // drawn over it in the waveform's colour.
      g.fillStyle = rgb(color.map((v) => Math.round(v + (255 - v) * 0.55)));
      for (let x = 1; x < w; x++) {
        const i = (x * p.channels + pc) * 2;
        const j = i - p.channels * 2;
        const top = Math.max(p.data[i], p.data[j]);
        const bottom = Math.min(p.data[i + 1], p.data[j + 1]);
        if (top > bottom) { // no value in common
          const y1 = yOf(lane, top, full);
          const y2 = yOf(lane, bottom, full);
          g.fillRect(x, y1, 1, y2 - y1 + 1);
        }
      }
      g.fillStyle = rgb(color);
      for (let x = 0; x < w; x++) {
        const i = (x * p.channels + pc) * 2;
        const y1 = yOf(lane, p.data[i + 1], full);
        const y2 = yOf(lane, p.data[i], full);
        g.fillRect(x, y1, 1, y2 - y1 + 1);
      }
    }
  }

  function drawDetail(p) {
    const cv = $('detail');
    drawLanes(cv, p, S.lanes, WAVE);
    const n = p.end - p.start;
    const step = p.px / n; // pixels per frame
    if (step >= 8) {
      // Single samples: a dot where each sample starts.
      const g = cv.getContext('2d');
      const full = p.bits === 8 ? 128 : 32768;
      g.fillStyle = '#0b2a5c';
      const r = Math.max(2, Math.round(2 * dpr()));
      for (let c = 0; c < S.lanes.length; c++) {
        for (let i = 0; i < n; i++) {
          const x = Math.ceil((i * p.px) / n);
          if (x >= p.px) break;
          const v = p.data[(x * p.channels + c) * 2 + 1];
          g.fillRect(x - r + 1, yOf(S.lanes[c], v, full) - r + 1, 2 * r - 1, 2 * r - 1);
        }
      }
    }
    S.last = p;
    S.drawn++;
    drawRuler(p.start, p.end);
    status();
  }

  // preview redraws the last picture moved and scaled to the current
  // view, while its data is on the way.
  let snapshot = null;
  function preview() {
    if (!S.last || !snapshot) return;
    const cv = $('detail');
    const g = cv.getContext('2d');
    const n = S.last.end - S.last.start;
    const scale = n / (S.view.end - S.view.start);
    const x0 = ((S.last.start - S.view.start) / (S.view.end - S.view.start)) * cv.width;
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, cv.width, cv.height);
    g.imageSmoothingEnabled = false;
    g.drawImage(snapshot, 0, 0, snapshot.width, snapshot.height, x0, 0, snapshot.width * scale, cv.height);
    drawRuler(S.view.start, S.view.end);
  }

  // niceStep is the ruler's step in seconds for at least raw seconds:
  // 1, 2 or 5 times a power of ten below a second, then steps a clock
  // reads well (5 s, 15 s, 1 min, 10 min, 1 h ...).
  const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
  function niceStep(raw) {
    if (raw > 1) {
      for (const s of CLOCK_STEPS) if (s >= raw) return s;
      return 86400 * Math.ceil(raw / 86400);
    }
    const e = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * e >= raw) return m * e;
    return 10 * e;
  }

  function clock(sec, decimals) {
    const neg = sec < 0;
    sec = Math.abs(sec);
    const h = Math.floor(sec / 3600);
    const m = Math.floor((sec % 3600) / 60);
    let s = (sec % 60).toFixed(decimals);
    if (parseFloat(s) >= 60) s = (0).toFixed(decimals); // rounding up to the next minute is rare and harmless here
    if (s.indexOf('.') === 1 || s.length === 1) s = '0' + s;
    const t = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
    return (neg ? '-' : '') + t;
  }

  function drawRuler(start, end) {
    const cv = $('ruler');
    const g = cv.getContext('2d');
    const W = cv.width;
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, W, cv.height);
    const n = end - start;
    if (n <= 0) return;
    const secs = n / S.rate;
    const step = niceStep((secs / W) * 110 * dpr());
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    g.fillStyle = '#6b6b70';
    g.font = `${Math.round(11 * dpr())}px system-ui, sans-serif`;
    g.textBaseline = 'top';
    const t0 = start / S.rate;
    const first = Math.ceil(t0 / step);
    for (let k = first; ; k++) {
      const t = k * step;
      const x = Math.round(((t * S.rate - start) / n) * W);
      if (x > W) break;
      g.fillRect(x, cv.height - Math.round(8 * dpr()), 1, Math.round(8 * dpr()));
      const label = clock(t, Math.min(decimals, 6));
      if (x + 3 + g.measureText(label).width <= W) g.fillText(label, x + 3, 2);
      const minor = Math.round(((t + step / 2) * S.rate - start) / n * W);
      if (minor <= W) g.fillRect(minor, cv.height - Math.round(4 * dpr()), 1, Math.round(4 * dpr()));
    }
    g.fillStyle = '#d9d9de';
    g.fillRect(0, cv.height - 1, W, 1);
  }

  function drawOverview() {
    const cv = $('overview');
    const g = cv.getContext('2d');
    if (S.overview) g.drawImage(S.overview.canvas, 0, 0);
    else {
      g.fillStyle = '#ffffff';
      g.fillRect(0, 0, cv.width, cv.height);
    }
    const x0 = Math.floor((S.view.start / S.frames) * cv.width);
    const x1 = Math.max(x0 + 2, Math.ceil((S.view.end / S.frames) * cv.width));
    g.fillStyle = 'rgba(255, 186, 0, 0.28)';
    g.fillRect(x0, 0, x1 - x0, cv.height);
    g.fillStyle = 'rgba(200, 120, 0, 0.9)';
    g.fillRect(x0, 0, 1, cv.height);
    g.fillRect(x1 - 1, 0, 1, cv.height);
  }

  function status() {
    const el = $('status');
    el.replaceChildren();
    const a = S.view.start / S.rate;
    const b = S.view.end / S.rate;
    const fpp = (S.view.end - S.view.start) / $('detail').width;
    const parts = [`${clock(a, 3)} – ${clock(b, 3)}`, `${(b - a).toFixed(b - a < 1 ? 4 : 3)} s`,
      fpp >= 1 ? `${fpp.toFixed(fpp < 10 ? 2 : 0)} frames/px` : `${(1 / fpp).toFixed(1)} px/frame`];
    if (S.pending > 0) parts.push('loading…');
    el.textContent = parts.join(' · ');
    if (S.error) {
      const e = document.createElement('span');
      e.className = 'error';
      e.textContent = ' · ' + S.error;
      el.appendChild(e);
    }
  }

  // ---- loading ----

  let inflight = null;
  let scheduled = false;

  // request asks for the detail picture of the current view, cancelling
  // the one on the way.
  function request() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(async () => {
      scheduled = false;
      const px = $('detail').width;
      const start = Math.max(0, Math.floor(S.view.start));
      const end = Math.min(S.frames, Math.max(start + 1, Math.ceil(S.view.end)));
      if (S.last && S.last.start === start && S.last.end === end && S.last.px === px) {
        drawDetail(S.last); // a resize of nothing, or a return to the same window
        return;
      }
      if (inflight) inflight.abort();
      const ctl = new AbortController();
      inflight = ctl;
      S.pending++;
      status();
      try {
        const p = await fetchPeaks(start, end, px, ctl.signal);
        if (ctl.signal.aborted) return;
        S.error = '';
        drawDetail(p);
        snapshot = snapshot || document.createElement('canvas');
        snapshot.width = $('detail').width;
        snapshot.height = $('detail').height;
        snapshot.getContext('2d').drawImage($('detail'), 0, 0);
      } catch (e) {
        if (e.name !== 'AbortError') {
          S.error = e.message;
        }
      } finally {
        S.pending--;
        if (inflight === ctl) inflight = null;
        status();
      }
    });
  }

  async function loadOverview() {
    const cv = $('overview');
    const lanes = [];
    const ch = Math.min(S.channels, 8);
    const lh = Math.floor(cv.height / ch);
    for (let c = 0; c < ch; c++) lanes.push({ top: c * lh, height: lh, mid: c * lh + Math.floor(lh / 2), half: Math.max(1, Math.floor(lh / 2) - 1) });
    try {
      S.pending++;
      const p = await fetchPeaks(0, S.frames, cv.width);
      const off = document.createElement('canvas');
      off.width = cv.width;
      off.height = cv.height;
      drawLanes(off, p, lanes, OVER);
      S.overview = { canvas: off, data: p };
    } catch (e) {
      S.error = e.message;
    } finally {
      S.pending--;
    }
    drawOverview();
    status();
  }

  function setView(start, end) {
    let n = Math.max(MIN_FRAMES, Math.min(S.frames, end - start));
    if (S.frames < MIN_FRAMES) n = S.frames;
    start = Math.max(0, Math.min(S.frames - n, start));
    S.view = { start, end: start + n };
    drawOverview();
    preview();
    status();
    request();
  }

  // zoomAt scales the window by factor around the point at fraction frac
  // of its width.
  function zoomAt(factor, frac) {
    const n = S.view.end - S.view.start;
    const m = Math.max(MIN_FRAMES, Math.min(S.frames, n * factor));
    const anchor = S.view.start + frac * n;
    setView(anchor - frac * m, anchor - frac * m + m);
  }

  function panBy(frac) {
    const n = S.view.end - S.view.start;
    setView(S.view.start + frac * n, S.view.end + frac * n);
  }

  // ---- metadata ----

  function el(tag, text) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function render(v) {
    if (v === null || v === undefined || v === '') return document.createTextNode('—');
    if (Array.isArray(v)) {
      if (v.length === 0) return document.createTextNode('—');
      if (v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
        const keys = [];
        for (const x of v) for (const k of Object.keys(x)) if (!keys.includes(k)) keys.push(k);
        const t = el('table');
        const tr = el('tr');
        for (const k of keys) tr.appendChild(el('th', k.replace(/_/g, ' ')));
        t.appendChild(tr);
        for (const x of v) {
          const r = el('tr');
          for (const k of keys) {
            const td = el('td');
            td.appendChild(render(x[k]));
            r.appendChild(td);
          }
          t.appendChild(r);
        }
        return t;
      }
      return document.createTextNode(v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', '));
    }
    if (typeof v === 'object') {
      const dl = el('dl');
      for (const [k, x] of Object.entries(v)) {
        dl.appendChild(el('dt', k.replace(/_/g, ' ')));
        const dd = el('dd');
        dd.appendChild(render(x));
        dl.appendChild(dd);
      }
      return dl;
    }
    return document.createTextNode(String(v));
  }

  function section(title, node) {
    const s = el('section');
    s.appendChild(el('h3', title));
    s.appendChild(node);
    return s;
  }

  function showInfo(info) {
    const box = $('info');
    box.replaceChildren();
    const fmt = {};
    // The object of 'wavemap info --json': the format object, then the
    // lengths and where the audio is.
    Object.assign(fmt, info.format || {});
    for (const k of ['frames', 'duration_seconds', 'data_offset_bytes', 'data_bytes']) {
      if (k in info) fmt[k] = info[k];
    }
    if ('format_tag' in fmt) fmt.format_tag = '0x' + Number(fmt.format_tag).toString(16).padStart(4, '0');
    if ('channel_mask' in fmt) fmt.channel_mask = '0x' + Number(fmt.channel_mask).toString(16);
    if ('duration_seconds' in fmt) fmt.duration = clock(fmt.duration_seconds, 3), delete fmt.duration_seconds;
    box.appendChild(section('Format', render(fmt)));
    if (info.tags && Object.keys(info.tags).length) box.appendChild(section('INFO tags', render(info.tags)));
    if (info.metadata) {
      for (const [k, v] of Object.entries(info.metadata)) {
        if (v === null || (Array.isArray(v) && v.length === 0)) continue;
        box.appendChild(section(k.replace(/_/g, ' '), render(v)));
      }
    }
    if (info.chunks) box.appendChild(section('Chunks', render(info.chunks)));
    if (info.warnings && info.warnings.length) box.appendChild(section('Warnings', render(info.warnings)));
  }

  // ---- input ----

  function fracOf(ev, cv) {
    const r = cv.getBoundingClientRect();
    return Math.max(0, Math.min(1, (ev.clientX - r.left) / r.width));
  }

  function bindDetail() {
    const cv = $('detail');
    cv.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      let dy = ev.deltaY;
      let dx = ev.deltaX;
      if (ev.deltaMode === 1) { dy *= 16; dx *= 16; }
      if (ev.deltaMode === 2) { dy *= cv.clientHeight; dx *= cv.clientWidth; }
      if (ev.ctrlKey) {
        zoomAt(Math.exp(dy * 0.01), fracOf(ev, cv)); // a trackpad pinch
      } else if (Math.abs(dx) > Math.abs(dy)) {
        panBy(dx / cv.clientWidth);
      } else {
        zoomAt(Math.exp(dy * 0.002), fracOf(ev, cv));
      }
    }, { passive: false });

    // One pointer drags the window; two pinch it: the frames under the
    // two fingers stay under them, from the moment the second one
    // touches.
    const pointers = new Map();
    let pinch = null;
    const pinchOf = () => {
      const [a, b] = [...pointers.values()];
      const r = cv.getBoundingClientRect();
      return { dist: Math.max(1, Math.abs(a.x - b.x)), mid: ((a.x + b.x) / 2 - r.left) / r.width };
    };
    cv.addEventListener('pointerdown', (ev) => {
      cv.setPointerCapture(ev.pointerId);
      pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
      cv.classList.add('dragging');
      pinch = pointers.size >= 2 ? pinchOf() : null;
    });
    cv.addEventListener('pointermove', (ev) => {
      const p = pointers.get(ev.pointerId);
      if (!p) return;
      const r = cv.getBoundingClientRect();
      if (pointers.size === 1) {
        const dx = ev.clientX - p.x;
        p.x = ev.clientX;
        p.y = ev.clientY;
        panBy(-dx / r.width);
        return;
      }
      p.x = ev.clientX;
      p.y = ev.clientY;
      const { dist, mid } = pinchOf();
      if (pinch) {
        const n = S.view.end - S.view.start;
        const anchor = S.view.start + pinch.mid * n;
        const m = Math.max(MIN_FRAMES, Math.min(S.frames, n * (pinch.dist / dist)));
        setView(anchor - mid * m, anchor - mid * m + m);
      }
      pinch = { dist, mid };
    });
    const up = (ev) => {
      pointers.delete(ev.pointerId);
      pinch = pointers.size >= 2 ? pinchOf() : null;
      if (pointers.size === 0) cv.classList.remove('dragging');
    };
    cv.addEventListener('pointerup', up);
    cv.addEventListener('pointercancel', up);
    cv.addEventListener('dblclick', (ev) => zoomAt(ev.shiftKey ? 4 : 0.25, fracOf(ev, cv)));

    const ov = $('overview');
    let ovDown = false;
    const jump = (ev) => {
      const n = S.view.end - S.view.start;
      const at = fracOf(ev, ov) * S.frames;
      setView(at - n / 2, at + n / 2);
    };
    ov.addEventListener('pointerdown', (ev) => { ovDown = true; ov.setPointerCapture(ev.pointerId); jump(ev); });
    ov.addEventListener('pointermove', (ev) => { if (ovDown) jump(ev); });
    ov.addEventListener('pointerup', () => { ovDown = false; });
    ov.addEventListener('wheel', (ev) => { ev.preventDefault(); zoomAt(Math.exp(ev.deltaY * 0.002), 0.5); }, { passive: false });

    $('zoomin').addEventListener('click', () => zoomAt(0.5, 0.5));
    $('zoomout').addEventListener('click', () => zoomAt(2, 0.5));
    $('fit').addEventListener('click', () => setView(0, S.frames));
    document.addEventListener('keydown', (ev) => {
      if (ev.target && ev.target.tagName === 'SELECT') return;
      switch (ev.key) {
        case '+': case '=': zoomAt(0.5, 0.5); break;
        case '-': case '_': zoomAt(2, 0.5); break;
        case '0': case 'Home': setView(0, S.frames); break;
        case 'ArrowLeft': panBy(-0.1); break;
        case 'ArrowRight': panBy(0.1); break;
        default: return;
      }
      ev.preventDefault();
    });
    let resizeTimer = 0;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        const before = [$('overview').width, $('detail').width, $('detail').height];
        layout();
        const after = [$('overview').width, $('detail').width, $('detail').height];
        if (before.join() === after.join() || !S.file) return;
        if (before[0] !== after[0]) loadOverview();
        S.last = null;
        request();
      }, 150);
    });
  }

  // ---- start ----

  async function openFile(i) {
    S.file = S.files[i];
    S.frames = S.file.frames;
    S.rate = S.file.sample_rate;
    S.channels = S.file.channels;
    S.last = null;
    S.overview = null;
    snapshot = null;
    const sp = S.file.speakers.filter((x) => x).join(' ');
    $('summary').textContent = `${S.file.name} — ${S.file.encoding}, ${S.channels} channel${S.channels === 1 ? '' : 's'}` +
      `${sp ? ' (' + sp + ')' : ''}, ${S.rate} Hz, ${clock(S.file.duration_seconds, 3)}`;
    document.title = `${S.file.name} — wavemap`;
    layout();
    S.view = { start: 0, end: S.frames };
    if (S.frames === 0) {
      S.error = 'the file has no frames';
      status();
    } else {
      drawOverview();
      request();
      loadOverview();
    }
    try {
      const r = await fetch(`/api/info?f=${i}`);
      if (!r.ok) throw new Error((await r.text()).trim());
      showInfo(await r.json());
    } catch (e) {
      $('info').textContent = e.message;
    }
  }

  async function start() {
    bindDetail();
    try {
      const r = await fetch('/api/files');
      if (!r.ok) throw new Error((await r.text()).trim());
      S.files = await r.json();
    } catch (e) {
      $('status').textContent = e.message;
      return;
    }
    const sel = $('file');
    for (const f of S.files) {
      const o = document.createElement('option');
      o.value = String(f.index);
      o.textContent = f.name;
      sel.appendChild(o);
    }
    sel.hidden = S.files.length < 2;
    sel.addEventListener('change', () => openFile(Number(sel.value)));
    if (S.files.length) openFile(0);
  }

  start();
})();
