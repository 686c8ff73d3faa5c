/** The dashboard's stylesheet: a dark theme with clear green / amber / red health states. */
export const DASHBOARD_STYLE = `
:root {
  color-scheme: dark;
  --bg: #0d1117; --panel: #151b23; --panel-2: #1b2330; --line: #2a3442;
  --text: #e6edf3; --muted: #8b98a8; --faint: #5c6878;
  --green: #3fb950; --green-bg: rgba(63, 185, 80, 0.14);
  --red: #f85149; --red-bg: rgba(248, 81, 73, 0.14);
  --amber: #e3b341; --amber-bg: rgba(227, 179, 65, 0.14);
  --blue: #58a6ff; --sun: #f7b955;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text); }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 20px 24px 32px; }
header { display: flex; align-items: center; gap: 16px; flex-wrap: wrap; padding-bottom: 16px; border-bottom: 1px solid var(--line); }
.brand { display: flex; align-items: center; gap: 10px; font-size: 20px; font-weight: 650; letter-spacing: 0.2px; }
.sun { width: 22px; height: 22px; border-radius: 50%; background: radial-gradient(circle at 40% 40%, #ffe08a, var(--sun) 60%, #e08a2c); box-shadow: 0 0 14px rgba(247, 185, 85, 0.55); }
.meta { display: flex; gap: 18px; flex-wrap: wrap; color: var(--muted); font-size: 13px; }
.meta b { color: var(--text); font-weight: 550; font-family: var(--mono); font-size: 12.5px; }
.live { margin-left: auto; display: flex; align-items: center; gap: 8px; font-size: 13px; color: var(--muted); }
.live i { width: 9px; height: 9px; border-radius: 50%; background: var(--green); box-shadow: 0 0 0 0 rgba(63, 185, 80, 0.6); animation: pulse 2s infinite; }
.live.down i { background: var(--red); animation: none; }
.live.down { color: var(--red); }
@keyframes pulse { 0% { box-shadow: 0 0 0 0 rgba(63, 185, 80, 0.55); } 70% { box-shadow: 0 0 0 8px rgba(63, 185, 80, 0); } 100% { box-shadow: 0 0 0 0 rgba(63, 185, 80, 0); } }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 18px 0 22px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.6px; }
.tile .value { font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; margin-top: 2px; }
.tile .value.good { color: var(--green); } .tile .value.bad { color: var(--red); } .tile .value.warn { color: var(--amber); }
h2 { font-size: 13px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.8px; margin: 0 0 10px; }
#pools { margin-bottom: 26px; }
.pool + .pool { margin-top: 20px; }
.pool-head { display: flex; align-items: baseline; gap: 12px; margin: 0 0 10px; padding-left: 10px; border-left: 3px solid var(--green); }
.pool[data-state="degraded"] .pool-head { border-left-color: var(--amber); }
.pool[data-state="unhealthy"] .pool-head { border-left-color: var(--red); }
.pool-name { margin: 0; font-size: 15px; font-weight: 650; font-family: var(--mono); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pool-summary { color: var(--muted); font-size: 12.5px; font-variant-numeric: tabular-nums; white-space: nowrap; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 14px; }
.card { min-width: 0; background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--green); border-radius: 10px; padding: 14px 16px 12px; transition: border-color 0.3s, background 0.3s; }
.card[data-state="unhealthy"] { border-left-color: var(--red); background: linear-gradient(180deg, rgba(248, 81, 73, 0.07), var(--panel) 60%); border-color: rgba(248, 81, 73, 0.45); }
.card[data-state="ramping"] { border-left-color: var(--amber); }
.card-head { display: flex; align-items: center; gap: 10px; }
.card-head .url { font-family: var(--mono); font-size: 14px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pill { margin-left: auto; font-size: 11.5px; font-weight: 700; letter-spacing: 0.7px; padding: 3px 9px; border-radius: 999px; text-transform: uppercase; color: var(--green); background: var(--green-bg); white-space: nowrap; }
.card[data-state="unhealthy"] .pill { color: var(--red); background: var(--red-bg); }
.card[data-state="ramping"] .pill { color: var(--amber); background: var(--amber-bg); }
.sub { display: flex; gap: 12px; min-height: 19px; margin-top: 3px; font-size: 12.5px; }
.reason { flex: 1; min-width: 0; color: var(--faint); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.weight { color: var(--faint); white-space: nowrap; }
.card[data-state="unhealthy"] .reason { color: #ff9b94; }
.stats { display: grid; grid-template-columns: 0.85fr 1.2fr 1.2fr 0.95fr 0.8fr; gap: 8px; margin: 10px 0 10px; }
.stat .k { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: 0.5px; white-space: nowrap; }
.stat .v { font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.stat .v.bad { color: var(--red); }
canvas { display: block; width: 100%; max-width: 100%; height: 92px; border-radius: 6px; background: var(--panel-2); }
.legend { display: flex; gap: 14px; margin-top: 6px; color: var(--muted); font-size: 11.5px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 3px; border-radius: 2px; margin-right: 6px; vertical-align: middle; background: var(--blue); }
.legend span.p99::before { background: var(--amber); }
.legend .scale { margin-left: auto; font-family: var(--mono); }
.events { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
.events table { width: 100%; border-collapse: collapse; }
.events td { padding: 8px 14px; border-top: 1px solid var(--line); font-size: 13px; vertical-align: middle; }
.events tr:first-child td { border-top: none; }
.events td.time { color: var(--muted); font-family: var(--mono); font-size: 12px; white-space: nowrap; width: 1%; }
.events td.be { font-family: var(--mono); font-size: 12.5px; white-space: nowrap; width: 1%; }
.events td.be .pl { color: var(--muted); margin-right: 8px; }
.events td.be .pl::after { content: " \\203A"; color: var(--faint); }
.events td.src { color: var(--muted); white-space: nowrap; width: 1%; }
.events td.kind { width: 1%; }
.tag { display: inline-block; font-size: 11px; font-weight: 700; letter-spacing: 0.6px; padding: 2px 8px; border-radius: 999px; }
.tag.up { color: var(--green); background: var(--green-bg); } .tag.down { color: var(--red); background: var(--red-bg); }
.empty { padding: 16px 14px; color: var(--faint); }
footer { margin-top: 22px; color: var(--faint); font-size: 12px; }
footer a { color: var(--muted); }
@media (max-width: 560px) {
  main { padding: 14px 12px 24px; }
  .grid { grid-template-columns: minmax(0, 1fr); }
  .stats { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .events tr { display: grid; grid-template-columns: auto auto minmax(0, 1fr); align-items: center; border-top: 1px solid var(--line); }
  .events tr:first-child { border-top: none; }
  .events td, .events td.time, .events td.be, .events td.kind { border-top: none; width: auto; }
  .events td.be { overflow: hidden; text-overflow: ellipsis; }
  .events td.src { display: none; }
  .events td.why { grid-column: 1 / -1; padding-top: 0; color: var(--muted); }
}
`;
