// render() against a model with the real traits, on a small fake DOM (see fake_dom.js).
// The recipe data comes from the Python core itself, so the view is tested on the shapes
// Python really sends. The core is standard-library Python imported from this checkout, so
// any python3 (or $PYTHON) runs it; failing to is a real failure, never a skip.

import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { FakeDocument, fakeModel } from "./fake_dom.js";
import widget from "../recipe.js";
import { SLIDER_STEPS, positionToValue } from "../scale.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const LLAMA = "meta-llama/Meta-Llama-3-8B";
/** @typedef {import("../controls.js").ParamSpec} ParamSpec */

/**
 * The initial trait values of a RecipePanel, computed by the core (standard library only).
 * @param {string} recipeId
 * @param {string} preset
 * @param {Record<string, unknown>} params
 */
function pythonState(recipeId, preset, params) {
  const script = `
import json, sys
from taf_widgets.core import get_recipe, run_recipe, list_presets, catalog_info
rid, preset, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
r = run_recipe(rid, preset=preset or None, **params)
spec = {"recipe": get_recipe(rid).describe(),
        "presets": [{"id": p["id"], "label": p["label"]} for p in list_presets()],
        "as_of": catalog_info()["gpus"]["as_of"]}
print(json.dumps({"recipe_id": rid, "_spec": spec, "preset": preset, "params": r.inputs,
                  "result": r.to_dict(), "errors": {}, "stale": False, "revision": 1}))
`;
  const out = execFileSync(process.env.PYTHON || "python3", ["-c", script, recipeId, preset, JSON.stringify(params)], {
    cwd: REPO,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out);
}

const X2 = pythonState("X-2", LLAMA, { T_eval: 32000 });
const X1 = pythonState("X-1", "", { N_params: 8e9 });
const X3 = pythonState("X-3", "", {});
const X5 = pythonState("X-5", LLAMA, {});

/** Let the scheduled render (a microtask) and any zero-delay timers run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
const clone = (/** @type {unknown} */ x) => JSON.parse(JSON.stringify(x));

/** @type {FakeDocument} */
let doc;
beforeEach(() => {
  doc = new FakeDocument();
  globalThis.document = /** @type {any} */ (doc);
});

/** @param {Record<string, any>} state */
function mount(state) {
  const model = fakeModel(clone(state));
  const el = doc.createElement("div");
  // The fakes stand in for anywidget's model and a DOM element.
  const cleanup = widget.render({ model: /** @type {any} */ (model), el: /** @type {any} */ (el) });
  const root = el.querySelector(".taf-recipe");
  return { model, el, root, cleanup };
}

test("the root element carries the recipe, revision, result inputs and stale flag", () => {
  const { root, cleanup } = mount(X2);
  assert.equal(root.getAttribute("data-recipe"), "X-2");
  assert.equal(root.getAttribute("data-revision"), "1");
  assert.equal(root.getAttribute("data-stale"), "false");
  assert.equal(JSON.parse(/** @type {string} */ (root.getAttribute("data-result-inputs"))).T_eval, 32000);
  cleanup();
});

test("controls are drawn from the declarations: a field per parameter, sliders for numbers", () => {
  const { root, cleanup } = mount(X2);
  for (const p of X2._spec.recipe.params) {
    const input = root.querySelector(`[data-param="${p.name}"]`);
    assert.ok(input, `control for ${p.name}`);
    const label = root.querySelector(`label[for="${input.id}"]`);
    assert.equal(label.textContent, p.label, `label of ${p.name}`);
    assert.ok(root.querySelector(`[data-error-for="${p.name}"]`), `error line of ${p.name}`);
    const slider = root.querySelector(`[data-param-slider="${p.name}"]`);
    if (p.kind === "bool") {
      assert.equal(input.tagName, "INPUT");
      assert.equal(input.getAttribute("type"), "checkbox");
      assert.equal(slider, null);
    } else if (p.kind === "choice") {
      assert.equal(input.tagName, "SELECT");
      assert.equal(slider, null);
    } else {
      assert.equal(input.getAttribute("type"), "text");
      assert.equal(slider.getAttribute("type"), "range");
    }
  }
  assert.equal(root.querySelector('[data-param="T_eval"]').value, "32000");
  assert.equal(root.querySelector('[data-param="n_params"]').value, "8e9");
  cleanup();
});

