// The evidence beside a verdict, drawn the same way in the recipe panel, the ModelCard and
// the CompareWidget: a confidence pill (band and percentage; the factors in its tooltip) and
// the caveats, most serious first. Every text comes from data and is inserted as text.

import { h } from "./controls.js";

const BANDS = ["high", "medium", "low"];

/**
 * @typedef {{percent?: number, band?: string, factors?: {key: string, status: string, detail?: string}[]}} Confidence
 * @typedef {{confidence?: Confidence, caveats?: string[], caveat_text?: Record<string, string>, notes?: string[]}} Evidence
 */

/** The confidence pill of a result, or null when it carries none. */
export function confidencePill(/** @type {Evidence} */ result) {
  const c = result && result.confidence;
  if (!c || !c.band) return null;
  const band = BANDS.includes(c.band) ? c.band : "low";
  const title = (c.factors || []).map((f) => `${f.key}: ${f.status}${f.detail ? ` (${f.detail})` : ""}`).join("\n");
  return h("span", { class: `taf-band taf-band-${band}`, "data-role": "confidence", "data-band": band, title },
    `${band} confidence · ${Number(c.percent ?? 0)}%`);
}

/** The caveats of a result (already ordered most serious first), or null when none. */
export function caveatList(/** @type {Evidence} */ result) {
  const codes = (result && result.caveats) || [];
  if (!codes.length) return null;
  const text = (result && result.caveat_text) || {};
  return h("ul", { class: "taf-caveats", "data-role": "caveats" },
    ...codes.map((code) => h("li", { "data-caveat": String(code) }, String(text[code] ?? code))));
}

/** The notes that are not caveat sentences (those are shown in the caveat list). */
export function otherNotes(/** @type {Evidence} */ result) {
  const caveats = new Set(Object.values((result && result.caveat_text) || {}));
  return ((result && result.notes) || []).filter((n) => !caveats.has(n));
}
