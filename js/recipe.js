// The RecipeWidget front end: controls drawn from the recipe's parameter declarations, a
// verdict badge and the formula chain. Python is the one validator and the one calculator;
// this file draws what the synced traits say and sends what the user changes.

import { CSS } from "./styles.js";
import { createControl, h } from "./controls.js";
import { COLUMNS, chainRow } from "./chain.js";
import { caveatList, confidencePill, otherNotes } from "./trust.js";

/**
 * The synced traits of taf_widgets.widget.RecipeWidget (names as in Python).
 * @typedef {object} RecipeModel
 * @property {string} recipe_id
 * @property {RecipeSpec} _spec
 * @property {string} preset "" means none (custom values)
 * @property {Record<string, import("./controls.js").ParamValue>} params current values by name
 * @property {RecipeResultData | null} result the last good RecipeResult.to_dict()
 * @property {Record<string, string>} errors field name → message; empty when all valid
 * @property {boolean} stale true while errors is not empty (result is then the last good one)
 * @property {number} revision +1 per recomputed result
 * @property {string[]} config_notes how the last loaded config.json became a preset
 * @property {Measured | Record<string, never>} measured the measured γ_obs of the preset's model; {} when none
 */

/**
 * A row of the measured panel, as RecipeWidget.measured sends it.
 * @typedef {object} Measured
 * @property {string} model
 * @property {number} gamma_obs
 * @property {number} R2
 * @property {string} corpus
 * @property {string} corpus_label
 * @property {string} source
 */

/**
 * @typedef {object} RecipeSpec
 * @property {{id: string, name: string, description: string, question: string, category: string,
 *   uses_sections: string[], takes_preset: boolean, params: import("./controls.js").ParamSpec[]}} recipe
 * @property {{id: string, label: string, origin?: string}[]} presets
 * @property {string} as_of
 */

/**
 * @typedef {object} ChainStep
 * @property {number} step
 * @property {string} section
 * @property {string} name
 * @property {string} formula
 * @property {Record<string, unknown>} inputs
 * @property {import("./format.js").Datum} result number | string | null | object | list of objects
 * @property {string} interpretation
 * @property {string} unit
 * @property {Record<string, unknown>} [breakdown]
 */

/**
 * @typedef {object} RecipeResultData
 * @property {string} recipe_id
 * @property {string} recipe_name
 * @property {string | null} preset
 * @property {Record<string, unknown>} inputs
 * @property {ChainStep[]} chain
 * @property {string} verdict
 * @property {"go" | "caution" | "no"} tone
 * @property {string} reason
 * @property {string} mitigation
 * @property {string[]} notes
 * @property {string[]} [caveats] stable codes, most serious first
 * @property {Record<string, string>} [caveat_text] code → sentence
 * @property {import("./trust.js").Confidence} [confidence]
 */

/**
 * anywidget's view arguments, with RecipeWidget's traits as the model's; the view uses
 * `model` and `el`.
 * @typedef {import("@anywidget/types").RenderProps<RecipeModel>} RenderProps
 */

const EVENTS = [
  "change:revision",
  "change:result",
  "change:errors",
  "change:stale",
  "change:params",
  "change:preset",
  "change:_spec",
  "change:recipe_id",
  "change:config_notes",
  "change:measured",
];
const TONES = ["go", "caution", "no"];
const MAX_CONFIG_BYTES = 1_000_000;
/** @type {Array<[string, string]>} */
const EXPORTS = [["md", "Markdown"], ["json", "JSON"], ["html", "HTML report"], ["code", "Copy as code"]];
/** @type {Record<string, string>} */
const MIME = { md: "text/markdown", json: "application/json", html: "text/html" };

/** Offer ``text`` as a file download. */
function download(/** @type {string} */ text, /** @type {string} */ filename, /** @type {string} */ mime) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

let viewCount = 0;
/** Views rendered and not yet cleaned up, published on <html data-taf-live-views> so a page
 * (or a test) can see that closing a widget really ran its cleanup. */
let liveViews = 0;
const publishLiveViews = () => document.documentElement.setAttribute("data-taf-live-views", String(liveViews));

/**
 * @param {Pick<RenderProps, "model" | "el">} view
 * @returns {() => void} cleanup: removes every listener and cancels pending sends
 */