test("a choice parameter is a select listing the catalog names", () => {
  const { root, cleanup } = mount(X1);
  const gpu = root.querySelector('select[data-param="gpu"]');
  const names = gpu.querySelectorAll("option").map((o) => o.textContent);
  assert.deepEqual(names, X1._spec.recipe.params.find((/** @type {ParamSpec} */ p) => p.name === "gpu").choices);
  assert.equal(gpu.value, "H100 SXM");
  cleanup();
});

test("the preset picker offers (custom) and every preset by id; X-3 has none", () => {
  const { root, cleanup } = mount(X2);
  const select = root.querySelector('select[data-role="preset"]');
  const options = select.querySelectorAll("option");
  assert.equal(options[0].textContent, "(custom)");
  assert.equal(options[0].getAttribute("value"), "");
  assert.deepEqual(options.slice(1).map((o) => o.textContent), X2._spec.presets.map((/** @type {{id: string}} */ p) => p.id));
  assert.equal(select.value, LLAMA);
  cleanup();
  const x3 = mount(X3);
  assert.equal(x3.root.querySelector('[data-role="preset"]'), null);
  x3.cleanup();
});

test("picking a preset sends it to the kernel", () => {
  const { root, model, cleanup } = mount(X2);
  const select = root.querySelector('select[data-role="preset"]');
  select.value = "";
  select.dispatch("change");
  assert.deepEqual(model.saved.at(-1), { preset: "" });
  cleanup();
});

test("the verdict badge comes first, then reason, mitigation and notes", () => {
  const { root, cleanup } = mount(X2);
  const verdict = root.querySelector('[data-role="verdict"]');
  assert.ok(verdict.textContent.startsWith("YES"), verdict.textContent);
  assert.ok(verdict.classList.contains("taf-tone-go"));
  assert.ok(verdict.textContent.includes(X2.result.reason));
  assert.ok(verdict.textContent.includes(X2.result.mitigation));
  assert.equal(verdict.querySelectorAll("li").length, X2.result.notes.length);
  cleanup();
});

test("the chain table has one row per step with formatted results and inputs on demand", () => {
  const { root, cleanup } = mount(X2);
  const headers = root.querySelectorAll('[data-role="chain"] thead th').map((th) => th.textContent);
  assert.deepEqual(headers, ["step", "section", "name", "formula", "result", "interpretation"]);
  const rows = root.querySelectorAll('[data-role="chain"] tbody tr');
  assert.equal(rows.length, X2.result.chain.length);
  const cells = (/** @type {import("./fake_dom.js").FakeElement} */ row) => row.children.map((td) => td.children.length ? td.children[0].textContent : td.textContent);
  assert.deepEqual(cells(rows[2]).slice(0, 3), ["3", "§26.2", "d_horizon"]);
  assert.equal(rows[2].querySelector(".taf-value").textContent, "47,781 tokens");
  assert.equal(rows[4].querySelector(".taf-value").textContent, "0%");
  assert.equal(rows[5].querySelector(".taf-value").textContent, "4.19 GB");
  const details = rows[1].querySelector("details");
  assert.equal(details.querySelector("summary").textContent, "inputs");
  const lines = details.querySelectorAll("li").map((li) => li.textContent);
  assert.ok(lines.includes("n_params = 8.00e9 params"), lines.join(" | "));
  assert.ok(lines.includes("delta_GQA = 0.11"), "the breakdown is listed too");
  cleanup();
});

test("a list result reads as its length and best entry", () => {
  const { root, cleanup } = mount(X5);
  const rows = root.querySelectorAll('[data-role="chain"] tbody tr');
  const gpus = X5.result.chain[3].result;
  const text = rows[3].querySelector(".taf-value").textContent;
  assert.match(text, new RegExp(`^top ${gpus.length} GPUs: best ${gpus[0].gpu} \\$[\\d.]+/Mtok$`));
  cleanup();
});

test("an invalid field shows its error beside it and marks the result stale; fixing recovers", async () => {
  const { root, model, cleanup } = mount(X2);
  const message = "T_eval: got 'abc'; must be a whole number >= 1 and <= 1e8 (tokens)";
  model.fromPython({ params: { ...model.get("params"), T_eval: "abc" }, errors: { T_eval: message }, stale: true });
  await settle();
  const field = root.querySelector('[data-param="T_eval"]');
  assert.equal(root.querySelector('[data-error-for="T_eval"]').textContent, message);
  assert.equal(field.getAttribute("aria-invalid"), "true");
  assert.equal(field.value, "abc");
  assert.equal(root.getAttribute("data-stale"), "true");
  assert.equal(root.querySelector('[data-role="stale"]').hasAttribute("hidden"), false);
  assert.match(root.querySelector('[data-role="stale"]').textContent, /^stale — showing last valid result/);
  assert.ok(root.querySelector('[data-role="verdict"]').textContent.startsWith("YES"), "last good result still shown");

  const fixed = clone(X2.result);
  model.fromPython({ params: { ...model.get("params"), T_eval: 32000 }, errors: {}, stale: false, result: fixed, revision: 2 });
  await settle();
  assert.equal(root.querySelector('[data-error-for="T_eval"]').textContent, "");
  assert.equal(field.getAttribute("aria-invalid"), "false");
  assert.equal(root.getAttribute("data-stale"), "false");
  assert.equal(root.querySelector('[data-role="stale"]').hasAttribute("hidden"), true);
  assert.equal(root.getAttribute("data-revision"), "2");
  cleanup();
});

