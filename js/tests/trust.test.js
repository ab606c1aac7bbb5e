// The evidence beside a verdict in the recipe view: the confidence pill, the caveats (most
// serious first, apart from the notes) and the one-click "use the measured γ". Results come
// from the Python core of this checkout, so the view is tested on what Python really sends.

import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { FakeDocument, fakeModel } from "./fake_dom.js";
import widget from "../recipe.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** @param {Record<string, unknown>} params */
function pythonState(params) {
  const script = `
import json, sys
from taf_widgets.core import get_recipe, run_recipe, list_presets, catalog_info
from taf_widgets.core.measurements import measured_gamma
params = json.loads(sys.argv[1])
r = run_recipe("X-2", preset="meta-llama/Meta-Llama-3-8B", **params)
m = measured_gamma("meta-llama/Meta-Llama-3-8B")
spec = {"recipe": get_recipe("X-2").describe(),
        "presets": [{"id": p["id"], "label": p["label"]} for p in list_presets()],
        "as_of": catalog_info()["gpus"]["as_of"]}
print(json.dumps({"recipe_id": "X-2", "_spec": spec, "preset": "meta-llama/Meta-Llama-3-8B", "params": r.inputs,
                  "result": r.to_dict(), "errors": {}, "stale": False, "revision": 1,
                  "measured": {"model": m["model"], "gamma_obs": m["gamma_obs"], "R2": m["R2"],
                               "corpus_label": m["corpus_label"], "source": "panel"}}))
`;
  const out = execFileSync(process.env.PYTHON || "python3", ["-c", script, JSON.stringify(params)], {
    cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out);
}

const CLOSED = pythonState({ T_eval: 32000 });
const MEASURED = pythonState({ T_eval: 32000, gamma_obs: 1.0455 });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** @type {FakeDocument} */
let doc;
beforeEach(() => {
  doc = new FakeDocument();
  globalThis.document = /** @type {any} */ (doc);
});

/** @param {Record<string, any>} state */
function mount(state) {
  const model = fakeModel(JSON.parse(JSON.stringify(state)));
  const el = doc.createElement("div");
  // The fakes stand in for anywidget's model and a DOM element.
  const cleanup = widget.render({ model: /** @type {any} */ (model), el: /** @type {any} */ (el) });
  return { model, root: el.querySelector(".taf-recipe"), cleanup };
}

test("the badge shows the confidence band, and the caveats sit under it in order, not among the notes", () => {
  const { root, cleanup } = mount(CLOSED);
  const pill = root.querySelector('[data-role="confidence"]');
  assert.equal(pill.getAttribute("data-band"), CLOSED.result.confidence.band);
  assert.match(pill.textContent, new RegExp(`${CLOSED.result.confidence.band} confidence · ${CLOSED.result.confidence.percent}%`));
  const items = root.querySelector('[data-role="caveats"]').querySelectorAll("li");
  assert.deepEqual(items.map((li) => li.getAttribute("data-caveat")), CLOSED.result.caveats);
  assert.equal(items[0].textContent, CLOSED.result.caveat_text[CLOSED.result.caveats[0]]);
  const notes = root.querySelector(".taf-notes").querySelectorAll("li").map((li) => li.textContent);
  for (const sentence of Object.values(CLOSED.result.caveat_text)) assert.ok(!notes.includes(sentence));
  cleanup();
});

test("'use the measured γ' sends gamma_obs, and reads as in use once Python answers", async () => {
  const { model, root, cleanup } = mount(CLOSED);
  const button = root.querySelector('[data-role="use-measured"]');
  assert.equal(button.textContent, "use the measured γ (natural text, R² 0.9975)");
  assert.equal(root.querySelector('[data-role="measured"]').getAttribute("hidden"), null);
  button.dispatch("click");
  assert.equal(model.saved.at(-1)?.params.gamma_obs, 1.0455);
  model.fromPython({ params: MEASURED.params, result: MEASURED.result, revision: 2 });
  await settle();
  assert.match(root.querySelector('[data-role="use-measured"]').textContent, /measured γ in use/);
  assert.equal(root.querySelector(".taf-badge").textContent, "NO");
  const codes = root.querySelector('[data-role="caveats"]').querySelectorAll("li").map((li) => li.getAttribute("data-caveat"));
  assert.ok(codes.includes("measured_gamma") && !codes.includes("closed_form_identity"));
  cleanup();
});

test("no measurement, no button", async () => {
  const { model, root, cleanup } = mount({ ...CLOSED, measured: {} });
  assert.equal(root.querySelector('[data-role="measured"]').getAttribute("hidden"), "");
  model.fromPython({ measured: CLOSED.measured });
  await settle();
  assert.equal(root.querySelector('[data-role="measured"]').getAttribute("hidden"), null);
  cleanup();
});
