// The chain table's rows, shared by every widget that shows a recipe's chain.

import { h } from "./controls.js";
import { formatQuantity, resultEntries, summarizeResult, unitForKey } from "./format.js";

/** @typedef {import("./recipe.js").ChainStep} ChainStep */

export const COLUMNS = ["step", "section", "name", "formula", "result", "interpretation"];

/**
 * A whole chain table: one `tbody tr` per step.
 * @param {ChainStep[]} chain
 * @param {Record<string, string>} units parameter units by name
 */
export function chainTable(chain, units = {}) {
  return h(
    "table",
    { class: "taf-chain", "data-role": "chain" },
    h("thead", {}, h("tr", {}, ...COLUMNS.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...chain.map((step) => chainRow(step, units))),
  );
}

/**
 * One chain row: step, section, name, formula, result (with its inputs and breakdown on
 * demand) and interpretation.
 * @param {ChainStep} step
 * @param {Record<string, string>} units parameter units by name, for the inputs
 */
export function chainRow(step, units) {
  const resultCell = h("td", {}, h("div", { class: "taf-value" }, summarizeResult(step.result, step.unit || "")));
  const sections = [];
  const inputs = step.inputs && typeof step.inputs === "object" ? Object.entries(step.inputs) : [];
  if (inputs.length) sections.push(kvList("", inputs.map(([k, v]) => [k, formatValue(k, v, units)])));
  if (step.breakdown && typeof step.breakdown === "object") {
    sections.push(kvList("breakdown", Object.entries(step.breakdown).map(([k, v]) => [k, formatValue(k, v, units)])));
  }
  if (step.result !== null && typeof step.result === "object") sections.push(kvList("result", resultEntries(step.result)));
  if (sections.length) resultCell.appendChild(h("details", {}, h("summary", {}, "inputs"), ...sections));
  return h(
    "tr",
    { "data-step": step.step },
    h("td", { class: "taf-num" }, String(step.step ?? "")),
    h("td", {}, String(step.section ?? "")),
    h("td", {}, String(step.name ?? "")),
    h("td", { class: "taf-formula" }, String(step.formula ?? "")),
    resultCell,
    h("td", {}, String(step.interpretation ?? "")),
  );
}

/**
 * @param {string} key
 * @param {unknown} value
 * @param {Record<string, string>} units
 */
function formatValue(key, value, units) {
  if (value !== null && typeof value === "object") return summarizeResult(value);
  return formatQuantity(/** @type {any} */ (value), unitForKey(key, units));
}

/**
 * @param {string} title
 * @param {Array<[string, string]>} entries
 */
function kvList(title, entries) {
  const list = h("ul", { class: "taf-kv" }, ...entries.map(([k, v]) => h("li", {}, `${k} = ${v}`)));
  return title ? h("div", {}, h("div", { class: "taf-kv-title" }, title), list) : list;
}
