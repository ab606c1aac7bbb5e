import { test } from "node:test";
import assert from "node:assert/strict";

import {
  formatEditable,
  formatEntries,
  formatNumber,
  formatQuantity,
  parseNumberText,
  resultEntries,
  summarizeResult,
  unitForKey,
} from "../format.js";

test("very large numbers use scientific notation with three significant digits", () => {
  assert.equal(formatNumber(8e9), "8.00e9");
  assert.equal(formatNumber(7.68e21), "7.68e21");
  assert.equal(formatNumber(160000000000), "1.60e11");
  assert.equal(formatNumber(-3.2e12), "-3.20e12");
});

test("very small numbers use scientific notation", () => {
  assert.equal(formatNumber(1.234e-5), "1.23e-5");
  assert.equal(formatNumber(0.0009999), "1.00e-3");
});

test("hundreds to below a billion are whole numbers with thousands separators", () => {
  assert.equal(formatNumber(47781.002091926035), "47,781");
  assert.equal(formatNumber(123456789.4), "123,456,789");
  assert.equal(formatNumber(-4085.46), "-4,085");
  assert.equal(formatNumber(100), "100");
});

test("a value that rounds up to a billion switches to scientific notation", () => {
  assert.equal(formatNumber(999999999.6), "1.00e9");
});

test("numbers between 1 and 100 keep at most two decimals, trailing zeros dropped", () => {
  assert.equal(formatNumber(24.96598384700845), "24.97");
  assert.equal(formatNumber(6.25), "6.25");
  assert.equal(formatNumber(2.5), "2.5");
  assert.equal(formatNumber(16), "16");
});

test("numbers below 1 keep four significant digits", () => {
  assert.equal(formatNumber(0.9134089936270703), "0.9134");
  assert.equal(formatNumber(0.45), "0.45");
  assert.equal(formatNumber(-0.15), "-0.15");
});

test("null reads n/a and Python's non-finite strings read as symbols", () => {
  assert.equal(formatNumber(null), "n/a");
  assert.equal(formatNumber(undefined), "n/a");
  assert.equal(formatNumber("inf"), "∞");
  assert.equal(formatNumber("-inf"), "-∞");
  assert.equal(formatNumber("nan"), "NaN");
  assert.equal(formatNumber(0), "0");
});

test("booleans read yes and no, other strings pass through", () => {
  assert.equal(formatNumber(true), "yes");
  assert.equal(formatNumber(false), "no");
  assert.equal(formatNumber("H100 SXM"), "H100 SXM");
});

test("probabilities are shown as percentages", () => {
  assert.equal(formatQuantity(0, "probability"), "0%");
  assert.equal(formatQuantity(0.1234, "probability"), "12.34%");
  assert.equal(formatQuantity(1, "probability"), "100%");
  assert.equal(formatQuantity(null, "probability"), "n/a");
});

test("dollars go before the number, per-unit dollars keep their denominator", () => {
  assert.equal(formatQuantity(11983.672246564056, "USD"), "$11,984");
  assert.equal(formatQuantity(6.25, "USD/Mtok"), "$6.25/Mtok");
  assert.equal(formatQuantity(-5, "USD"), "-$5");
});

test("other units follow the number after a space; null never gets a unit", () => {
  assert.equal(formatQuantity(47781.0021, "tokens"), "47,781 tokens");
  assert.equal(formatQuantity(7.68e21, "FLOPs"), "7.68e21 FLOPs");
  assert.equal(formatQuantity(null, "tokens"), "n/a");
  assert.equal(formatQuantity("inf", "tokens"), "∞ tokens");
  assert.equal(formatQuantity(0.96768, "×"), "0.9677×");
});

test("dict keys name their units", () => {
  assert.equal(unitForKey("tok_per_sec"), "tok/s");
  assert.equal(unitForKey("USD_per_Mtok"), "USD/Mtok");
  assert.equal(unitForKey("vram_GB"), "GB");
  assert.equal(unitForKey("kv_cache_GB"), "GB");
  assert.equal(unitForKey("T_eval", { T_eval: "tokens" }), "tokens");
  assert.equal(unitForKey("theta", { theta: "" }), "");
});

test("a memory dict result shows its size in GB only", () => {
  const kv = { bytes: 4194304000.0, MB: 4194.304, GB: 4.194304 };
  assert.equal(summarizeResult(kv), "4.19 GB");
});

