// The widget's stylesheet, injected as a <style> next to the root so the one built file is
// all Python loads. Colours come from CSS custom properties that default to JupyterLab's
// --jp-* variables, so light and dark themes both work in Lab and Voilà. Badge colours
// carry their own background and are readable on either theme.

export const CSS = `
:is(.taf-recipe,.taf-card,.taf-compare){
--taf-fg:var(--jp-ui-font-color1,#1f1f1f);
--taf-fg-muted:var(--jp-ui-font-color2,#5a5a5a);
--taf-bg:var(--jp-layout-color1,#fff);
--taf-bg-alt:var(--jp-layout-color2,#f2f2f2);
--taf-input-bg:var(--jp-layout-color1,#fff);
--taf-input-border:var(--jp-border-color1,#bdbdbd);
--taf-border:var(--jp-border-color2,#d0d0d0);
--taf-accent:var(--jp-brand-color1,#1976d2);
--taf-error:var(--jp-error-color1,#c62828);
--taf-font:var(--jp-ui-font-family,system-ui,-apple-system,"Segoe UI",sans-serif);
--taf-mono:var(--jp-code-font-family,ui-monospace,Menlo,Consolas,monospace);
--taf-size:var(--jp-ui-font-size1,13px);
--taf-go:#2e7d32;--taf-caution:#f0b400;--taf-caution-fg:#1f1f1f;--taf-no:#c62828;
color:var(--taf-fg);background:var(--taf-bg);font-family:var(--taf-font);font-size:var(--taf-size);
line-height:1.35;display:grid;gap:10px;padding:8px 2px;box-sizing:border-box;max-width:100%;min-width:0}
body[data-jp-theme-light=false] :is(.taf-recipe,.taf-card,.taf-compare){color-scheme:dark}
:is(.taf-recipe,.taf-card,.taf-compare) *{box-sizing:border-box}
.taf-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 10px}
.taf-title{font-weight:600;font-size:1.15em;margin:0}
.taf-question{color:var(--taf-fg-muted)}
.taf-controls{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,210px),1fr));gap:8px 14px;align-items:start}
.taf-field{display:flex;flex-direction:column;gap:3px;min-width:0;padding:6px 8px;border:1px solid var(--taf-border);border-radius:4px;background:var(--taf-bg-alt)}
.taf-label{font-weight:600}
.taf-number-row,.taf-check-row{display:flex;align-items:center;gap:6px}
.taf-unit{color:var(--taf-fg-muted);white-space:nowrap}
.taf-help{color:var(--taf-fg-muted);font-size:.88em}
.taf-help:empty{display:none}
.taf-error{color:var(--taf-error);font-size:.9em;font-weight:600}
.taf-error:empty{display:none}
:is(.taf-recipe,.taf-card,.taf-compare) input[type=text],:is(.taf-recipe,.taf-card,.taf-compare) select{font:inherit;color:var(--taf-fg);background:var(--taf-input-bg);border:1px solid var(--taf-input-border);border-radius:3px;padding:3px 5px;min-width:0;max-width:100%}
:is(.taf-recipe,.taf-card,.taf-compare) input[type=text]{flex:1 1 auto;width:100%;font-family:var(--taf-mono)}
:is(.taf-recipe,.taf-card,.taf-compare) input[type=text][aria-invalid=true],:is(.taf-recipe,.taf-card,.taf-compare) select[aria-invalid=true]{border-color:var(--taf-error);outline:1px solid var(--taf-error)}
:is(.taf-recipe,.taf-card,.taf-compare) input:focus-visible,:is(.taf-recipe,.taf-card,.taf-compare) select:focus-visible,:is(.taf-recipe,.taf-card,.taf-compare) summary:focus-visible{outline:2px solid var(--taf-accent);outline-offset:1px}
.taf-slider{width:100%;margin:2px 0;accent-color:var(--taf-accent)}
.taf-slider.taf-empty{opacity:.45}
:is(.taf-recipe,.taf-card,.taf-compare) input[type=checkbox]{accent-color:var(--taf-accent);margin:0}
.taf-general-error{color:var(--taf-error);font-weight:600}
.taf-general-error:empty{display:none}
.taf-stale-marker{justify-self:start;padding:2px 8px;border-radius:3px;border:1px dashed var(--taf-error);color:var(--taf-error);font-weight:600}
:is(.taf-recipe,.taf-compare)[data-stale=true] .taf-result{opacity:.5;filter:grayscale(.6)}
.taf-result{display:grid;gap:8px;min-width:0;transition:opacity .15s}
.taf-verdict{border:1px solid var(--taf-border);border-left:6px solid var(--taf-tone,var(--taf-border));border-radius:4px;padding:6px 10px;display:grid;gap:3px}
.taf-tone-go{--taf-tone:var(--taf-go)}.taf-tone-caution{--taf-tone:var(--taf-caution)}.taf-tone-no{--taf-tone:var(--taf-no)}
.taf-badge{justify-self:start;font-weight:700;letter-spacing:.03em;padding:2px 9px;border-radius:3px;color:#fff;background:var(--taf-tone,#777)}
.taf-tone-caution .taf-badge{color:var(--taf-caution-fg)}
.taf-reason{font-weight:600}
.taf-mitigation b{font-weight:600;color:var(--taf-fg-muted)}
.taf-notes{margin:2px 0 0;padding-left:18px;color:var(--taf-fg-muted);font-size:.92em}
.taf-notes:empty{display:none}
.taf-table-wrap{overflow-x:auto;max-width:100%;border:1px solid var(--taf-border);border-radius:4px}
.taf-chain{border-collapse:collapse;width:100%;font-size:.95em}
.taf-chain td:last-child{min-width:16em}
.taf-chain th,.taf-chain td{padding:4px 8px;border-bottom:1px solid var(--taf-border);text-align:left;vertical-align:top}
.taf-chain thead th{background:var(--taf-bg-alt);font-weight:600;white-space:nowrap}
.taf-chain tbody tr:last-child td{border-bottom:0}
.taf-chain .taf-num{text-align:right;color:var(--taf-fg-muted)}
.taf-chain .taf-formula{font-family:var(--taf-mono);font-size:.92em;white-space:nowrap}
.taf-chain .taf-value{font-family:var(--taf-mono);font-weight:600;white-space:nowrap}
.taf-chain details{margin-top:2px;font-size:.9em}
.taf-chain summary{cursor:pointer;color:var(--taf-accent)}
.taf-kv{margin:2px 0 0;padding:0;list-style:none;font-family:var(--taf-mono);white-space:nowrap}
.taf-kv-title{color:var(--taf-fg-muted);font-style:italic;margin-top:3px}
.taf-foot{color:var(--taf-fg-muted);font-size:.85em}
.taf-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,260px),1fr));gap:10px;align-items:start}
.taf-cardbox{border:1px solid var(--taf-border);border-top:6px solid var(--taf-tone,var(--taf-border));border-radius:4px;padding:6px 10px;background:var(--taf-bg)}
.taf-cardbox[open]{grid-column:1/-1}
.taf-cardbox>summary{cursor:pointer;display:grid;gap:4px;list-style:none}
.taf-cardbox>summary::-webkit-details-marker{display:none}
.taf-cardhead{display:flex;flex-wrap:wrap;gap:6px;align-items:baseline}
.taf-headline{font-size:1.25em;font-weight:700;font-family:var(--taf-mono)}
:is(.taf-card,.taf-compare) dl.taf-keys{margin:0;padding:0;list-style:none;display:grid;grid-template-columns:auto 1fr;gap:2px 10px;font-size:.95em}
:is(.taf-card,.taf-compare) .taf-keys dt{grid-column:1;color:var(--taf-fg-muted);white-space:nowrap;float:none;margin:0;font-weight:400}:is(.taf-card,.taf-compare) .taf-keys dd{grid-column:2;margin:0;font-family:var(--taf-mono);float:none}
.taf-columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,220px),1fr));gap:10px}
.taf-column{border:1px solid var(--taf-border);border-top:6px solid var(--taf-tone,var(--taf-border));border-radius:4px;padding:6px 10px;display:grid;gap:6px;align-content:start}
.taf-model{font-weight:700;overflow-wrap:anywhere}
.taf-exports{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:4px}
.taf-button{font:inherit;color:var(--taf-fg);background:var(--taf-bg-alt);border:1px solid var(--taf-input-border);border-radius:3px;padding:2px 8px;cursor:pointer}
.taf-button:hover{border-color:var(--taf-accent)}
.taf-button:focus-visible{outline:2px solid var(--taf-accent);outline-offset:1px}
.taf-file{font-size:.88em;max-width:100%}
.taf-badge-row{display:flex;flex-wrap:wrap;align-items:center;gap:6px}
.taf-band{display:inline-block;padding:1px 7px;border-radius:10px;font-size:.85em;font-weight:600;border:1px solid currentColor;cursor:help}
.taf-band-high{color:var(--taf-go)}.taf-band-medium{color:#9a6700}.taf-band-low{color:var(--taf-no)}
body[data-jp-theme-light=false] .taf-band-medium{color:var(--taf-caution)}
.taf-caveats{margin:2px 0 0;padding-left:18px;font-size:.92em}
.taf-caveats li{margin:1px 0}
.taf-caveats li::marker{content:"⚠ ";color:var(--taf-no)}
.taf-caveats:empty{display:none}
.taf-measured{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.taf-measured[hidden]{display:none}
`;
