import { test } from "node:test";
import assert from "node:assert/strict";

import { debounce, throttle } from "../timing.js";

/** A clock driven by hand: advance(ms) runs the timers that fall due, in order. */
function manualClock() {
  let now = 0;
  let nextId = 1;
  /** @type {Map<number, {at: number, fn: () => void}>} */
  const timers = new Map();
  return {
    now: () => now,
    setTimeout(/** @type {() => void} */ fn, /** @type {number} */ ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(/** @type {number} */ id) {
      timers.delete(id);
    },
    advance(/** @type {number} */ ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
    pendingTimers: () => timers.size,
  };
}

test("throttle sends the first value at once and the last value after the wait", () => {
  const clock = manualClock();
  /** @type {unknown[]} */
  const sent = [];
  const t = throttle((v) => sent.push(v), 50, clock);
  t.call(1);
  assert.deepEqual(sent, [1]);
  for (let v = 2; v <= 10; v++) {
    clock.advance(5);
    t.call(v);
  }
  // 45 ms after the first send: everything since collapsed into one pending call.
  assert.deepEqual(sent, [1]);
  clock.advance(5);
  assert.deepEqual(sent, [1, 10]);
  clock.advance(500);
  assert.deepEqual(sent, [1, 10], "no send without a new call");
});

test("throttle sends at most one value per window during a long drag", () => {
  const clock = manualClock();
  /** @type {unknown[]} */
  const sent = [];
  const t = throttle((v) => sent.push(v), 50, clock);
  // A 1-second drag with an input event every 4 ms (250 events).
  for (let i = 0; i < 250; i++) {
    t.call(i);
    clock.advance(4);
  }
  clock.advance(100);
  assert.ok(sent.length <= 1000 / 50 + 2, `sent ${sent.length} values`);
  assert.equal(sent.at(-1), 249, "the final value always gets through");
});

test("throttle flush sends the pending value now, and only once", () => {
  const clock = manualClock();
  /** @type {unknown[]} */
  const sent = [];
  const t = throttle((v) => sent.push(v), 50, clock);
  t.call("a");
  t.call("b");
  t.flush();
  assert.deepEqual(sent, ["a", "b"]);
  clock.advance(100);
  t.flush();
  assert.deepEqual(sent, ["a", "b"]);
  assert.equal(clock.pendingTimers(), 0);
});

test("throttle cancel drops the pending value and its timer", () => {
  const clock = manualClock();
  /** @type {unknown[]} */
  const sent = [];
  const t = throttle((v) => sent.push(v), 50, clock);
  t.call(1);
  t.call(2);
  assert.equal(t.pending(), true);
  t.cancel();
  clock.advance(100);
  assert.deepEqual(sent, [1]);
  assert.equal(t.pending(), false);
  assert.equal(clock.pendingTimers(), 0);
});

test("debounce sends the latest value once typing stops", () => {
  const clock = manualClock();
  /** @type {unknown[]} */
  const sent = [];
  const d = debounce((v) => sent.push(v), 300, clock);
  d.call("3");
  clock.advance(200);
  d.call("32");
  clock.advance(200);
  d.call("320");
  clock.advance(299);
  assert.deepEqual(sent, []);
  clock.advance(1);
  assert.deepEqual(sent, ["320"]);
});

test("debounce flush sends at once and cancel sends nothing", () => {
  const clock = manualClock();
  /** @type {unknown[]} */
  const sent = [];
  const d = debounce((v) => sent.push(v), 300, clock);
  d.call("x");
  d.flush();
  assert.deepEqual(sent, ["x"]);
  d.call("y");
  d.cancel();
  clock.advance(1000);
  assert.deepEqual(sent, ["x"]);
  assert.equal(clock.pendingTimers(), 0);
});
