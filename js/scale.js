// Slider ↔ value mapping, drawn from a parameter declaration. Pure functions.
//
// A slider always runs over positions 0..SLIDER_STEPS. Declarations marked `log` span
// decades (1e6..1e15 parameters), so position maps to value through log10; others map
// linearly, snapped to the declared step.

/**
 * The part of Param.describe() the mapping reads.
 * @typedef {object} ScaleParam
 * @property {"int"|"float"|"bool"|"choice"} kind
 * @property {number|null} low
 * @property {number|null} high
 * @property {boolean} [low_open]
 * @property {boolean} [log]
 * @property {number|null} [step]
 */

/**
 * @typedef {object} SliderRange
 * @property {number} lo value at position 0
 * @property {number} hi value at position SLIDER_STEPS
 * @property {boolean} log
 */

export const SLIDER_STEPS = 1000;

/**
 * A log slider whose declared lower bound is an open 0 (θ, a budget, a volume) starts this
 * many decades below its upper bound: 12 decades keep every sensible value reachable.
 */
export const OPEN_LOG_DECADES = 12;

/** Significant digits kept for values read off a log slider, so drags give 8.32e9, not 8317637711. */
const LOG_SIGNIFICANT = 3;

/**
 * @param {number} x
 * @param {number} digits
 */
export function roundSignificant(x, digits) {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

/** Decimals of a step (0.01 → 2, 0.5 → 1), so snapped values carry no float noise. */
function decimalsOf(/** @type {number} */ step) {
  const text = String(step);
  if (text.includes("e-")) return Number(text.split("e-")[1]);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * The values at both ends of a parameter's slider, or null when it gets no slider
 * (not a number, or unbounded).
 * @param {ScaleParam} param
 * @returns {SliderRange | null}
 */
export function sliderRange(param) {
  if (param.kind !== "int" && param.kind !== "float") return null;
  if (param.low == null || param.high == null || !(param.high > param.low)) return null;
  let lo = param.low;
  const hi = param.high;
  const log = Boolean(param.log);
  if (log) {
    if (lo <= 0) lo = param.kind === "int" ? 1 : hi / 10 ** OPEN_LOG_DECADES;
    if (!(hi > lo)) return null;
  } else if (param.low_open) {
    // Position 0 must still be a valid value: one step (or one slider notch) above the bound.
    lo += param.step || (hi - lo) / SLIDER_STEPS;
    if (param.kind === "int") lo = Math.ceil(lo);
  }
  return { lo, hi, log };
}

/**
 * The value at a slider position: log or linear, clamped to the range, whole for ints,
 * three significant digits on log scales, a multiple of `step` on linear ones.
 * Position 0 gives exactly `lo` and SLIDER_STEPS exactly `hi`.
 * @param {ScaleParam} param
 * @param {number} position 0..SLIDER_STEPS
 * @returns {number | null} null when the parameter has no slider
 */
export function positionToValue(param, position) {
  const range = sliderRange(param);
  if (!range) return null;
  const { lo, hi, log } = range;
  const t = Math.min(1, Math.max(0, Number(position) / SLIDER_STEPS));
  if (t === 0) return lo;
  if (t === 1) return hi;
  let v;
  if (log) {
    const a = Math.log10(lo);
    v = roundSignificant(10 ** (a + t * (Math.log10(hi) - a)), LOG_SIGNIFICANT);
  } else {
    v = lo + t * (hi - lo);
    const step = param.step;
    if (step) {
      const base = param.low ?? lo;
      v = Number((base + Math.round((v - base) / step) * step).toFixed(decimalsOf(step)));
    } else if (param.kind !== "int") {
      v = roundSignificant(v, LOG_SIGNIFICANT);
    }
  }
  if (param.kind === "int") v = Math.round(v);
  return Math.min(hi, Math.max(lo, v));
}

/**
 * The slider position that shows a value (the nearest notch); values outside the range sit
 * at the nearer end. Null when the value is not a finite number (raw text, null) or the
 * parameter has no slider.
 * @param {ScaleParam} param
 * @param {unknown} value
 * @returns {number | null}
 */
export function valueToPosition(param, value) {
  const range = sliderRange(param);
  if (!range || typeof value !== "number" || !Number.isFinite(value)) return null;
  const { lo, hi, log } = range;
  if (value <= lo) return 0;
  if (value >= hi) return SLIDER_STEPS;
  const t = log
    ? (Math.log10(value) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
    : (value - lo) / (hi - lo);
  return Math.round(t * SLIDER_STEPS);
}

/**
 * The value a keyboard step on the slider gives. On a wide log scale one notch can be less
 * than 1 for a small whole number (n_gpus 8 on 1..100000 moves by about 1%), which would
 * round back to the same value; a key press then moves by one in its direction, so every
 * press changes the value.
 * @param {ScaleParam} param
 * @param {unknown} from the value before the key press
 * @param {number} position the slider position after it
 * @param {number} previous the slider position before it
 * @returns {number | null}
 */
export function keyStepValue(param, from, position, previous) {
  const value = positionToValue(param, position);
  const range = sliderRange(param);
  if (value === null || !range || param.kind !== "int" || typeof from !== "number") return value;
  const direction = Math.sign(position - previous);
  if (direction === 0 || (value - from) * direction > 0) return value;
  return Math.min(range.hi, Math.max(range.lo, Math.round(from) + direction));
}
