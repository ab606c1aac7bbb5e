// A very small DOM for running render() under node:test (jsdom is not installed).
// It implements only what the view uses, and it refuses HTML parsing: setting innerHTML or
// calling insertAdjacentHTML throws, so a test proves data is only ever inserted as text.

class FakeNode {
  constructor() {
    /** @type {FakeElement | null} */
    this.parentNode = null;
  }
  remove() {
    if (this.parentNode) this.parentNode.removeChild(this);
  }
}

export class FakeText extends FakeNode {
  constructor(/** @type {string} */ text) {
    super();
    this.nodeType = 3;
    this.data = String(text);
  }
  get textContent() {
    return this.data;
  }
  set textContent(v) {
    this.data = String(v);
  }
}

export class FakeElement extends FakeNode {
  constructor(/** @type {string} */ tag, /** @type {FakeDocument} */ doc) {
    super();
    this.nodeType = 1;
    this.tagName = tag.toUpperCase();
    this.ownerDocument = doc;
    /** @type {Array<FakeText | FakeElement>} */
    this.childNodes = [];
    /** @type {Map<string, string>} */
    this.attributes = new Map();
    /** @type {Map<string, Set<Function>>} */
    this.listeners = new Map();
    this.value = "";
    this.checked = false;
    const el = this;
    this.classList = {
      add: (/** @type {string[]} */ ...c) => el.setAttribute("class", [...new Set([...el.classes(), ...c])].join(" ")),
      remove: (/** @type {string[]} */ ...c) => el.setAttribute("class", el.classes().filter((x) => !c.includes(x)).join(" ")),
      contains: (/** @type {string} */ c) => el.classes().includes(c),
      toggle: (/** @type {string} */ c, /** @type {boolean} */ force) => {
        const on = force === undefined ? !el.classes().includes(c) : force;
        if (on) el.classList.add(c);
        else el.classList.remove(c);
        return on;
      },
    };
  }
  classes() {
    return (this.attributes.get("class") || "").split(/\s+/).filter(Boolean);
  }
  get className() {
    return this.attributes.get("class") || "";
  }
  set className(v) {
    this.attributes.set("class", String(v));
  }
  get id() {
    return this.attributes.get("id") || "";
  }
  get children() {
    return /** @type {FakeElement[]} */ (this.childNodes.filter((n) => n instanceof FakeElement));
  }
  /** @returns {string} */
  get textContent() {
    return this.childNodes.map((n) => n.textContent).join("");
  }
  set textContent(v) {
    this.replaceChildren(this.ownerDocument.createTextNode(String(v)));
  }
  set innerHTML(/** @type {string} */ _v) {
    throw new Error("innerHTML is not allowed: insert data as text");
  }
  insertAdjacentHTML() {
    throw new Error("insertAdjacentHTML is not allowed: insert data as text");
  }
  setAttribute(/** @type {string} */ k, /** @type {string} */ v) {
    this.attributes.set(k, String(v));
  }
  getAttribute(/** @type {string} */ k) {
    return this.attributes.has(k) ? this.attributes.get(k) : null;
  }
  hasAttribute(/** @type {string} */ k) {
    return this.attributes.has(k);
  }
  removeAttribute(/** @type {string} */ k) {
    this.attributes.delete(k);
  }
  appendChild(/** @type {FakeText | FakeElement} */ child) {
    child.remove();
    child.parentNode = this;
    this.childNodes.push(child);
    return child;
  }
  append(/** @type {Array<FakeText | FakeElement | string>} */ ...children) {
    for (const c of children) this.appendChild(typeof c === "string" ? this.ownerDocument.createTextNode(c) : c);
  }
  removeChild(/** @type {FakeNode} */ child) {
    this.childNodes = this.childNodes.filter((n) => n !== child);
    child.parentNode = null;
    return child;
  }
  replaceChildren(/** @type {Array<FakeText | FakeElement | string>} */ ...children) {
    for (const c of [...this.childNodes]) this.removeChild(c);
    this.append(...children);
  }
  addEventListener(/** @type {string} */ type, /** @type {Function} */ fn, /** @type {any} */ options) {
    const signal = options && options.signal;
    if (signal && signal.aborted) return;
    let fns = this.listeners.get(type);
    if (!fns) this.listeners.set(type, (fns = new Set()));
    fns.add(fn);
    this.ownerDocument.liveListeners++;
    if (signal) onAbort(signal, () => this.removeEventListener(type, fn));
  }
  removeEventListener(/** @type {string} */ type, /** @type {Function} */ fn) {
    const set = this.listeners.get(type);
    if (set && set.delete(fn)) this.ownerDocument.liveListeners--;
  }
  dispatch(/** @type {string} */ type) {
    for (const fn of [...(this.listeners.get(type) || [])]) fn({ type, target: this });
  }
  /** @returns {FakeElement[]} every descendant element, in document order */
  descendants() {
    const out = [];
    for (const c of this.children) out.push(c, ...c.descendants());
    return out;
  }
  /**
   * Selectors: a chain of compound selectors separated by spaces; each compound is an
   * optional tag, optional .class and any number of [attr] / [attr="value"].
   * @param {string} selector
   */
  querySelectorAll(selector) {
    const parts = selector.trim().split(/\s+/).map(parseCompound);
    return this.descendants().filter((el) => matchesChain(el, parts, this));
  }
  querySelector(/** @type {string} */ selector) {
    return this.querySelectorAll(selector)[0] || null;
  }
}

