/**
 * The live dashboard served at `/`: one self-contained HTML page (inline CSS and JS, no CDN,
 * no framework). Its Content-Security-Policy allows exactly the inline style and script below,
 * by hash, and network access only back to this listener.
 */
import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT } from './dashboard-script.js';
import { DASHBOARD_STYLE } from './dashboard-style.js';

const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='6' fill='%23f7b955'/%3E%3C/svg%3E";

const BODY = `
<main>
  <header>
    <div class="brand"><div class="sun"></div>Helios</div>
    <div class="meta">
      <span>version <b id="version">&ndash;</b></span>
      <span>strategy <b id="strategy">&ndash;</b></span>
      <span>listener <b id="listener">&ndash;</b></span>
      <span>uptime <b id="uptime">&ndash;</b></span>
    </div>
    <div class="live" id="live"><i></i><span>connecting</span></div>
  </header>
  <section class="tiles">
    <div class="tile"><div class="label">Requests / s</div><div class="value" id="t-rps">&ndash;</div></div>
    <div class="tile"><div class="label">Error rate</div><div class="value" id="t-errors">&ndash;</div></div>
    <div class="tile"><div class="label">In flight</div><div class="value" id="t-inflight">&ndash;</div></div>
    <div class="tile"><div class="label">Client connections</div><div class="value" id="t-conns">&ndash;</div></div>
    <div class="tile"><div class="label">Backends up</div><div class="value" id="t-healthy">&ndash;</div></div>
  </section>
  <h2>Backends &middot; last 60 s</h2>
  <div id="pools"></div>
  <h2>Recent health changes</h2>
  <div class="events" id="transitions"><div class="empty">No health changes yet.</div></div>
  <footer>Updates every second &middot; <a href="api/status">/api/status</a> &middot; <a href="metrics">/metrics</a></footer>
</main>`;

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Helios &middot; dashboard</title>
<link rel="icon" href="${FAVICON}">
<style>${DASHBOARD_STYLE}</style>
</head>
<body>${BODY}
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src ${sha256(DASHBOARD_SCRIPT)}`,
  `style-src ${sha256(DASHBOARD_STYLE)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
