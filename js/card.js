// ModelCard: one model across every recipe that applies to it. A badge per recipe with its
// headline number; each opens (a <details>) to its reason, key numbers and chain table.
// Everything from data is inserted as text.

import { CSS } from "./styles.js";
import { h } from "./controls.js";
import { chainTable } from "./chain.js";
import { formatQuantity } from "./format.js";
import { caveatList, confidencePill, otherNotes } from "./trust.js";

/**
 * @typedef {{key: string, label: string, value: unknown, unit: string}} KeyNumber
 * @typedef {{recipe_id: string, recipe_name: string, question: string, verdict?: string, tone?: string,
 *   reason?: string, mitigation?: string, notes?: string[], key?: KeyNumber[],
 *   chain?: import("./recipe.js").ChainStep[], error?: string,
 *   confidence?: import("./trust.js").Confidence, caveats?: string[], caveat_text?: Record<string, string>}} Card
 * @typedef {{model: string, params: Record<string, unknown>, T_eval: number, cards: Card[],
 *   notes: string[], revision: number}} CardModel
 */

const TONES = ["go", "caution", "no"];

/** @param {KeyNumber} k */
export function keyText(k) {
  if (typeof k.value === "string") return k.value;
  return formatQuantity(/** @type {any} */ (k.value), k.unit || "");
}

/** @param {KeyNumber[]} keys */
export function keyList(keys) {
  const dl = h("dl", { class: "taf-keys" });
  for (const k of keys) dl.append(h("dt", {}, k.label), h("dd", {}, keyText(k)));
  return dl;
}

/** @param {Card} card */
function cardBox(card) {
  const tone = TONES.includes(card.tone || "") ? card.tone : "caution";
  const box = h("details", { class: `taf-cardbox taf-tone-${card.error ? "no" : tone}`, "data-card": card.recipe_id });
  const pill = card.error ? null : confidencePill(card);
  const head = h("div", { class: "taf-cardhead" },
    h("span", { class: "taf-badge" }, card.error ? "INVALID" : String(card.verdict ?? "")),
    ...(pill ? [pill] : []),
    h("span", { class: "taf-title" }, `${card.recipe_id} · ${card.recipe_name}`));
  const summary = h("summary", {}, head, h("div", { class: "taf-question" }, card.question || ""));
  if (card.error) {
    summary.append(h("div", { class: "taf-error" }, card.error));
    box.append(summary);
    return box;
  }
  const keys = card.key || [];
  if (keys.length) {
    summary.append(h("div", {}, h("span", { class: "taf-headline", "data-role": "headline" }, keyText(keys[0])),
      " ", h("span", { class: "taf-question" }, keys[0].label)));
  }
  const caveats = caveatList(card);
  if (caveats) summary.append(caveats);
  box.append(summary,
    h("div", { class: "taf-reason" }, String(card.reason ?? "")),
    h("div", { class: "taf-mitigation" }, h("b", {}, "Mitigation: "), String(card.mitigation ?? "")),
    keyList(keys.slice(1)),
    h("ul", { class: "taf-notes" }, ...otherNotes(card).map((n) => h("li", {}, String(n)))),
    h("div", { class: "taf-table-wrap" }, chainTable(card.chain || [])));
  return box;
}

/**
 * @param {Pick<import("@anywidget/types").RenderProps<CardModel>, "model" | "el">} view
 * @returns {() => void} cleanup
 */
function render({ model, el }) {
  const style = h("style", {}, CSS);
  const root = h("div", { class: "taf-card", "data-role": "card" });
  el.append(style, root);
  const draw = () => {
    const open = new Set(Array.from(root.querySelectorAll("details[open]")).map((d) => d.getAttribute("data-card")));
    const cards = /** @type {Card[]} */ (model.get("cards") || []);
    const boxes = cards.map(cardBox);
    for (const box of boxes) if (open.has(box.getAttribute("data-card"))) box.setAttribute("open", "");
    root.setAttribute("data-revision", String(model.get("revision") ?? 0));
    root.replaceChildren(
      h("div", { class: "taf-head" },
        h("div", { class: "taf-title", role: "heading", "aria-level": 3 }, String(model.get("model") ?? "")),
        h("div", { class: "taf-question" }, `at ${formatQuantity(model.get("T_eval"), "tokens")} of context`)),
      h("ul", { class: "taf-notes" }, ...(model.get("notes") || []).map((/** @type {string} */ n) => h("li", {}, String(n)))),
      h("div", { class: "taf-cards" }, ...boxes));
  };
  model.on("change:revision", draw);
  draw();
  return () => {
    model.off("change:revision", draw);
    root.remove();
    style.remove();
  };
}

export { render };
/** anywidget's contract (`export default { render }`), checked against its types. */
export default /** @satisfies {import("@anywidget/types").AnyWidget<CardModel>} */ ({ render });
