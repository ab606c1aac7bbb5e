// Number and result formatting for people. Pure functions: no DOM, no model.
//
// One rule, the same as taf_widgets/core/formatting.py's (formatQuantity here is its
// format_number); both are tested on the shared cases of tests/fixtures/format_cases.json:
//   - 0 < |x| < 1e-3 or |x| >= 1e9: scientific with three significant digits, "8.00e9".
//   - 100 <= |x| < 1e9: rounded to a whole number with "," thousands separators, "47,781".
//   - 1 <= |x| < 100: at most two decimals, trailing zeros dropped, "24.97", "2.5".
//   - |x| < 1: four significant digits, trailing zeros dropped, "0.9134", "0.45".
//   - Rounding is half away from zero, on the number's exact value.
//   - null means "not applicable" and reads "n/a"; booleans read "yes"/"no". Python writes
//     non-finite numbers as the strings "inf", "-inf" and "nan": they read "∞", "-∞", "NaN".
//   - Units: "$" before the number for USD ("$11,984", "-$5", "$6.25/Mtok"; "$" is USD too);
//     a probability as a percentage ("12.34%"); "×" and "%" right after the number; any
//     other unit after a space ("4.19 GB", "∞ tokens"). null and "nan" never get a unit.
//   - GB means 10^9 bytes, as in the core.

/** @typedef {null | undefined | boolean | number | string | object} Datum */

/** Units written before the number ("$5") rather than after it ("5 GB"). */
const CURRENCY = "USD";

/**
 * Units of dict keys the core uses, so a dict result can be read without a `unit` field.
 * @type {Record<string, string>}
 */
export const KEY_UNITS = {
  GB: "GB",
  MB: "MB",
  bytes: "bytes",
  USD: "USD",
  hours: "hours",
  days: "days",
  tok_per_sec: "tok/s",
  tok_per_day: "tok/day",
  USD_per_Mtok: "USD/Mtok",
  USD_per_day: "USD/day",
  savings_per_Mtok: "USD/Mtok",
  vram_GB: "GB",
  bw_GB_s: "GB/s",
  Mtok_breakeven: "Mtok",
  tokens_breakeven: "tokens",
  total_FLOPs: "FLOPs",
  users_supported: "×",
};

/**
 * The fields that tell most about a dict result, best first; a summary shows the first two
 * present. Memory dicts carry bytes, MB and GB: GB alone says it.
 */
const TELLING_KEYS = ["error", "GB", "USD", "days", "USD_per_Mtok", "tok_per_sec", "Mtok_breakeven", "hours"];

/** Keys that name a row of a list result (X-5's GPUs). */
const NAME_KEYS = ["gpu", "name", "model", "id"];

/** @param {string} text */
function trimZeros(text) {
  return text.includes(".") && !text.includes("e") ? text.replace(/\.?0+$/, "") : text;
}

/** @param {number} n a whole number */
function groupThousands(n) {
  const digits = String(Math.abs(n));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (n < 0 ? "-" : "") + grouped;
}

/**
 * A number as a person reads it: "8.00e9", "47,781", "24.97", "0.9134", "n/a", "∞".
 * @param {Datum} x
 * @returns {string}
 */
export function formatNumber(x) {
  if (x === null || x === undefined) return "n/a";
  if (typeof x === "boolean") return x ? "yes" : "no";
  if (typeof x === "string") {
    if (x === "inf") return "∞";
    if (x === "-inf") return "-∞";
    if (x === "nan") return "NaN";
    return x;
  }
  if (typeof x !== "number") return String(x);
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "-∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e9 || a < 1e-3) return x.toExponential(2).replace("e+", "e");
  if (a >= 100) {
    const whole = Math.sign(x) * Math.round(a); // half away from zero, as toFixed
    // 999,999,999.6 rounds to 1e9: keep the scientific form for it.
    return Math.abs(whole) >= 1e9 ? formatNumber(whole) : groupThousands(whole);
  }
  if (a >= 1) return trimZeros(x.toFixed(2));
  return trimZeros(x.toPrecision(4));
}

/**
 * A number with its unit: "$11,984", "$6.25/Mtok", "47,781 tokens", "12.3%", "0.97×".
 * "probability" is shown as a percentage. Non-numbers fall back to {@link formatNumber}.
 * @param {Datum} value
 * @param {string} [unit]
 * @returns {string}
 */
export function formatQuantity(value, unit = "") {
  if (value === null || value === undefined) return "n/a";
  const numeric = typeof value === "number" || value === "inf" || value === "-inf";
  if (!numeric || !unit) return formatNumber(value);
  if (unit === "probability") {
    return typeof value === "number" ? `${formatNumber(value * 100)}%` : formatNumber(value);
  }
  const text = formatNumber(value);
  if (unit === "$") unit = CURRENCY;
  if (unit === CURRENCY || unit.startsWith(CURRENCY + "/")) {
    const sign = text.startsWith("-") ? "-" : "";
    return `${sign}$${sign ? text.slice(1) : text}${unit.slice(CURRENCY.length)}`;
  }
  if (unit === "×" || unit === "%") return text + unit;
  return `${text} ${unit}`;
}

/**
 * The unit of a dict key: from {@link KEY_UNITS}, else from `units` (the parameter
 * declarations' units by name), else a trailing "_GB"; "" when unknown.
 * @param {string} key
 * @param {Record<string, string>} [units]
 */
export function unitForKey(key, units = {}) {
  if (key in KEY_UNITS) return KEY_UNITS[key];
  if (units[key]) return units[key];
  if (key.endsWith("_GB")) return "GB";
  return "";
}