/**
 * One abort listener per signal, as a browser keeps it internally (node warns past ten).
 * @type {WeakMap<AbortSignal, Array<() => void>>}
 */
const abortActions = new WeakMap();
/**
 * @param {AbortSignal} signal
 * @param {() => void} action
 */
function onAbort(signal, action) {
  let actions = abortActions.get(signal);
  if (!actions) {
    const all = /** @type {Array<() => void>} */ ([]);
    abortActions.set(signal, all);
    signal.addEventListener("abort", () => all.forEach((a) => a()), { once: true });
    actions = all;
  }
  actions.push(action);
}

/** @param {string} text */
function parseCompound(text) {
  const m = /^([a-z0-9]*)((?:\.[\w-]+)*)((?:\[[^\]]+\])*)$/i.exec(text);
  if (!m) throw new Error(`unsupported selector ${text}`);
  const attrs = [...m[3].matchAll(/\[([\w-]+)(?:="([^"]*)")?\]/g)].map((a) => [a[1], a[2]]);
  return { tag: m[1].toUpperCase(), classes: m[2].split(".").filter(Boolean), attrs };
}

/**
 * @param {FakeElement} el
 * @param {ReturnType<typeof parseCompound>} c
 */
function matchesCompound(el, c) {
  if (c.tag && el.tagName !== c.tag) return false;
  if (!c.classes.every((k) => el.classes().includes(k))) return false;
  return c.attrs.every(([k, v]) => (v === undefined ? el.hasAttribute(k) : el.getAttribute(k) === v));
}

/**
 * @param {FakeElement} el
 * @param {ReturnType<typeof parseCompound>[]} parts
 * @param {FakeElement} scope
 */
function matchesChain(el, parts, scope) {
  if (!matchesCompound(el, parts[parts.length - 1])) return false;
  let i = parts.length - 2;
  let node = el.parentNode;
  while (i >= 0 && node && node !== scope) {
    if (matchesCompound(node, parts[i])) i--;
    node = node.parentNode;
  }
  return i < 0;
}

export class FakeDocument {
  constructor() {
    this.liveListeners = 0;
    this.documentElement = new FakeElement("html", this);
  }
  createElement(/** @type {string} */ tag) {
    return new FakeElement(tag, this);
  }
  createTextNode(/** @type {string} */ text) {
    return new FakeText(text);
  }
}

/**
 * An anywidget model: get/set/on/off/save_changes, with Backbone's behaviour that set()
 * fires "change:NAME" at once when the value changes. `saved` records what went to Python.
 * @param {Record<string, any>} state
 */
export function fakeModel(state) {
  /** @type {Map<string, Set<Function>>} */
  const handlers = new Map();
  /** @type {Record<string, any>[]} */
  const saved = [];
  /** @type {Set<string>} */
  let dirty = new Set();
  const model = {
    state,
    saved,
    get: (/** @type {string} */ k) => state[k],
    set(/** @type {string} */ k, /** @type {any} */ v) {
      if (state[k] === v) return;
      state[k] = v;
      dirty.add(k);
      for (const fn of [...(handlers.get(`change:${k}`) || [])]) fn();
    },
    save_changes() {
      saved.push(Object.fromEntries([...dirty].map((k) => [k, state[k]])));
      dirty = new Set();
    },
    on(/** @type {string} */ event, /** @type {Function} */ fn) {
      let fns = handlers.get(event);
      if (!fns) handlers.set(event, (fns = new Set()));
      fns.add(fn);
    },
    off(/** @type {string} */ event, /** @type {Function} */ fn) {
      handlers.get(event)?.delete(fn);
    },
    /** Python's side: several traits in one message, change events after all are set. */
    fromPython(/** @type {Record<string, any>} */ changes) {
      const changed = Object.keys(changes).filter((k) => state[k] !== changes[k]);
      Object.assign(state, changes);
      for (const k of changed) for (const fn of [...(handlers.get(`change:${k}`) || [])]) fn();
    },
    listenerCount: () => [...handlers.values()].reduce((n, s) => n + s.size, 0),
  };
  return model;
}
