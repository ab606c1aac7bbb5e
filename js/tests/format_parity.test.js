// The shared formatting cases (tests/fixtures/format_cases.json): the Python formatter is
// tested on the same list, so the widget and the CLI/Markdown/HTML reports agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { formatQuantity } from "../format.js";

const FIXTURE = new URL("../../tests/fixtures/format_cases.json", import.meta.url);
/** @type {{cases: Array<{value: any, unit: string, expected: string}>}} */
const { cases } = JSON.parse(readFileSync(FIXTURE, "utf-8"));

test("formatQuantity gives every shared case's expected text", () => {
  assert.ok(cases.length > 40);
  const wrong = cases
    .map((c) => ({ ...c, got: formatQuantity(c.value, c.unit) }))
    .filter((c) => c.got !== c.expected);
  assert.deepEqual(wrong, []);
  console.log(`format parity (JS): ${cases.length} cases, ${cases.length - wrong.length} as expected`);
});
