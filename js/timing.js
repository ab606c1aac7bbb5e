// Throttle and debounce for sends to the kernel. Pure: the clock is injectable so tests
// can drive time by hand.

/**
 * @typedef {object} Clock
 * @property {() => number} now milliseconds
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: any) => void} clearTimeout
 */

/** @type {Clock} */
export const realClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

/** Slider drags send at most one value per this many milliseconds (about three frames). */
export const SEND_INTERVAL_MS = 50;

/** Typing in a number field sends after this quiet time (Enter or leaving sends at once). */
export const TYPING_DEBOUNCE_MS = 300;

/**
 * @template {any[]} A
 * @typedef {object} Limited
 * @property {(...args: A) => void} call
 * @property {() => void} flush run the pending call now, if there is one
 * @property {() => void} cancel drop the pending call
 * @property {() => boolean} pending
 */

/**
 * Call `fn` at most once per `wait` ms: the first call runs at once, later ones within the
 * window collapse into one trailing call with the latest arguments, so the last value
 * always gets through.
 * @template {any[]} A
 * @param {(...args: A) => void} fn
 * @param {number} wait
 * @param {Clock} [clock]
 * @returns {Limited<A>}
 */
export function throttle(fn, wait, clock = realClock) {
  let lastRun = -Infinity;
  /** @type {unknown} */
  let timer = null;
  /** @type {A | null} */
  let args = null;

  function run() {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    const a = args;
    args = null;
    lastRun = clock.now();
    if (a) fn(...a);
  }

  return {
    call(...a) {
      args = a;
      if (timer !== null) return;
      const remaining = wait - (clock.now() - lastRun);
      if (remaining <= 0) run();
      else timer = clock.setTimeout(run, remaining);
    },
    flush() {
      if (args) run();
    },
    cancel() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      args = null;
    },
    pending: () => args !== null,
  };
}

/**
 * Call `fn` once calls have stopped for `wait` ms, with the latest arguments.
 * @template {any[]} A
 * @param {(...args: A) => void} fn
 * @param {number} wait
 * @param {Clock} [clock]
 * @returns {Limited<A>}
 */
export function debounce(fn, wait, clock = realClock) {
  /** @type {unknown} */
  let timer = null;
  /** @type {A | null} */
  let args = null;

  function run() {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    const a = args;
    args = null;
    if (a) fn(...a);
  }

  return {
    call(...a) {
      args = a;
      if (timer !== null) clock.clearTimeout(timer);
      timer = clock.setTimeout(run, wait);
    },
    flush() {
      if (args) run();
    },
    cancel() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      args = null;
    },
    pending: () => args !== null,
  };
}
