/** The report's stylesheet, inlined into the page head. Light and dark follow prefers-color-scheme. */
export const REPORT_CSS = `
:root {
  --bg: #fbfbfa; --fg: #1d1f23; --muted: #5f6470; --line: #d9dbe0; --panel: #ffffff; --accent: #1f5fbf;
  --group: #eceef2; --group-line: #c9ccd4; --leaf-s: 55%; --leaf-l: 78%; --leaf-line: rgba(0,0,0,.18);
  --glue: #c8c8c8; --warn: #a15c00; --error: #b3261e; --info: #1f5fbf; --pass: #2e7d32; --lazy: #8a5cf6;
  --focus: #1f5fbf; --tip-bg: #1d1f23; --tip-fg: #f4f5f7;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181c; --fg: #e6e7ea; --muted: #a2a7b3; --line: #33363d; --panel: #1e2126; --accent: #7fb0ff;
    --group: #24272d; --group-line: #3b3f47; --leaf-s: 38%; --leaf-l: 36%; --leaf-line: rgba(0,0,0,.5);
    --glue: #4a4c50; --warn: #f0b35a; --error: #ff8a80; --info: #7fb0ff; --pass: #81c784; --lazy: #b79cff;
    --focus: #7fb0ff; --tip-bg: #f4f5f7; --tip-fg: #1d1f23;
  }
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
#app { display: flex; flex-direction: column; height: 100%; }
button, input, select { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 1px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.header { display: flex; align-items: baseline; gap: 16px; padding: 10px 16px 4px; flex-wrap: wrap; }
.header h1 { font-size: 18px; margin: 0; letter-spacing: .02em; }
.facts { margin: 0; color: var(--muted); }
.toolbar { display: flex; justify-content: space-between; align-items: center; gap: 12px; padding: 4px 16px 8px; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
.tabs { display: flex; gap: 2px; flex-wrap: wrap; }
.tab { background: none; border: 1px solid transparent; border-radius: 6px; padding: 5px 10px; cursor: pointer; }
.tab:hover { background: var(--group); }
.tab[aria-current="page"] { background: var(--panel); border-color: var(--line); font-weight: 600; }
.count { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 9px; background: var(--group); font-size: 12px; }
.count-bad { background: var(--error); color: var(--bg); }
.controls { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.metrics { display: flex; border: 1px solid var(--line); border-radius: 6px; padding: 0; margin: 0; overflow: hidden; }
.metric { display: flex; align-items: center; gap: 4px; padding: 4px 10px; cursor: pointer; border-left: 1px solid var(--line); }
.metric:first-of-type { border-left: none; }
.metric input { margin: 0; }
.metric:has(input:checked) { background: var(--accent); color: var(--bg); }
.metric.unavailable { opacity: .45; cursor: not-allowed; }
.search { width: 260px; padding: 5px 9px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); }
.body { flex: 1; display: flex; min-height: 0; }
.main { flex: 1; min-width: 0; overflow: auto; padding: 10px 16px 16px; }
.view h2 { font-size: 16px; margin: 4px 0 8px; }
.view h3 { font-size: 14px; margin: 14px 0 6px; }
.hint { color: var(--muted); margin: 4px 0 8px; }
.empty { color: var(--muted); font-style: italic; }
.path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
.fatal { margin: 24px; color: var(--error); }

.view-treemap { display: flex; flex-direction: column; height: 100%; min-height: 420px; }
.breadcrumb { display: flex; align-items: center; gap: 4px; flex-wrap: wrap; margin-bottom: 6px; min-height: 28px; }
.crumb { background: none; border: 1px solid var(--line); border-radius: 5px; padding: 2px 8px; cursor: pointer; max-width: 40ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.crumb:disabled { cursor: default; font-weight: 600; border-color: transparent; opacity: 1; }
.crumb-sep { color: var(--muted); }
.treemap-legend { min-height: 1.45em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; margin-bottom: 0; }
.treemap { position: relative; flex: 1; min-height: 360px; overflow: hidden; background: var(--bg); user-select: none; contain: strict; }
.tm-group, .tm-leaf { position: absolute; overflow: hidden; cursor: pointer; }
.tm-group { background: var(--group); border: 1px solid var(--group-line); border-radius: 3px; }
.tm-chunk, .tm-asset { border-color: var(--muted); }
.tm-leaf { background: hsl(var(--hue, 210) var(--leaf-s) var(--leaf-l)); border: 1px solid var(--leaf-line); }
.tm-glue { background: repeating-linear-gradient(45deg, var(--glue) 0 4px, transparent 4px 8px); cursor: default; }
.tm-asset { background: hsl(40 var(--leaf-s) var(--leaf-l)); }
.tm-label { display: block; padding: 1px 4px; font-size: 11.5px; line-height: 15px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; pointer-events: none; }
.tm-group > .tm-label { font-weight: 600; }
.tm-leaf:hover, .tm-group:hover { filter: brightness(1.08); }
.tm-leaf:focus-visible, .tm-group:focus-visible { outline: 3px solid var(--focus); outline-offset: -3px; z-index: 1; }
.searching .tm-leaf:not(.match) { opacity: .22; }
.searching .tm-leaf.match { outline: 2px solid var(--accent); outline-offset: -2px; }

.tooltip { position: fixed; left: 0; top: 0; z-index: 10; max-width: 460px; padding: 7px 10px; border-radius: 6px; background: var(--tip-bg); color: var(--tip-fg); pointer-events: none; display: flex; flex-direction: column; gap: 1px; font-size: 12.5px; box-shadow: 0 4px 16px rgba(0,0,0,.25); }
.tooltip[hidden] { display: none; }
.tooltip strong { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.tip-kind { opacity: .7; font-size: 11.5px; }

.drawer { width: min(460px, 45vw); border-left: 1px solid var(--line); background: var(--panel); overflow: auto; padding: 12px 16px; position: relative; }
.drawer[hidden] { display: none; }
.drawer h2 { font-size: 15px; margin: 0 28px 6px 0; }
.drawer h2:focus { outline: none; }
.close { position: absolute; right: 10px; top: 8px; background: none; border: none; font-size: 22px; cursor: pointer; line-height: 1; color: var(--muted); }
.chain { padding-left: 22px; margin: 4px 0; }
.chain li { margin: 2px 0; }
ul.plain { list-style: none; padding: 0; margin: 4px 0; }
ul.plain li { margin: 2px 0; }
ul.compact { margin: 0; padding-left: 16px; }
.link { background: none; border: none; padding: 0; color: var(--accent); cursor: pointer; text-align: left; text-decoration: underline; text-underline-offset: 2px; }
.badge { display: inline-block; padding: 0 6px; margin: 0 6px 0 0; border-radius: 9px; font-size: 11.5px; border: 1px solid currentColor; color: var(--muted); vertical-align: 1px; }
.badge-lazy { color: var(--lazy); }
.badge-warn { color: var(--warn); margin-left: 6px; }
.badge-error { color: var(--error); }
.badge-info { color: var(--info); }
.badge-pass { color: var(--pass); }
.badge-added, .badge-grown { color: var(--error); }
.badge-removed, .badge-shrunk { color: var(--pass); }

.table-wrap { overflow-x: auto; }
table.data { border-collapse: collapse; width: 100%; }
table.data th, table.data td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.data th.num, table.data td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.data thead th { position: sticky; top: 0; background: var(--bg); z-index: 1; }
.sort { background: none; border: none; padding: 0; cursor: pointer; font-weight: 600; }
tr.row-link { cursor: pointer; }
tr.row-link:hover, tr.row-link:focus-visible { background: var(--group); }
.more { margin: 8px 0; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); cursor: pointer; }
.more[hidden] { display: none; }
.list-bar { display: flex; justify-content: space-between; align-items: center; gap: 12px; flex-wrap: wrap; }
.list-bar select { max-width: 320px; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); }
.duplicates { margin: 4px 0 10px; }
.nowrap { white-space: nowrap; }
details summary { cursor: pointer; color: var(--muted); font-size: 12.5px; }

.entry { border: 1px solid var(--line); border-radius: 8px; background: var(--panel); margin: 0 0 10px; padding: 8px 12px; }
.entry-head { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; width: 100%; background: none; border: none; padding: 2px 0; cursor: pointer; text-align: left; }
.entry-name { font-weight: 600; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.entry-kind { color: var(--muted); font-size: 12.5px; }
.entry-figure { color: var(--muted); }
.entry-figure b { color: var(--fg); }
.entry-head::before { content: '▸'; color: var(--muted); }
.entry.expanded .entry-head::before { content: '▾'; }
.entry-bar { margin-top: 6px; }
.load-bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: var(--group); }
.load-initial { background: var(--accent); }
.load-lazy { background: var(--lazy); opacity: .6; }

.card { border: 1px solid var(--line); border-left-width: 4px; border-radius: 8px; background: var(--panel); margin: 0 0 10px; padding: 8px 12px; }
.card header { display: flex; align-items: baseline; gap: 6px; flex-wrap: wrap; }
.card h3 { margin: 0; font-size: 14px; }
.card p { margin: 6px 0; }
.rule { margin-left: auto; color: var(--muted); font-size: 12px; }
.severity-error, .level-error { border-left-color: var(--error); }
.severity-warn, .level-warn { border-left-color: var(--warn); }
.severity-info { border-left-color: var(--info); }
.level-pass { border-left-color: var(--pass); }
.savings { font-weight: 600; }
.snippet { background: var(--group); padding: 8px 10px; border-radius: 6px; overflow-x: auto; font-size: 12.5px; }
.involved .link { margin-right: 10px; }
`
