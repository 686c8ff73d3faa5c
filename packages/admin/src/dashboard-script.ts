/**
 * The dashboard's browser code: polls `/api/status` every second and updates the page in
 * place (one section per pool with a heading, cards keyed by pool and backend id, text set with
 * textContent so nothing from the API is ever parsed as HTML). Plain ES2017 without template
 * literals, so it can live in this string.
 */
export const DASHBOARD_SCRIPT = `
'use strict';
(function () {
  var POLL_MS = 1000;
  var cards = new Map();
  var groups = new Map();
  var poolsBox = document.getElementById('pools');
  var live = document.getElementById('live');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function setText(node, text) { if (node.textContent !== text) node.textContent = text; }
  function fmtMs(ms) {
    if (ms === null || ms === undefined) return '\\u2013';
    if (ms < 1) return ms.toFixed(2) + ' ms';
    if (ms < 100) return ms.toFixed(1) + ' ms';
    if (ms < 1000) return Math.round(ms) + ' ms';
    return (ms / 1000).toFixed(2) + ' s';
  }
  function fmtRate(n) {
    if (n >= 10000) return (n / 1000).toFixed(0) + 'k';
    if (n >= 1000) return (n / 1000).toFixed(1) + 'k';
    if (n >= 100) return n.toFixed(0);
    return n.toFixed(n >= 10 ? 1 : 2).replace(/\\.?0+$/, '') || '0';
  }
  function fmtPct(r) { return r === 0 ? '0%' : (r < 0.001 ? '<0.1%' : (r * 100).toFixed(r < 0.1 ? 1 : 0) + '%'); }
  function fmtUptime(s) {
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    if (d) return d + 'd ' + h + 'h';
    if (h) return h + 'h ' + m + 'm';
    if (m) return m + 'm ' + (s % 60) + 's';
    return s + 's';
  }
  function fmtDuration(ms) { return ms < 1000 ? Math.round(ms) + ' ms' : fmtUptime(Math.round(ms / 1000)); }
  function fmtTime(iso) { var d = new Date(iso); return d.toLocaleTimeString([], { hour12: false }); }
  function stateLabel(s) { return s === 'unhealthy' ? 'Unhealthy' : (s === 'ramping' ? 'Ramping up' : 'Healthy'); }

  function makeGroup(name) {
    var section = el('section', 'pool');
    section.setAttribute('data-testid', 'pool');
    section.setAttribute('data-pool', name);
    var head = el('div', 'pool-head');
    var title = el('h3', 'pool-name', name);
    title.setAttribute('data-testid', 'pool-heading');
    var summary = el('span', 'pool-summary');
    summary.setAttribute('data-testid', 'pool-summary');
    head.append(title, summary);
    var grid = el('div', 'grid');
    section.append(head, grid);
    return { section: section, summary: summary, grid: grid };
  }

  function makeCard(b) {
    var card = el('section', 'card');
    card.setAttribute('data-testid', 'backend-card');
    card.setAttribute('data-backend', b.id);
    card.setAttribute('data-pool', b.pool);
    var head = el('div', 'card-head');
    var url = el('div', 'url', b.id);
    url.title = b.url;
    var pill = el('span', 'pill');
    pill.setAttribute('data-testid', 'backend-state');
    head.append(url, pill);
    var sub = el('div', 'sub');
    var reason = el('span', 'reason');
    var weight = el('span', 'weight');
    sub.append(reason, weight);
    var stats = el('div', 'stats');
    var values = {};
    [['rps', 'req/s'], ['p50', 'p50'], ['p99', 'p99'], ['inflight', 'in flight'], ['errors', 'errors']].forEach(function (pair) {
      var s = el('div', 'stat');
      s.append(el('div', 'k', pair[1]));
      values[pair[0]] = el('div', 'v', '\\u2013');
      s.append(values[pair[0]]);
      stats.append(s);
    });
    var canvas = el('canvas');
    canvas.setAttribute('aria-label', 'requests per second and p99 latency, last minute');
    var legend = el('div', 'legend');
    var scale = el('span', 'scale');
    legend.append(el('span', 'rps', 'req/s'), el('span', 'p99', 'p99 latency'), scale);
    card.append(head, sub, stats, canvas, legend);
    return { card: card, pill: pill, reason: reason, weight: weight, values: values, canvas: canvas, scale: scale };
  }

  function drawChart(c, series, unhealthy) {
    var canvas = c.canvas;
    var ratio = window.devicePixelRatio || 1;
    var w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
    }
    var ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var rps = series.rps, p99 = series.p99Ms, n = rps.length;
    var top = 8, bottom = h - 4, usable = bottom - top;
    ctx.strokeStyle = 'rgba(139, 152, 168, 0.12)'; ctx.lineWidth = 1;
    for (var g = 0; g <= 3; g++) {
      var gy = Math.round(top + usable * g / 3) + 0.5;
      ctx.beginPath(); ctx.moveTo(0, gy); ctx.lineTo(w, gy); ctx.stroke();
    }
    var maxRps = Math.max.apply(null, rps.concat([1]));
    var maxP99 = Math.max.apply(null, p99.map(function (v) { return v || 0; }).concat([1]));
    function x(i) { return n <= 1 ? 0 : i * w / (n - 1); }
    var alpha = unhealthy ? 0.45 : 1;
    ctx.globalAlpha = alpha;
    var grad = ctx.createLinearGradient(0, top, 0, bottom);
    grad.addColorStop(0, 'rgba(88, 166, 255, 0.42)'); grad.addColorStop(1, 'rgba(88, 166, 255, 0.02)');
    ctx.beginPath(); ctx.moveTo(0, bottom);
    for (var i = 0; i < n; i++) ctx.lineTo(x(i), bottom - usable * rps[i] / maxRps);
    ctx.lineTo(w, bottom); ctx.closePath(); ctx.fillStyle = grad; ctx.fill();
    ctx.beginPath();
    for (var j = 0; j < n; j++) { var y = bottom - usable * rps[j] / maxRps; if (j) ctx.lineTo(x(j), y); else ctx.moveTo(x(j), y); }
    ctx.strokeStyle = '#58a6ff'; ctx.lineWidth = 1.6; ctx.stroke();
    ctx.beginPath(); var pen = false;
    for (var k = 0; k < n; k++) {
      if (p99[k] === null) { pen = false; continue; }
      var py = bottom - usable * p99[k] / maxP99;
      if (pen) ctx.lineTo(x(k), py); else { ctx.moveTo(x(k), py); pen = true; }
    }
    ctx.strokeStyle = '#e3b341'; ctx.lineWidth = 1.4; ctx.stroke();
    ctx.globalAlpha = 1;
    setText(c.scale, 'max ' + fmtRate(maxRps) + ' req/s \\u00b7 ' + fmtMs(maxP99));
  }

  function renderCard(grid, b, index) {
    var key = JSON.stringify([b.pool, b.id]);
    var c = cards.get(key);
    if (!c) { c = makeCard(b); cards.set(key, c); }
    if (grid.children[index] !== c.card) grid.insertBefore(c.card, grid.children[index] || null);
    if (c.card.getAttribute('data-state') !== b.state) c.card.setAttribute('data-state', b.state);
    setText(c.pill, stateLabel(b.state));
    c.reason.title = b.reason || '';
    setText(c.reason, b.state === 'unhealthy' ? (b.reason || 'out of service') : (b.state === 'ramping' ? 'back in service, ramping up (slow start)' : 'in service'));
    setText(c.values.rps, fmtRate(b.rps));
    setText(c.values.p50, fmtMs(b.p50Ms));
    setText(c.values.p99, fmtMs(b.p99Ms));
    setText(c.values.inflight, String(b.inFlight));
    setText(c.values.errors, fmtPct(b.errorRate));
    c.values.errors.classList.toggle('bad', b.errorRate >= 0.01);
    setText(c.weight, 'weight ' + (b.effectiveWeight < b.weight ? b.effectiveWeight + ' / ' : '') + b.weight);
    drawChart(c, b.series, b.state === 'unhealthy');
    return key;
  }

  function renderPools(pools, backends) {
    var seenCards = new Set();
    var seenPools = new Set();
    pools.forEach(function (p, index) {
      seenPools.add(p.name);
      var g = groups.get(p.name);
      if (!g) { g = makeGroup(p.name); groups.set(p.name, g); }
      if (poolsBox.children[index] !== g.section) poolsBox.insertBefore(g.section, poolsBox.children[index] || null);
      var members = backends.filter(function (b) { return b.pool === p.name; });
      var t = p.totals;
      setText(g.summary, t.backendsUp + ' / ' + members.length + ' up \\u00b7 ' + fmtRate(t.rps) + ' req/s \\u00b7 ' + fmtPct(t.errorRate) + ' errors');
      g.section.setAttribute('data-state', t.backendsUp === members.length ? 'healthy' : t.backendsUp === 0 ? 'unhealthy' : 'degraded');
      members.forEach(function (b, i) { seenCards.add(renderCard(g.grid, b, i)); });
    });
    cards.forEach(function (c, key) { if (!seenCards.has(key)) { c.card.remove(); cards.delete(key); } });
    groups.forEach(function (g, name) { if (!seenPools.has(name)) { g.section.remove(); groups.delete(name); } });
  }

  function renderTransitions(list, showPool) {
    var box = document.getElementById('transitions');
    box.textContent = '';
    if (!list.length) { box.append(el('div', 'empty', 'No health changes yet.')); return; }
    var table = el('table');
    list.slice(0, 10).forEach(function (t) {
      var tr = el('tr');
      tr.setAttribute('data-testid', 'transition');
      var tag = el('span', 'tag ' + (t.healthy ? 'up' : 'down'), t.healthy ? 'UP' : 'DOWN');
      var what = el('td', 'why', t.reason + (t.healthy && t.downForMs ? ' \\u00b7 was down ' + fmtDuration(t.downForMs) : ''));
      var tagCell = el('td', 'kind'); tagCell.append(tag);
      var be = el('td', 'be', t.backend);
      if (showPool && t.pool) be.prepend(el('span', 'pl', t.pool));
      tr.append(el('td', 'time', fmtTime(t.at)), tagCell, be, el('td', 'src', t.source), what);
      table.append(tr);
    });
    box.append(table);
  }

  function render(s) {
    setText(document.getElementById('version'), 'v' + s.version);
    setText(document.getElementById('strategy'), s.strategy);
    setText(document.getElementById('listener'), s.listener ? s.listener.address + ':' + s.listener.port : 'not listening');
    setText(document.getElementById('uptime'), fmtUptime(s.uptimeSeconds));
    setText(document.getElementById('t-rps'), fmtRate(s.totals.rps));
    var errs = document.getElementById('t-errors');
    setText(errs, fmtPct(s.totals.errorRate));
    errs.className = 'value ' + (s.totals.errorRate >= 0.05 ? 'bad' : s.totals.errorRate > 0 ? 'warn' : '');
    setText(document.getElementById('t-inflight'), String(s.totals.inFlight));
    setText(document.getElementById('t-conns'), String(s.connections.client));
    var up = s.backends.filter(function (b) { return b.state !== 'unhealthy'; }).length;
    var healthy = document.getElementById('t-healthy');
    setText(healthy, up + ' / ' + s.backends.length);
    healthy.className = 'value ' + (up === s.backends.length ? 'good' : up === 0 ? 'bad' : 'warn');
    renderPools(s.pools, s.backends);
    renderTransitions(s.transitions, s.pools.length > 1);
  }

  function poll() {
    fetch('api/status', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (s) { render(s); live.className = 'live'; setText(live.lastChild, 'live'); })
      .catch(function (e) { live.className = 'live down'; setText(live.lastChild, 'disconnected (' + e.message + ')'); })
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
})();
`;