/** @param {Datum} v */
function isPlainObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * One line per field of a dict: [key, formatted value] pairs, units read from the keys.
 * Nested objects and lists are summarised rather than dumped.
 * @param {Record<string, Datum> | null | undefined} obj
 * @param {Record<string, string>} [units]
 * @returns {Array<[string, string]>}
 */
export function formatEntries(obj, units = {}) {
  if (!isPlainObject(obj)) return [];
  return Object.entries(/** @type {Record<string, Datum>} */ (obj)).map(([key, value]) => [
    key,
    isPlainObject(value) || Array.isArray(value)
      ? summarizeResult(value)
      : formatQuantity(value, unitForKey(key, units)),
  ]);
}

/** @param {Record<string, Datum>} item */
function itemName(item) {
  for (const key of NAME_KEYS) if (typeof item[key] === "string") return item[key];
  return "";
}

/**
 * A dict's most telling fields, compactly: "4.19 GB", "$11,984 · 24.97 days".
 * @param {Record<string, Datum>} obj
 */
function summarizeDict(obj) {
  if (typeof obj.error === "string") return obj.error;
  const telling = TELLING_KEYS.filter((k) => typeof obj[k] === "number" || obj[k] === "inf").slice(0, 2);
  if (telling.length) return telling.map((k) => formatQuantity(obj[k], unitForKey(k))).join(" · ");
  const numeric = Object.keys(obj).filter((k) => typeof obj[k] === "number").slice(0, 2);
  const keys = numeric.length ? numeric : Object.keys(obj).slice(0, 2);
  return keys.map((k) => `${k} = ${formatQuantity(obj[k], unitForKey(k))}`).join(" · ");
}

/**
 * A list result in a few words: "top 5 GPUs: best RTX 5090 $1.74/Mtok".
 * @param {Datum[]} list
 */
function summarizeList(list) {
  if (list.length === 0) return "none";
  const first = list[0];
  if (!isPlainObject(first)) return `${list.length} items: ${list.map(formatNumber).join(", ")}`;
  const item = /** @type {Record<string, Datum>} */ (first);
  const name = itemName(item);
  const best = typeof item.USD_per_Mtok === "number" ? ` ${formatQuantity(item.USD_per_Mtok, "USD/Mtok")}` : "";
  const what = name ? `${name}${best}` : summarizeDict(item);
  if (list.length === 1) return `1 ${typeof item.gpu === "string" ? "GPU" : "item"}: ${what}`;
  // The core may cut a ranked list short (X-5 keeps the five cheapest), hence "top".
  return `top ${list.length} ${typeof item.gpu === "string" ? "GPUs" : "items"}: best ${what}`;
}

/**
 * The text of a chain step's result cell. A scalar gets its unit; a dict shows its most
 * telling fields; a list of dicts its length and first (best-ranked) entry; null reads "n/a".
 * @param {Datum} result
 * @param {string} [unit]
 * @returns {string}
 */
export function summarizeResult(result, unit = "") {
  if (Array.isArray(result)) return summarizeList(result);
  if (isPlainObject(result)) return summarizeDict(/** @type {Record<string, Datum>} */ (result));
  return formatQuantity(result, unit);
}

/**
 * Every field of a dict or list result, for the on-demand details of a chain row.
 * A list gives one line per item, named by its "gpu" (or "name") field.
 * @param {Datum} result
 * @returns {Array<[string, string]>}
 */
export function resultEntries(result) {
  if (Array.isArray(result)) {
    return result.map((item, i) => {
      if (!isPlainObject(item)) return [`#${i + 1}`, formatNumber(item)];
      const row = /** @type {Record<string, Datum>} */ (item);
      const name = itemName(row);
      const fields = formatEntries(row)
        .filter(([k]) => !NAME_KEYS.includes(k) || row[k] !== name)
        .map(([k, v]) => `${k} = ${v}`);
      return [name || `#${i + 1}`, fields.join(", ")];
    });
  }
  return formatEntries(/** @type {Record<string, Datum>} */ (result));
}

/**
 * A parameter value as the exact-value field shows it, so that it reads back to the same
 * number: 32000, 0.45, "8e9" (exponent form from 10^6 up when it is shorter), "" for null,
 * raw text as is.
 * @param {Datum} v
 * @returns {string}
 */
export function formatEditable(v) {
  if (v === null || v === undefined) return "";
  if (typeof v !== "number") return String(v);
  if (!Number.isFinite(v)) return String(v);
  const plain = String(v);
  const a = Math.abs(v);
  if (a >= 1e6 || (a > 0 && a < 1e-4)) {
    const exponent = v.toExponential().replace("e+", "e");
    // "8e9" beats "8000000000", but "1048576" stays whole rather than "1.048576e6".
    if (exponent.length < plain.length) return exponent;
  }
  return plain;
}

/** A number as text, strict: digits with optional sign, decimals and exponent ("1_000" ok). */
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * What a number field sends to the kernel for its text. Clean numeric text becomes a number;
 * an empty optional field becomes null (not given); anything else is sent as the raw text so
 * that Python, the one validator, answers with the error.
 * @param {string} text
 * @param {boolean} [optional]
 * @returns {number | string | null}
 */
export function parseNumberText(text, optional = false) {
  const trimmed = text.trim();
  if (trimmed === "") return optional ? null : text;
  const clean = trimmed.replace(/_/g, "");
  if (!NUMBER_TEXT.test(clean)) return text;
  const n = Number(clean);
  return Number.isFinite(n) ? n : text;
}
