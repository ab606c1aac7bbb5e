// Parameter controls, drawn from a Param.describe() declaration: nothing here is per recipe.
// A number gets an exact-value text field (with its unit) and a range slider; a choice a
// select; a bool a checkbox. Every control has a <label for>, its help text and an error
// line `<div data-error-for=NAME>`.

import { formatEditable, formatQuantity, parseNumberText } from "./format.js";
import { SLIDER_STEPS, keyStepValue, positionToValue, sliderRange, valueToPosition } from "./scale.js";
import { SEND_INTERVAL_MS, TYPING_DEBOUNCE_MS, debounce, realClock, throttle } from "./timing.js";

/**
 * One parameter declaration, as Param.describe() gives it.
 * @typedef {object} ParamSpec
 * @property {string} name
 * @property {string} label
 * @property {"int"|"float"|"bool"|"choice"} kind
 * @property {string} unit
 * @property {unknown} default
 * @property {boolean} required
 * @property {boolean} optional
 * @property {number|null} low
 * @property {number|null} high
 * @property {boolean} low_open
 * @property {boolean} log
 * @property {number|null} step
 * @property {string[]|null} choices
 * @property {string} help
 * @property {boolean} architecture
 * @property {string} allowed
 */

/**
 * What a control sends for its parameter: a number, a bool, a choice, null for an empty
 * optional field, or text that did not parse (for Python to judge).
 * @typedef {number | boolean | string | null} ParamValue
 */

/**
 * @typedef {object} ControlContext
 * @property {string} id unique id of the exact-value input (for <label for>)
 * @property {(name: string, value: ParamValue) => void} send
 * @property {() => void} onIdle the user stopped dragging or typing: show the model's value
 * @property {AbortSignal} signal removes every DOM listener of the control when aborted
 * @property {import("./timing.js").Clock} [clock]
 */

/**
 * @typedef {object} Control
 * @property {string} name
 * @property {HTMLElement} root
 * @property {(value: unknown) => void} show display a value, except in the element the user is dragging or typing in
 * @property {(message: string) => void} setError
 * @property {() => void} cancel drop pending sends
 */

/**
 * createElement with attributes and children. Attributes and text are set as attributes and
 * text nodes, never parsed as HTML.
 * @param {string} tag
 * @param {Record<string, string | number | boolean | null | undefined>} [attrs] "class" sets
 *   the class; false/null/undefined are left out; true gives an empty attribute
 * @param {...(Node | string | null | undefined)} children strings become text nodes
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * The label, help and error line every control shares.
 * @param {ParamSpec} param
 * @param {string} id
 */
function frame(param, id) {
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const help = h("div", { class: "taf-help", id: helpId }, param.help || "");
  const error = h("div", { class: "taf-error", id: errorId, "data-error-for": param.name, "aria-live": "polite" });
  const root = h("div", {
    class: `taf-field taf-kind-${param.kind}${param.architecture ? " taf-arch" : ""}`,
    "data-field": param.name,
  });
  return { root, help, error, describedBy: `${helpId} ${errorId}` };
}

/**
 * @param {HTMLElement[]} elements
 * @param {HTMLElement} errorLine
 * @param {string} message
 */
function markInvalid(elements, errorLine, message) {
  errorLine.textContent = message;
  for (const e of elements) e.setAttribute("aria-invalid", message ? "true" : "false");
}

/**
 * A number: exact-value text field with its unit, and a slider when the declaration is bounded.
 * While the slider is dragged the text field follows at once and sends are throttled; the
 * final value is always sent on change/pointerup. Typing sends on change (Enter, leaving the
 * field) and, debounced, while typing.
 * @param {ParamSpec} param
 * @param {ControlContext} ctx
 * @returns {Control}
 */