test("errors for names that are not parameters go to the general error line", async () => {
  const { root, model, cleanup } = mount(X2);
  model.fromPython({ errors: { zzz: "zzz: got 1; is not a parameter of this recipe" }, stale: true });
  await settle();
  assert.equal(root.querySelector('[data-role="errors"]').textContent, "zzz: got 1; is not a parameter of this recipe");
  cleanup();
});

test("results never render out of order: an older revision is ignored", async () => {
  const { root, model, cleanup } = mount(X2);
  const newer = clone(X2.result);
  newer.verdict = "NO";
  newer.tone = "no";
  const older = clone(X2.result);
  older.verdict = "DEGRADED";
  older.tone = "caution";
  model.fromPython({ result: newer, revision: 5 });
  await settle();
  model.fromPython({ result: older, revision: 4 });
  await settle();
  assert.ok(root.querySelector('[data-role="verdict"]').textContent.startsWith("NO"));
  assert.equal(root.getAttribute("data-revision"), "5");
  cleanup();
});

test("typing a number sends it on change as a number; text that does not parse is sent raw", () => {
  const { root, model, cleanup } = mount(X2);
  const field = root.querySelector('[data-param="T_eval"]');
  field.value = "40000000";
  field.dispatch("change");
  assert.equal(model.saved.at(-1)?.params.T_eval, 40000000);
  assert.equal(model.saved.at(-1)?.params.theta, X2.params.theta, "a whole params object is sent");
  field.value = "-5x";
  field.dispatch("change");
  assert.equal(model.saved.at(-1)?.params.T_eval, "-5x");
  cleanup();
});

test("emptying an optional field sends null", () => {
  const { root, model, cleanup } = mount({ ...X1, params: { ...X1.params, D_tokens: 1e12 } });
  const field = root.querySelector('[data-param="D_tokens"]');
  assert.equal(field.value, "1e12");
  field.value = "";
  field.dispatch("change");
  assert.equal(model.saved.at(-1)?.params.D_tokens, null);
  cleanup();
});

test("typing sends after a pause without waiting for Enter", async () => {
  const { root, model, cleanup } = mount(X2);
  const field = root.querySelector('[data-param="T_eval"]');
  field.value = "6";
  field.dispatch("input");
  field.value = "65536";
  field.dispatch("input");
  assert.equal(model.saved.length, 0, "nothing sent while typing");
  await sleep(350);
  assert.equal(model.saved.length, 1);
  assert.equal(model.saved[0].params.T_eval, 65536);
  cleanup();
});

test("a slider drag updates the field at once, throttles sends and always sends the final value", async () => {
  const { root, model, cleanup } = mount(X2);
  const slider = root.querySelector('[data-param-slider="T_eval"]');
  const field = root.querySelector('[data-param="T_eval"]');
  const param = X2._spec.recipe.params.find((/** @type {ParamSpec} */ p) => p.name === "T_eval");
  for (let pos = 500; pos < 700; pos += 10) {
    slider.value = String(pos);
    slider.dispatch("input");
    assert.equal(field.value, String(positionToValue(param, pos)), "the field follows the slider");
  }
  assert.equal(model.saved.length, 1, "twenty input events within one send window: one send");
  slider.value = "700";
  slider.dispatch("input");
  slider.dispatch("change");
  const final = positionToValue(param, 700);
  assert.equal(model.saved.at(-1)?.params.T_eval, final);
  await sleep(80);
  assert.equal(model.saved.at(-1)?.params.T_eval, final, "no stale send after the final value");
  assert.ok(model.saved.length <= 3, `sent ${model.saved.length} times`);
  cleanup();
});

