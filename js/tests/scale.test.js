import { test } from "node:test";
import assert from "node:assert/strict";

import { OPEN_LOG_DECADES, SLIDER_STEPS, keyStepValue, positionToValue, sliderRange, valueToPosition } from "../scale.js";

// Declarations as Param.describe() gives them for the real recipes.
/** @typedef {import("../scale.js").ScaleParam & {low: number, high: number}} Bounded */
/** @type {Bounded} */
const N_PARAMS = { kind: "float", low: 1e6, high: 1e15, low_open: false, log: true, step: null };
/** @type {Bounded} */
const T_EVAL = { kind: "int", low: 1, high: 1e8, low_open: false, log: true, step: 1 };
/** @type {Bounded} */
const THETA = { kind: "float", low: 0, high: 1e10, low_open: true, log: true, step: null };
/** @type {Bounded} */
const MFU = { kind: "float", low: 0, high: 1, low_open: true, log: false, step: 0.01 };
/** @type {Bounded} */
const BYTES = { kind: "float", low: 0, high: 8, low_open: true, log: false, step: 0.5 };
/** @type {Bounded} */
const N_LAYERS = { kind: "int", low: 1, high: 1000, low_open: false, log: true, step: 1 };

test("a log slider round-trips at both ends exactly", () => {
  for (const p of [N_PARAMS, T_EVAL, N_LAYERS]) {
    assert.equal(positionToValue(p, 0), p.low);
    assert.equal(positionToValue(p, SLIDER_STEPS), p.high);
    assert.equal(valueToPosition(p, p.low), 0);
    assert.equal(valueToPosition(p, p.high), SLIDER_STEPS);
  }
});

test("a log slider spends equal travel on each decade", () => {
  // 1e6..1e15 is nine decades: 1e10 is four ninths of the way.
  assert.equal(valueToPosition(N_PARAMS, 1e10), Math.round((4 / 9) * SLIDER_STEPS));
  assert.equal(positionToValue(N_PARAMS, SLIDER_STEPS / 2), 3.16e10);
  assert.equal(positionToValue(T_EVAL, SLIDER_STEPS / 2), 10000);
});

test("log slider values keep three significant digits", () => {
  const v = /** @type {number} */ (positionToValue(N_PARAMS, 400));
  assert.equal(v, Number(v.toPrecision(3)));
  assert.equal(v, 3.98e9);
});

test("int sliders give whole numbers", () => {
  for (let pos = 0; pos <= SLIDER_STEPS; pos += 37) {
    assert.ok(Number.isInteger(positionToValue(T_EVAL, pos)), `T_eval at ${pos}`);
    assert.ok(Number.isInteger(positionToValue(N_LAYERS, pos)), `n_layers at ${pos}`);
  }
});

test("value to position to value lands on the nearest notch for log ranges", () => {
  for (const v of [8e9, 7e10, 4.05e11]) {
    const back = /** @type {number} */ (positionToValue(N_PARAMS, /** @type {number} */ (valueToPosition(N_PARAMS, v))));
    // One notch of nine decades over 1000 steps is a factor of 10^(9/1000) ≈ 1.021.
    assert.ok(Math.abs(Math.log10(back / v)) <= 9 / SLIDER_STEPS / 2 + 1e-3, `${v} came back as ${back}`);
  }
});

test("an open zero lower bound on a log scale starts twelve decades below the top", () => {
  assert.deepEqual(sliderRange(THETA), { lo: 1e10 / 10 ** OPEN_LOG_DECADES, hi: 1e10, log: true });
  assert.equal(positionToValue(THETA, 0), 0.01);
  assert.equal(positionToValue(THETA, SLIDER_STEPS), 1e10);
  // θ = 500000 (Llama 3) is reachable: its notch reads back within one notch.
  const back = /** @type {number} */ (positionToValue(THETA, /** @type {number} */ (valueToPosition(THETA, 500000))));
  assert.ok(Math.abs(Math.log10(back / 500000)) < 12 / SLIDER_STEPS, `500000 came back as ${back}`);
});

test("an open lower bound on a linear scale starts one step above it", () => {
  assert.equal(positionToValue(MFU, 0), 0.01);
  assert.equal(positionToValue(BYTES, 0), 0.5);
  assert.equal(positionToValue(MFU, SLIDER_STEPS), 1);
});

test("a linear slider snaps to the declared step without float noise", () => {
  assert.equal(positionToValue(MFU, 444), 0.45);
  assert.equal(positionToValue(MFU, 450), 0.46);
  assert.equal(positionToValue(MFU, 333), 0.34);
  assert.equal(positionToValue(BYTES, 200), 2);
  assert.equal(positionToValue(BYTES, 250), 2.5);
  assert.equal(valueToPosition(MFU, 0.45), 444);
  assert.equal(positionToValue(MFU, /** @type {number} */ (valueToPosition(MFU, 0.45))), 0.45);
});

test("values outside the range sit at the nearer end", () => {
  assert.equal(valueToPosition(N_PARAMS, 1), 0);
  assert.equal(valueToPosition(N_PARAMS, 1e20), SLIDER_STEPS);
  assert.equal(valueToPosition(THETA, 0), 0);
  assert.equal(positionToValue(N_PARAMS, -5), N_PARAMS.low);
  assert.equal(positionToValue(N_PARAMS, 5000), N_PARAMS.high);
});

test("text, null and non-finite values have no slider position", () => {
  assert.equal(valueToPosition(N_PARAMS, "abc"), null);
  assert.equal(valueToPosition(N_PARAMS, null), null);
  assert.equal(valueToPosition(N_PARAMS, Infinity), null);
});

test("choices, booleans and unbounded numbers get no slider", () => {
  assert.equal(sliderRange({ kind: "choice", low: null, high: null }), null);
  assert.equal(sliderRange({ kind: "bool", low: null, high: null }), null);
  assert.equal(sliderRange({ kind: "float", low: 0, high: null }), null);
  assert.equal(positionToValue({ kind: "float", low: null, high: 5 }, 10), null);
});

test("every arrow key press changes a small whole number on a wide log slider", () => {
  /** @type {Bounded} */
  const N_GPUS = { kind: "int", low: 1, high: 100000, low_open: false, log: true, step: 1 };
  let value = 8;
  let position = /** @type {number} */ (valueToPosition(N_GPUS, value));
  // One notch alone would round back to 8.
  assert.equal(positionToValue(N_GPUS, position + 1), 8);
  for (const expected of [9, 10, 11]) {
    value = /** @type {number} */ (keyStepValue(N_GPUS, value, position + 1, position));
    assert.equal(value, expected);
    position = /** @type {number} */ (valueToPosition(N_GPUS, value));
  }
  assert.equal(keyStepValue(N_GPUS, 11, position - 1, position), 10, "and back down");
  assert.equal(keyStepValue(N_GPUS, 1, 0, 0), 1, "no move at the bottom end");
});

test("a key step on a float or a large value is the plain slider value", () => {
  assert.equal(keyStepValue(N_PARAMS, 8e9, 420, 419), positionToValue(N_PARAMS, 420));
  assert.equal(keyStepValue(T_EVAL, 32000, 565, 564), positionToValue(T_EVAL, 565));
});