function numberControl(param, ctx) {
  const { root, help, error, describedBy } = frame(param, ctx.id);
  const { signal } = ctx;
  const clock = ctx.clock || realClock;
  const on = (/** @type {HTMLElement} */ target, /** @type {string} */ type, /** @type {() => void} */ fn) =>
    target.addEventListener(type, fn, { signal });

  const input = h("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    spellcheck: "false",
    id: ctx.id,
    class: "taf-number",
    "data-param": param.name,
    "aria-describedby": describedBy,
    placeholder: param.optional ? "empty: not given" : null,
    title: param.allowed || null,
  });
  const range = sliderRange(param);
  const slider = range
    ? h("input", {
        type: "range",
        min: 0,
        max: SLIDER_STEPS,
        step: 1,
        class: "taf-slider",
        "data-param-slider": param.name,
        "aria-label": `${param.label} (slider${range.log ? ", logarithmic" : ""})`,
        "aria-describedby": describedBy,
        // JupyterLab binds ArrowLeft/ArrowRight to notebook commands for any focused element in
        // command mode, which would swallow the slider's own arrow keys; Lab's shortcut lookup
        // stops at this attribute.
        "data-lm-suppress-shortcuts": "true",
      })
    : null;

  root.append(
    h("label", { for: ctx.id, class: "taf-label" }, param.label),
    h("div", { class: "taf-number-row" }, input, param.unit ? h("span", { class: "taf-unit" }, param.unit) : null),
  );
  if (slider) root.appendChild(slider);
  root.append(help, error);

  let typing = false;
  let dragging = false;
  /** True while the slider is moved by arrow/page keys rather than a pointer. */
  let keyed = false;
  /** @type {number | null} */
  let dragged = null;
  /** The slider's position and value before the current input event. */
  let lastPosition = 0;
  /** @type {unknown} */
  let lastValue = null;

  const readText = () => parseNumberText(/** @type {HTMLInputElement} */ (input).value, param.optional);
  const typed = debounce(() => ctx.send(param.name, readText()), TYPING_DEBOUNCE_MS, clock);
  const drag = throttle((/** @type {number} */ v) => ctx.send(param.name, v), SEND_INTERVAL_MS, clock);

  /** @param {unknown} value */
  const placeSlider = (value) => {
    if (!slider) return;
    const position = value === null ? 0 : valueToPosition(param, value);
    if (position !== null) /** @type {HTMLInputElement} */ (slider).value = String(position);
    lastPosition = Number(/** @type {HTMLInputElement} */ (slider).value);
    lastValue = value;
    slider.setAttribute("aria-valuetext", formatQuantity(/** @type {any} */ (value), param.unit));
    slider.classList.toggle("taf-empty", value === null || value === undefined);
  };

  on(input, "input", () => {
    typing = true;
    typed.call();
  });
  on(input, "change", () => {
    typed.cancel();
    ctx.send(param.name, readText());
    typing = false;
    ctx.onIdle();
  });
  on(input, "blur", () => {
    typed.flush();
    if (typing) {
      typing = false;
      ctx.onIdle();
    }
  });

  if (slider) {
    on(slider, "keydown", () => {
      keyed = true;
    });
    on(slider, "pointerdown", () => {
      keyed = false;
    });
    on(slider, "input", () => {
      dragging = true;
      const position = Number(/** @type {HTMLInputElement} */ (slider).value);
      dragged = keyed
        ? keyStepValue(param, lastValue, position, lastPosition)
        : positionToValue(param, position);
      if (keyed && dragged !== positionToValue(param, position)) {
        /** @type {HTMLInputElement} */ (slider).value = String(valueToPosition(param, dragged));
      }
      lastPosition = Number(/** @type {HTMLInputElement} */ (slider).value);
      lastValue = dragged;
      /** @type {HTMLInputElement} */ (input).value = formatEditable(dragged);
      slider.setAttribute("aria-valuetext", formatQuantity(dragged, param.unit));
      slider.classList.remove("taf-empty");
      drag.call(/** @type {number} */ (dragged));
    });
    const finish = () => {
      if (!dragging) return;
      dragging = false;
      drag.cancel();
      ctx.send(param.name, dragged);
      ctx.onIdle();
    };
    on(slider, "change", finish);
    on(slider, "pointerup", finish);
  }

  return {
    name: param.name,
    root,
    show(value) {
      if (dragging) return;
      if (!typing) /** @type {HTMLInputElement} */ (input).value = formatEditable(/** @type {any} */ (value));
      placeSlider(value);
    },
    setError(message) {
      markInvalid(slider ? [input, slider] : [input], error, message);
    },
    cancel() {
      typed.cancel();
      drag.cancel();
    },
  };
}

/**
 * @param {ParamSpec} param
 * @param {ControlContext} ctx
 * @returns {Control}
 */
function boolControl(param, ctx) {
  const { root, help, error, describedBy } = frame(param, ctx.id);
  const box = h("input", {
    type: "checkbox",
    id: ctx.id,
    "data-param": param.name,
    "aria-describedby": describedBy,
  });
  root.append(h("div", { class: "taf-check-row" }, box, h("label", { for: ctx.id, class: "taf-label" }, param.label)), help, error);
  box.addEventListener("change", () => ctx.send(param.name, /** @type {HTMLInputElement} */ (box).checked), {
    signal: ctx.signal,
  });
  return {
    name: param.name,
    root,
    show(value) {
      /** @type {HTMLInputElement} */ (box).checked = value === true;
    },
    setError(message) {
      markInvalid([box], error, message);
    },
    cancel() {},
  };
}

/**
 * @param {ParamSpec} param
 * @param {ControlContext} ctx
 * @returns {Control}
 */
function choiceControl(param, ctx) {
  const { root, help, error, describedBy } = frame(param, ctx.id);
  const select = h("select", { id: ctx.id, "data-param": param.name, "aria-describedby": describedBy });
  for (const name of param.choices || []) select.appendChild(h("option", { value: name }, name));
  root.append(h("label", { for: ctx.id, class: "taf-label" }, param.label), select, help, error);
  select.addEventListener("change", () => ctx.send(param.name, /** @type {HTMLSelectElement} */ (select).value), {
    signal: ctx.signal,
  });
  return {
    name: param.name,
    root,
    show(value) {
      /** @type {HTMLSelectElement} */ (select).value = typeof value === "string" ? value : "";
    },
    setError(message) {
      markInvalid([select], error, message);
    },
    cancel() {},
  };
}

/**
 * The control for one parameter declaration.
 * @param {ParamSpec} param
 * @param {ControlContext} ctx
 * @returns {Control}
 */
export function createControl(param, ctx) {
  if (param.kind === "bool") return boolControl(param, ctx);
  if (param.kind === "choice") return choiceControl(param, ctx);
  return numberControl(param, ctx);
}