test("a slider moved by keyboard sends its value", () => {
  const { root, model, cleanup } = mount(X2);
  const slider = root.querySelector('[data-param-slider="n_layers"]');
  slider.value = String(SLIDER_STEPS);
  slider.dispatch("input");
  slider.dispatch("change");
  assert.equal(model.get("params").n_layers, 1000);
  assert.equal(model.saved.at(-1)?.params.n_layers, 1000);
  cleanup();
});

test("each arrow key on a slider changes a small whole number by at least one", () => {
  const { root, model, cleanup } = mount(X1);
  const slider = root.querySelector('[data-param-slider="n_gpus"]');
  for (const expected of [9, 10]) {
    slider.dispatch("keydown");
    slider.value = String(Number(slider.value) + 1);
    slider.dispatch("input");
    slider.dispatch("change");
    assert.equal(model.get("params").n_gpus, expected);
    assert.equal(root.querySelector('[data-param="n_gpus"]').value, String(expected));
  }
  cleanup();
});

test("params from Python update every control except the one being typed in", async () => {
  const { root, model, cleanup } = mount(X2);
  const tEval = root.querySelector('[data-param="T_eval"]');
  tEval.dispatch("focus");
  tEval.value = "123";
  tEval.dispatch("input");
  model.fromPython({ params: { ...model.get("params"), T_eval: 2048, n_layers: 40, has_SWA: true } });
  await settle();
  assert.equal(tEval.value, "123", "the field being typed in keeps the user's text");
  assert.equal(root.querySelector('[data-param="n_layers"]').value, "40");
  assert.equal(root.querySelector('[data-param="has_SWA"]').checked, true);
  tEval.dispatch("blur");
  await settle();
  assert.equal(model.get("params").T_eval, 123, "leaving the field sends what was typed");
  cleanup();
});

test("params from Python do not move a slider being dragged", async () => {
  const { root, model, cleanup } = mount(X2);
  const slider = root.querySelector('[data-param-slider="theta"]');
  slider.value = "900";
  slider.dispatch("input");
  model.fromPython({ params: { ...model.get("params"), theta: 10000 } });
  await settle();
  assert.equal(slider.value, "900");
  slider.dispatch("pointerup");
  cleanup();
});

test("text from data is inserted as text, never parsed as HTML", async () => {
  const evil = '<img src=x onerror="alert(1)">';
  const state = clone(X2);
  state._spec.presets.push({ id: evil, label: evil });
  state.result.reason = evil;
  state.result.notes = [evil];
  state.result.chain[0].interpretation = evil;
  const { root, cleanup } = mount(state); // the fake DOM throws on innerHTML
  const options = root.querySelectorAll('[data-role="preset"] option');
  assert.equal(options.at(-1)?.textContent, evil);
  assert.equal(options.at(-1)?.children.length, 0);
  assert.ok(root.querySelector('[data-role="verdict"]').textContent.includes(evil));
  assert.equal(root.querySelectorAll("img").length, 0);
  cleanup();
});

test("a new recipe spec redraws the controls from its declarations", async () => {
  const { root, model, cleanup } = mount(X2);
  model.fromPython({ recipe_id: "X-3", _spec: X3._spec, preset: "", params: X3.params, result: X3.result, revision: 2 });
  await settle();
  assert.equal(root.getAttribute("data-recipe"), "X-3");
  assert.equal(root.querySelector('[data-param="T_eval"]'), null);
  assert.ok(root.querySelector('[data-param="USD_budget"]'));
  assert.equal(root.querySelector('[data-role="preset"]'), null);
  assert.ok(root.querySelector('[data-role="verdict"]').textContent.startsWith(X3.result.verdict));
  cleanup();
});

test("the page counts live views: render adds one, cleanup takes it away", () => {
  const before = Number(doc.documentElement.getAttribute("data-taf-live-views") || 0);
  const { cleanup } = mount(X2);
  assert.equal(Number(doc.documentElement.getAttribute("data-taf-live-views")), before + 1);
  cleanup();
  assert.equal(Number(doc.documentElement.getAttribute("data-taf-live-views")), before);
});

test("cleanup removes every model and DOM listener and drops pending sends", async () => {
  const { el, root, model, cleanup } = mount(X2);
  assert.ok(model.listenerCount() > 0);
  assert.ok(doc.liveListeners > 0);
  const field = root.querySelector('[data-param="T_eval"]');
  field.value = "1000";
  field.dispatch("input"); // a debounced send is now pending
  cleanup();
  assert.equal(model.listenerCount(), 0);
  assert.equal(doc.liveListeners, 0);
  assert.equal(el.children.length, 0);
  await sleep(350);
  assert.equal(model.saved.length, 0, "nothing is sent after cleanup");
  cleanup(); // a second call is harmless
});
