import { test } from "node:test";
import assert from "node:assert/strict";

import { keyText } from "../card.js";

test("a key number reads with its unit, and text values stay as they are", () => {
  assert.equal(keyText({ key: "d_horizon", label: "d_horizon", value: 47781.002, unit: "tokens" }), "47,781 tokens");
  assert.equal(keyText({ key: "kv_GB", label: "KV cache", value: 4.194304, unit: "GB" }), "4.19 GB");
  assert.equal(keyText({ key: "best_gpu", label: "best GPU", value: "<b>RTX 5090</b>", unit: "" }), "<b>RTX 5090</b>");
  assert.equal(keyText({ key: "D_f", label: "D_f", value: null, unit: "tokens" }), "n/a");
});