test("a training cost dict shows dollars and days", () => {
  const cost = { total_FLOPs: 7.68e21, hours: 599.18, days: 24.96598384700845, USD: 11983.67, gpu: "H100 SXM", n_gpus: 8, mfu: 0.45 };
  assert.equal(summarizeResult(cost), "$11,984 · 24.97 days");
});

test("an inference dict shows $/Mtok and tok/s", () => {
  const inference = { tok_per_sec: 209.375, USD_per_Mtok: 3.3167495854063023, gpu: "H100 SXM", batch: 1 };
  assert.equal(summarizeResult(inference), "$3.32/Mtok · 209 tok/s");
});

test("a break-even dict that never breaks even shows its message", () => {
  const be = { error: "self-hosting costs at least as much per token as the API; it never breaks even" };
  assert.equal(summarizeResult(be), be.error);
});

test("a dict with no known field shows its first numeric fields", () => {
  assert.equal(summarizeResult({ pade_centroid: 0.9134, delta_GQA: 0.11, label: "x" }), "pade_centroid = 0.9134 · delta_GQA = 0.11");
});

test("a ranked list of GPUs shows its length and the best entry", () => {
  const gpus = [
    { gpu: "RTX 5090", vram_GB: 32, tok_per_sec: 112.0, USD_per_Mtok: 1.7361111111111107 },
    { gpu: "MI300X", vram_GB: 192, tok_per_sec: 331.25, USD_per_Mtok: 2.1 },
  ];
  assert.equal(summarizeResult(gpus), "top 2 GPUs: best RTX 5090 $1.74/Mtok");
  assert.equal(summarizeResult(gpus.slice(0, 1)), "1 GPU: RTX 5090 $1.74/Mtok");
  assert.equal(summarizeResult([]), "none");
});

test("scalar results get their unit, strings and null pass through", () => {
  assert.equal(summarizeResult(0.9134089936270703, ""), "0.9134");
  assert.equal(summarizeResult(95562.004, "tokens"), "95,562 tokens");
  assert.equal(summarizeResult(null, "tokens"), "n/a");
  assert.equal(summarizeResult("applies", ""), "applies");
});

test("every field of a dict is listed with its unit for the details", () => {
  const entries = formatEntries({ GB: 4.194304, bytes: 4194304000, has_GQA: true, gpu: "H100 SXM" });
  assert.deepEqual(entries, [
    ["GB", "4.19 GB"],
    ["bytes", "4.19e9 bytes"],
    ["has_GQA", "yes"],
    ["gpu", "H100 SXM"],
  ]);
});

test("a list result gives one detail line per item, named by its gpu", () => {
  const entries = resultEntries([{ gpu: "RTX 5090", vram_GB: 32, USD_per_Mtok: 1.736 }]);
  assert.deepEqual(entries, [["RTX 5090", "vram_GB = 32 GB, USD_per_Mtok = $1.74/Mtok"]]);
});

test("editable text reads back to the same number", () => {
  for (const v of [8e9, 32000, 0.45, 500000, 1e15, 2.5e-7, 123456789, 8317637711, 1048576, 1]) {
    assert.equal(parseNumberText(formatEditable(v)), v, `round trip of ${v}`);
  }
  assert.equal(formatEditable(8e9), "8e9");
  assert.equal(formatEditable(32000), "32000");
  assert.equal(formatEditable(500000), "500000");
  assert.equal(formatEditable(40000000), "4e7");
  assert.equal(formatEditable(1048576), "1048576", "no longer exponent form");
  assert.equal(formatEditable(null), "");
  assert.equal(formatEditable("abc"), "abc");
});

test("clean numeric text becomes a number", () => {
  assert.equal(parseNumberText("32000"), 32000);
  assert.equal(parseNumberText(" 8e9 "), 8e9);
  assert.equal(parseNumberText("1_000_000"), 1e6);
  assert.equal(parseNumberText("-5"), -5);
  assert.equal(parseNumberText(".5"), 0.5);
});

test("text that does not parse is sent raw for Python to judge", () => {
  assert.equal(parseNumberText("abc"), "abc");
  assert.equal(parseNumberText("1,000"), "1,000");
  assert.equal(parseNumberText("1e999"), "1e999");
  assert.equal(parseNumberText("", false), "");
});

test("an empty optional field means not given", () => {
  assert.equal(parseNumberText("", true), null);
  assert.equal(parseNumberText("   ", true), null);
});