function render({ model, el }) {
  const prefix = `taf-${++viewCount}`;
  liveViews += 1;
  publishLiveViews();
  const style = h("style", {}, CSS);
  const root = h("div", { class: "taf-recipe", "data-stale": "false", "data-revision": "", "data-result-inputs": "{}" });
  el.append(style, root);

  /** @type {Map<string, import("./controls.js").Control>} */
  let controls = new Map();
  /** @type {AbortController} listeners of the current controls; replaced on each rebuild */
  let domListeners = new AbortController();
  /** @type {HTMLSelectElement | null} */
  let presetSelect = null;
  /** @type {HTMLElement | null} */
  let presetError = null;
  let specKey = "";
  /** @type {HTMLButtonElement | null} the one-click "use the measured γ" where the panel measured the model */
  let measuredButton = null;
  /** @type {HTMLElement | null} */
  let measuredBox = null;
  const measuredSource = h("span", { class: "taf-help", "data-role": "measured-source" });
  /** @type {number | null} */
  let lastRenderedRevision = null;
  let scheduled = false;
  let destroyed = false;

  const generalError = h("div", { class: "taf-general-error", "data-role": "errors", role: "alert" });
  const staleMarker = h("div", { class: "taf-stale-marker", "data-role": "stale", hidden: true }, "stale — showing last valid result");
  const verdict = h("div", { class: "taf-verdict", "data-role": "verdict" });
  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "taf-chain", "data-role": "chain" },
    h("thead", {}, h("tr", {}, ...COLUMNS.map((c) => h("th", { scope: "col" }, c)))),
    tbody,
  );
  const resultBox = h("div", { class: "taf-result" }, verdict, h("div", { class: "taf-table-wrap" }, table));

  const configError = h("div", { class: "taf-error", "data-error-for": "config", "aria-live": "polite" });
  /** @type {HTMLElement | null} */
  let configNotes = null;
  let localConfigError = "";
  const exportStatus = h("span", { class: "taf-help", "data-role": "export-status", "aria-live": "polite" });

  /** Read a config.json chosen in the page and send its text to the kernel, which derives the preset. */
  async function loadConfig(/** @type {HTMLInputElement} */ input) {
    const chosen = input.files && input.files[0];
    if (!chosen) return;
    if (chosen.size > MAX_CONFIG_BYTES) {
      localConfigError = `config: ${chosen.name} is ${chosen.size} bytes; a config.json is at most ${MAX_CONFIG_BYTES} bytes`;
      configError.textContent = localConfigError;
      input.value = "";
      return;
    }
    localConfigError = "";
    const text = await chosen.text();
    if (!destroyed) model.send({ type: "config", filename: chosen.name, text });
    input.value = "";
  }

  /** Ask the kernel for an export; the answer arrives as a custom message. */
  function requestExport(/** @type {string} */ format) {
    exportStatus.textContent = "preparing…";
    model.send({ type: "export", format });
  }

  /** @param {any} message */
  function onMessage(message) {
    if (!message || message.type !== "export" || destroyed) return;
    if (message.error) {
      exportStatus.textContent = String(message.error);
      return;
    }
    const text = String(message.text ?? "");
    if (message.format === "code") {
      const done = () => { exportStatus.textContent = "code copied to the clipboard"; };
      const fallback = () => { download(text, String(message.filename), "text/x-python"); exportStatus.textContent = "code downloaded"; };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback);
      else fallback();
      return;
    }
    download(text, String(message.filename), MIME[message.format] || "text/plain");
    exportStatus.textContent = `${message.filename} downloaded`;
  }

  /** Send one edited value: a whole new params object, as the contract asks. */
  const send = (/** @type {string} */ name, /** @type {import("./controls.js").ParamValue} */ value) => {
    if (destroyed) return;
    const current = model.get("params") || {};
    if (name in current && Object.is(current[name], value)) return;
    model.set("params", { ...current, [name]: value });
    model.save_changes();
  };

  const schedule = () => {
    if (scheduled || destroyed) return;
    scheduled = true;
    // One render per burst: Python sets result, errors, stale and revision in one message,
    // which arrives as several change events in the same task.
    queueMicrotask(() => {
      scheduled = false;
      if (!destroyed) update();
    });
  };

  /** (Re)draw the header and controls from the declarations. */
  function build(/** @type {RecipeSpec} */ spec) {
    for (const control of controls.values()) control.cancel();
    domListeners.abort();
    domListeners = new AbortController();
    const signal = domListeners.signal;
    controls = new Map();
    const recipe = spec && spec.recipe ? spec.recipe : /** @type {Partial<RecipeSpec["recipe"]>} */ ({ params: [] });

    const fields = h("div", { class: "taf-controls" });
    presetSelect = null;
    presetError = null;
    if (recipe.takes_preset) {
      const id = `${prefix}-preset`;
      const select = /** @type {HTMLSelectElement} */ (
        h("select", { id, "data-role": "preset", "aria-describedby": `${id}-help` }, h("option", { value: "" }, "(custom)"))
      );
      for (const p of spec.presets || []) select.appendChild(h("option", { value: p.id, title: p.origin ? `${p.label} (${p.origin})` : p.label }, p.id));
      select.addEventListener(
        "change",
        () => {
          model.set("preset", select.value);
          model.save_changes();
        },
        { signal },
      );
      presetError = h("div", { class: "taf-error", "data-error-for": "preset", "aria-live": "polite" });
      const fileId = `${prefix}-config`;
      const file = /** @type {HTMLInputElement} */ (
        h("input", { type: "file", id: fileId, accept: ".json,application/json", "data-role": "config-file", class: "taf-file" })
      );
      file.addEventListener("change", () => loadConfig(file), { signal });
      configNotes = h("ul", { class: "taf-notes", "data-role": "config-notes" });
      fields.appendChild(
        h(
          "div",
          { class: "taf-field taf-preset" },
          h("label", { for: id, class: "taf-label" }, "Model preset"),
          select,
          h("div", { class: "taf-help", id: `${id}-help` }, "Fills the model's architecture parameters."),
          presetError,
          h("label", { for: fileId, class: "taf-help" }, "Or load a model's config.json:"),
          file,
          configError,
          configNotes,
        ),
      );
      presetSelect = select;
    }
    for (const param of recipe.params || []) {
      const control = createControl(param, {
        id: `${prefix}-p-${param.name}`,
        send,
        onIdle: schedule,
        signal,
      });
      controls.set(param.name, control);
      fields.appendChild(control.root);
    }

    const head = h(
      "div",
      { class: "taf-head" },
      h("div", { class: "taf-title", role: "heading", "aria-level": 3 }, `${recipe.id || ""} · ${recipe.name || ""}`),
      h("div", { class: "taf-question" }, recipe.question || recipe.description || ""),
    );
    measuredButton = null;
    if ((recipe.params || []).some((/** @type {any} */ p) => p.name === "gamma_obs")) {
      measuredButton = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "taf-button", "data-role": "use-measured" }, ""));
      measuredButton.addEventListener("click", () => {
        const m = model.get("measured");
        if (m && typeof m.gamma_obs === "number") send("gamma_obs", m.gamma_obs);
      }, { signal });
      measuredBox = h("div", { class: "taf-measured", "data-role": "measured", hidden: true }, measuredButton, measuredSource);
      fields.appendChild(measuredBox);
    } else {
      measuredBox = null;
    }
    const exportBar = h("div", { class: "taf-exports", role: "group", "aria-label": "export" },
      ...EXPORTS.map(([format, label]) => {
        const button = h("button", { type: "button", class: "taf-button", "data-export": format }, label);
        button.addEventListener("click", () => requestExport(format), { signal });
        return button;
      }),
      exportStatus);
    const foot = h("div", { class: "taf-foot" }, exportBar, spec && spec.as_of ? `Catalog: ${spec.as_of}.` : "");
    root.replaceChildren(head, fields, generalError, staleMarker, resultBox, foot);
  }

  /** @param {RecipeResultData | null} result */
  function drawResult(result) {
    const spec = model.get("_spec");
    /** @type {Record<string, string>} */
    const units = {};
    for (const p of (spec && spec.recipe && spec.recipe.params) || []) units[p.name] = p.unit;

    if (!result || !Array.isArray(result.chain)) {
      verdict.className = "taf-verdict";
      verdict.replaceChildren(h("span", { class: "taf-reason" }, "No result yet."));
      tbody.replaceChildren();
      root.setAttribute("data-result-inputs", "{}");
      return;
    }
    const tone = TONES.includes(result.tone) ? result.tone : "caution";
    verdict.className = `taf-verdict taf-tone-${tone}`;
    verdict.setAttribute("data-tone", tone);
    const pill = confidencePill(result);
    const caveats = caveatList(result);
    verdict.replaceChildren(
      h("div", { class: "taf-badge-row" }, h("span", { class: "taf-badge" }, String(result.verdict ?? "")), ...(pill ? [pill] : [])),
      ...(caveats ? [caveats] : []),
      h("div", { class: "taf-reason" }, String(result.reason ?? "")),
      h("div", { class: "taf-mitigation" }, h("b", {}, "Mitigation: "), String(result.mitigation ?? "")),
      h("ul", { class: "taf-notes" }, ...otherNotes(result).map((n) => h("li", {}, String(n)))),
    );
    tbody.replaceChildren(...result.chain.map((step) => chainRow(step, units)));
    root.setAttribute("data-result-inputs", JSON.stringify(result.inputs || {}));
  }

  function update() {
    const spec = model.get("_spec");
    const key = JSON.stringify(spec ?? null);
    if (key !== specKey) {
      specKey = key;
      build(spec);
    }
    root.setAttribute("data-recipe", String(model.get("recipe_id") ?? ""));

    const params = model.get("params") || {};
    for (const [name, control] of controls) control.show(name in params ? params[name] : null);
    if (presetSelect) presetSelect.value = model.get("preset") || "";

    const errors = model.get("errors") || {};
    const general = [];
    for (const [name, control] of controls) control.setError(errors[name] ? String(errors[name]) : "");
    if (presetError) presetError.textContent = errors.preset ? String(errors.preset) : "";
    // The kernel's verdict on the last file, else the page's own (a file too large to send).
    configError.textContent = errors.config ? String(errors.config) : localConfigError;
    if (configNotes) configNotes.replaceChildren(...(model.get("config_notes") || []).map((/** @type {string} */ n) => h("li", {}, String(n))));
    if (presetSelect) presetSelect.setAttribute("aria-invalid", errors.preset ? "true" : "false");
    for (const [name, message] of Object.entries(errors)) {
      if (controls.has(name) || (name === "preset" && presetError) || (name === "config" && configNotes)) continue;
      const text = String(message);
      general.push(h("div", {}, text.startsWith(`${name}:`) ? text : `${name}: ${text}`));
    }
    generalError.replaceChildren(...general);

    if (measuredButton && measuredBox) {
      const m = model.get("measured") || {};
      if (typeof m.gamma_obs === "number") {
        const inUse = params.gamma_obs === m.gamma_obs;
        measuredButton.textContent = inUse
          ? `measured γ in use (γ_obs = ${m.gamma_obs})`
          : `use the measured γ (${m.corpus_label}, R² ${m.R2})`;
        measuredButton.disabled = inUse;
        measuredSource.textContent = `${m.model}: γ_obs = ${m.gamma_obs}; ${m.source}`;
        measuredBox.removeAttribute("hidden");
      } else {
        measuredBox.setAttribute("hidden", "");
      }
    }

    const stale = Boolean(model.get("stale"));
    root.setAttribute("data-stale", String(stale));
    if (stale) staleMarker.removeAttribute("hidden");
    else staleMarker.setAttribute("hidden", "");

    // Results never render out of order: only a newer revision replaces what is shown.
    const revision = Number(model.get("revision") ?? 0);
    if (lastRenderedRevision === null || revision > lastRenderedRevision) {
      lastRenderedRevision = revision;
      drawResult(model.get("result"));
      root.setAttribute("data-revision", String(revision));
    }
  }

  for (const event of EVENTS) model.on(event, schedule);
  model.on("msg:custom", onMessage);
  update();

  return () => {
    if (destroyed) return;
    destroyed = true;
    liveViews -= 1;
    publishLiveViews();
    for (const event of EVENTS) model.off(event, schedule);
    model.off("msg:custom", onMessage);
    for (const control of controls.values()) control.cancel();
    domListeners.abort();
    root.remove();
    style.remove();
  };
}

export { render };
/** anywidget's contract (`export default { render }`), checked against its types. */
export default /** @satisfies {import("@anywidget/types").AnyWidget<RecipeModel>} */ ({ render });
