// CompareWidget: shared controls (the recipe's non-architecture parameters, drawn from their
// declarations), then one column per model with its verdict and key numbers. The bqplot
// overlay chart is composed below by Python. Everything from data is inserted as text.

import { CSS } from "./styles.js";
import { createControl, h } from "./controls.js";
import { caveatList, confidencePill } from "./trust.js";
import { keyList } from "./card.js";

/**
 * @typedef {{recipe_id: string, models: string[], params: Record<string, unknown>,
 *   results: Array<Record<string, any>>, errors: Record<string, string>, stale: boolean,
 *   revision: number, _spec: {recipe: {id: string, name: string, question: string, params: any[]}}}} CompareModel
 */

const TONES = ["go", "caution", "no"];
let views = 0;

/**
 * @param {Pick<import("@anywidget/types").RenderProps<CompareModel>, "model" | "el">} view
 * @returns {() => void} cleanup
 */
function render({ model, el }) {
  const prefix = `taf-cmp-${++views}`;
  const style = h("style", {}, CSS);
  const root = h("div", { class: "taf-compare", "data-stale": "false" });
  el.append(style, root);
  const listeners = new AbortController();
  /** @type {Map<string, ReturnType<typeof createControl>>} */
  const controls = new Map();
  let lastRevision = -1;
  let scheduled = false;

  const send = (/** @type {string} */ name, /** @type {unknown} */ value) => {
    const current = model.get("params") || {};
    if (name in current && Object.is(current[name], value)) return;
    model.set("params", { ...current, [name]: value });
    model.save_changes();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      update();
    });
  };

  const spec = model.get("_spec") || {};
  const recipe = spec.recipe || {};
  const fields = h("div", { class: "taf-controls" });
  for (const param of recipe.params || []) {
    const control = createControl(param, { id: `${prefix}-${param.name}`, send, onIdle: schedule, signal: listeners.signal });
    controls.set(param.name, control);
    fields.appendChild(control.root);
  }
  const generalError = h("div", { class: "taf-general-error", "data-role": "errors", role: "alert" });
  const staleMarker = h("div", { class: "taf-stale-marker", hidden: true }, "stale — showing last valid results");
  const columns = h("div", { class: "taf-columns taf-result", "data-role": "columns" });
  root.append(
    h("div", { class: "taf-head" },
      h("div", { class: "taf-title", role: "heading", "aria-level": 3 }, `${recipe.id || ""} · ${recipe.name || ""}: comparison`),
      h("div", { class: "taf-question" }, recipe.question || "")),
    fields, generalError, staleMarker, columns);

  function update() {
    const params = model.get("params") || {};
    for (const [name, control] of controls) control.show(name in params ? params[name] : null);
    const errors = model.get("errors") || {};
    for (const [name, control] of controls) control.setError(errors[name] ? String(errors[name]) : "");
    generalError.replaceChildren(...Object.entries(errors).filter(([name]) => !controls.has(name))
      .map(([, message]) => h("div", {}, String(message))));
    const stale = Boolean(model.get("stale"));
    root.setAttribute("data-stale", String(stale));
    staleMarker.hidden = !stale;
    const revision = Number(model.get("revision") ?? 0);
    if (revision <= lastRevision) return;
    lastRevision = revision;
    root.setAttribute("data-revision", String(revision));
    const names = model.get("models") || [];
    const results = model.get("results") || [];
    columns.replaceChildren(...results.map((/** @type {any} */ r, /** @type {number} */ i) => {
      const tone = TONES.includes(r.tone) ? r.tone : "caution";
      return h("div", { class: `taf-column taf-tone-${tone}`, "data-model": String(names[i] ?? "") },
        h("div", { class: "taf-model" }, String(names[i] ?? "")),
        h("div", { class: "taf-badge-row" }, h("span", { class: "taf-badge", "data-role": "verdict" }, String(r.verdict ?? "")),
          ...[confidencePill(r)].filter(Boolean)),
        ...[caveatList(r)].filter(Boolean),
        h("div", { class: "taf-reason" }, String(r.reason ?? "")),
        keyList(r.key || []));
    }));
  }

  for (const event of ["change:params", "change:results", "change:errors", "change:stale", "change:revision"]) {
    model.on(event, schedule);
  }
  update();
  return () => {
    for (const event of ["change:params", "change:results", "change:errors", "change:stale", "change:revision"]) {
      model.off(event, schedule);
    }
    for (const control of controls.values()) control.cancel();
    listeners.abort();
    root.remove();
    style.remove();
  };
}

export { render };
/** anywidget's contract (`export default { render }`), checked against its types. */
export default /** @satisfies {import("@anywidget/types").AnyWidget<CompareModel>} */ ({ render });
