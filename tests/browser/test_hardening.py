"""Hardening: a widget people type into, drag and embed in public dashboards never wedges,
crashes or executes what it displays. Real Chromium against Voilà and JupyterLab, driven
through the DOM contract only.

"Nothing printed" is checked twice: on the page (no rendered text output) and on the wire
(no stream, error or display message from the kernel). The second check matters: Voilà drops
a traceback raised in a widget callback without showing it anywhere on the page.

Every test records what it tried in ``test-artifacts/hardening-counts.json`` and prints it
(``pytest -s``): inputs tried per recipe, names tried, drag positions and recomputations.
"""

from __future__ import annotations

import json
import math
import time

import pytest
from browser_helpers import PRINTED_OUTPUT_JS, KernelOutputs, wait_widget

from taf_widgets.core import get_recipe

RECIPES = ["X-2", "X-1", "X-3", "X-5", "X-19"]  # the order of five_widgets.ipynb
BOGUS_CHOICES = ["No Such Choice", ""]  # "" is not a GPU or an API model either
BOGUS_PRESET = "no-such-org/no-such-model"


@pytest.fixture(scope="module", autouse=True)
def fresh_counts(artifacts):
    """Each run of this file writes its own counts."""
    (artifacts / "hardening-counts.json").unlink(missing_ok=True)


def record_counts(artifacts, key: str, counts: dict) -> None:
    """Merge ``counts`` under ``key`` into hardening-counts.json and print it (pytest -s)."""
    path = artifacts / "hardening-counts.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = counts
    path.write_text(json.dumps(data, indent=2, sort_keys=True))
    print(f"\n[hardening] {key}: {json.dumps(counts, sort_keys=True)}")


def assert_nothing_printed(page, outputs: KernelOutputs, mark: int) -> None:
    assert page.evaluate(PRINTED_OUTPUT_JS) == []
    assert outputs.since(mark) == []
    assert page.log.unexpected() == []


# ── 1. bad input from the page ───────────────────────────────────────────────

# What one recipe panel shows about a field, once a condition holds: "error" (refused: stale
# with a message beside the field) or "revision" (a result newer than `revision`). One round
# trip per wait; polls every 5 ms (sub-frame, unlike requestAnimationFrame).
WAIT_STATE_JS = """async ([root, name, until, revision]) => {
  const state = () => {
    const error = root.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    const control = root.querySelector(`[data-param="${CSS.escape(name)}"], [data-role="${CSS.escape(name)}"]`);
    return {
      stale: root.dataset.stale,
      revision: Number(root.dataset.revision),
      inputs: root.dataset.resultInputs,
      verdict: root.querySelector('[data-role=verdict]').innerText,
      chain: root.querySelector('[data-role=chain] tbody').innerText,
      marker: !root.querySelector('[data-role=stale]').hidden,
      error: error ? error.textContent : null,
      invalid: control ? control.getAttribute('aria-invalid') : null,
    };
  };
  const done = (s) => until === 'error' ? s.stale === 'true' && Boolean(s.error)
                    : until === 'revision' ? s.revision > revision : true;
  const start = performance.now();
  for (;;) {
    const s = state();
    if (done(s)) return s;
    if (performance.now() - start > 10000) return {...s, timed_out: until};
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}"""

# A scripted client: add an option the kernel never offered to a select, pick it, send it.
PICK_BOGUS_JS = """([select, value]) => {
  const option = document.createElement('option');
  option.value = value;
  option.textContent = value || '(empty)';
  select.appendChild(option);
  select.value = value;
  select.dispatchEvent(new Event('change', {bubbles: true}));
}"""


def bad_texts(param) -> list[tuple[str, str]]:
    """The six bad inputs of the issue for a number field (0 only where its range excludes it), each
    with what its error must quote."""
    far = 1000 * param.high  # "far past the declared bounds"
    zero_allowed = param.low == 0 and not param.low_open  # e.g. no engine overhead: the spec's value
    return [
        ("-5", "got -5"),
        *([] if zero_allowed else [("0", "got 0")]),
        ("abc", "abc"),
        ("1e400", "1e400"),
        ("", "empty"),
        (format(far, "g"), "must be"),
    ]


class Panel:
    """One recipe panel of the page, and its last good state."""

    def __init__(self, page, rid: str) -> None:
        self.page = page
        self.root = page.locator(f'.taf-recipe[data-recipe="{rid}"]')
        self.handle = self.root.element_handle()

    def state(self, name: str, until: str = "now", revision: int = 0) -> dict:
        """The panel's state for field ``name`` once ``until`` holds ("now", "error", "revision")."""
        state = self.page.evaluate(WAIT_STATE_JS, [self.handle, name, until, revision])
        assert "timed_out" not in state, (name, state)
        return state

    def wait_error(self, name: str) -> dict:
        return self.state(name, "error")

    def wait_revision(self, after: int, name: str) -> dict:
        return self.state(name, "revision", after)

    def type(self, name: str, text: str) -> None:
        field = self.root.locator(f"[data-param={name}]")
        field.fill(text)
        self.page.keyboard.press("Enter")  # the field has the focus: Enter sends its value


def assert_refused_keeping_last_good(state: dict, good: dict, name: str, quote: str) -> None:
    """The error beside the field, the verdict area marked stale, the last good result kept."""
    assert state["stale"] == "true" and state["marker"], name
    assert name in state["error"] and quote in state["error"], (name, state["error"])
    assert state["invalid"] == "true", name
    assert state["revision"] == good["revision"], name  # errors never bump the revision
    assert (state["inputs"], state["verdict"], state["chain"]) == (good["inputs"], good["verdict"], good["chain"])


def assert_recovered(state: dict, good: dict, name: str) -> None:
    """A valid value clears the error with the very next revision."""
    assert state["revision"] == good["revision"] + 1, name
    assert state["stale"] == "false" and not state["marker"] and state["error"] == "", (name, state["error"])
    assert state["invalid"] == "false", name


def test_bad_input_is_refused_beside_its_field_and_a_valid_value_recovers(voila, page, artifacts):
    outputs = KernelOutputs(page)
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(voila.url("five_widgets.ipynb"))
    page.wait_for_function(
        "() => document.querySelectorAll('.taf-recipe[data-revision] [data-role=chain] tbody tr')"
        ".length > 0 && document.querySelectorAll('.taf-recipe[data-revision]').length === 5",
        timeout=60_000,
    )
    mark = outputs.mark()
    counts = {}
    for rid in RECIPES:
        counts[rid] = try_bad_inputs(page, artifacts, rid)
    assert_nothing_printed(page, outputs, mark)
    counts["total"] = {k: sum(c[k] for c in counts.values()) for k in ("fields", "typed_inputs", "choice_inputs")}
    record_counts(artifacts, "bad_input", counts)


def try_bad_inputs(page, artifacts, rid: str) -> dict:
    """Every bad input into one recipe's panel; returns what was tried."""
    panel = Panel(page, rid)
    panel.root.scroll_into_view_if_needed()
    recipe = get_recipe(rid)
    tried: dict[str, list[str]] = {}
    accepted_empty: list[str] = []
    shot = False

    # Choices the page never offered, sent by a scripted client, are refused the same way.
    # They go first: a typed architecture value turns the preset picker to "(custom)", and
    # picking "(custom)" does not clear a refused preset; picking a real one does.
    selects = [(p.name, f"[data-param={p.name}]") for p in recipe.params if p.kind == "choice"]
    if recipe.takes_preset:
        selects.append(("preset", "[data-role=preset]"))
    for name, selector in selects:
        select = panel.root.locator(selector)
        original = select.input_value()
        tried[name] = []
        for bogus in BOGUS_CHOICES if name != "preset" else [BOGUS_PRESET]:
            good = panel.state(name)
            page.evaluate(PICK_BOGUS_JS, [select.element_handle(), bogus])
            tried[name].append(bogus)
            quote = repr(bogus)
            assert_refused_keeping_last_good(panel.wait_error(name), good, name, quote)
            select.select_option(original)
            assert_recovered(panel.wait_revision(good["revision"], name), good, name)

    # The six bad inputs in every number field, each followed by the field's good value.
    for param in recipe.params:
        if param.kind not in ("int", "float"):
            continue
        name = param.name
        good_text = panel.root.locator(f"[data-param={name}]").input_value()
        if good_text == "":  # an optional field left empty: give it a value, so "" is a change
            good_text = format(math.sqrt(param.low * param.high), ".3g")
            if name == "n_active_params":  # at most the model's parameters (a cross-field check)
                good_text = format(float(panel.root.locator("[data-param=N_params]").input_value()) / 4, ".3g")
            before = panel.state(name)
            panel.type(name, good_text)
            assert_recovered(panel.wait_revision(before["revision"], name), before, name)
        tried[name] = []
        good = panel.state(name)
        for text, quote in bad_texts(param):
            assert good["stale"] == "false", name
            panel.type(name, text)
            tried[name].append(text)
            if text == "" and param.optional:
                # An empty optional field means "not given": a valid input, answered at once.
                shown = panel.wait_revision(good["revision"], name)
                assert_recovered(shown, good, name)
                assert json.loads(shown["inputs"]).get(name) is None
                accepted_empty.append(name)
            else:
                shown = panel.wait_error(name)
                assert_refused_keeping_last_good(shown, good, name, quote)
                if text == "-5" and not shot:
                    shot = True
                    panel.root.screenshot(path=str(artifacts / f"hardening-stale-{rid}-{name}.png"))
            panel.type(name, good_text)
            good = panel.wait_revision(shown["revision"], name)
            assert_recovered(good, shown, name)
            assert json.loads(good["inputs"])[name] == pytest.approx(float(good_text))

    return {
        "fields": len([n for n in tried if n not in dict(selects)]),
        "typed_inputs": sum(len(v) for n, v in tried.items() if n not in dict(selects)),
        "choice_inputs": sum(len(v) for n, v in tried.items() if n in dict(selects)),
        "empty_accepted_as_not_given": accepted_empty,
        "tried": tried,
    }


# ── 2. hostile names ─────────────────────────────────────────────────────────

# As registered by notebooks/hostile.ipynb.
HOSTILE = {
    "PRESET": "<img src=x onerror=alert(1)>",
    "GPU": "</script><script>alert(2)</script>",
    "API_MODEL": "<b onmouseover=alert(3)>x</b>",
    "QUOTE_PRESET": '"><svg onload=alert(4)>',
    "ENTITY_GPU": "&lt;i&gt;not italic&lt;/i&gt; {{7*7}} ${alert(5)}",
}

# Anything a name could have injected: elements with inline handlers anywhere in the document,
# executable scripts that call alert, and img/script/svg/i/b elements inside the recipe panels
# (the panel's own markup has one <b>, "Mitigation:", per verdict and no others) or inside
# the figures' SVG (bqplot's toolbar icons are <i> elements outside it).
INJECTED_JS = """() => {
  const all = Array.from(document.querySelectorAll('*'));
  const panels = Array.from(document.querySelectorAll('.taf-recipe'));
  const inPanels = (sel) => panels.flatMap(p => Array.from(p.querySelectorAll(sel)));
  const figures = Array.from(document.querySelectorAll('.taf-recipe-widget .bqplot svg'));
  const show = (e) => e.outerHTML.slice(0, 200);
  return {
    handlers: all.filter(e => Array.from(e.attributes).some(a => /^on/i.test(a.name))).map(show),
    scripts: Array.from(document.querySelectorAll('script'))
      .filter(s => !/json/.test(s.type || '') && /alert\\(/.test(s.textContent || '')).map(show),
    panel_elements: inPanels('img, script, svg, i, iframe, object, embed').map(show),
    panel_b: inPanels('b')
      .filter(b => !(b.parentElement.matches('.taf-mitigation') && b.textContent === 'Mitigation: ')).map(show),
    figure_elements: figures.flatMap(f => Array.from(f.querySelectorAll('img, script, i, b, iframe, foreignObject *')))
      .map(show),
  };
}"""

OPTIONS_JS = "(select) => Array.from(select.options).map(o => [o.value, o.textContent])"
TICKS_JS = (
    "(unit) => Array.from(unit.querySelectorAll('.bqplot .axis text, .bqplot .tick text')).map(t => t.textContent)"
)


def test_hostile_names_show_as_literal_text_and_never_run(voila, page, artifacts):
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    outputs = KernelOutputs(page)
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(voila.url("hostile.ipynb"))
    page.wait_for_function(
        "() => document.querySelectorAll('.taf-recipe[data-revision] [data-role=chain] tbody tr')"
        ".length > 0 && document.querySelectorAll('.taf-recipe[data-revision]').length === 5",
        timeout=60_000,
    )
    mark = outputs.mark()
    source = (voila.folder / "hostile.ipynb").read_text()
    assert all(json.dumps(name)[1:-1] in source for name in HOSTILE.values())  # the notebook registers these
    root = {rid: page.locator(f'.taf-recipe[data-recipe="{rid}"]') for rid in RECIPES}
    unit = {rid: page.locator(".taf-recipe-widget", has=root[rid]) for rid in RECIPES}
    # bqplot draws its tick labels once laid out: wait for the X-5 bars to be labelled.
    page.wait_for_function(
        f"(unit) => ({TICKS_JS})(unit).includes({json.dumps(HOSTILE['GPU'])})",
        arg=unit["X-5"].element_handle(),
        timeout=30_000,
    )

    # Pickers: the names are option texts and values, exactly, and the selected ones show.
    presets = [HOSTILE["PRESET"], HOSTILE["QUOTE_PRESET"]]
    for rid in ("X-5", "X-1", "X-2", "X-19"):
        options = page.evaluate(OPTIONS_JS, root[rid].locator("[data-role=preset]").element_handle())
        assert all([name, name] in options for name in presets), rid
    assert root["X-2"].locator("[data-role=preset]").input_value() == HOSTILE["PRESET"]
    assert root["X-19"].locator("[data-role=preset]").input_value() == HOSTILE["QUOTE_PRESET"]
    for rid, field, name in (("X-1", "gpu", "GPU"), ("X-1", "api_model", "API_MODEL"), ("X-3", "gpu", "ENTITY_GPU")):
        select = root[rid].locator(f"[data-param={field}]")
        assert select.input_value() == HOSTILE[name]
        options = page.evaluate(OPTIONS_JS, select.element_handle())
        assert [HOSTILE[name], HOSTILE[name]] in options
    gpus = page.evaluate(OPTIONS_JS, root["X-1"].locator("[data-param=gpu]").element_handle())
    assert [HOSTILE["ENTITY_GPU"], HOSTILE["ENTITY_GPU"]] in gpus

    # The chain table and the verdict quote them as text.
    text = {
        rid: (
            root[rid].locator("[data-role=verdict]").inner_text(),
            root[rid].locator("[data-role=chain] tbody").inner_text(),
        )
        for rid in RECIPES
    }
    assert HOSTILE["GPU"] in text["X-5"][0] and HOSTILE["GPU"] in text["X-5"][1]  # the cheapest GPU
    assert HOSTILE["GPU"] in text["X-1"][0] and HOSTILE["API_MODEL"] in text["X-1"][1]
    assert HOSTILE["ENTITY_GPU"] in text["X-3"][0]
    # The chart labels: X-5's bars are named by GPU.
    ticks = page.evaluate(TICKS_JS, unit["X-5"].element_handle())
    assert HOSTILE["GPU"] in ticks and HOSTILE["ENTITY_GPU"] in ticks

    # Point at everything a handler could hang on, then look for anything injected.
    for rid in RECIPES:
        unit[rid].scroll_into_view_if_needed()
        unit[rid].hover()
        root[rid].locator("[data-role=chain] tbody").hover()
        root[rid].locator("[data-role=verdict]").hover()
    for option_holder in page.locator(".taf-recipe select").all():
        option_holder.hover()
    page.wait_for_timeout(300)
    injected = page.evaluate(INJECTED_JS)
    assert injected == {"handlers": [], "scripts": [], "panel_elements": [], "panel_b": [], "figure_elements": []}
    assert dialogs == []
    assert_nothing_printed(page, outputs, mark)
    unit["X-5"].screenshot(path=str(artifacts / "hardening-hostile-X-5.png"))
    unit["X-1"].screenshot(path=str(artifacts / "hardening-hostile-X-1.png"))
    page.screenshot(path=str(artifacts / "hardening-hostile-page.png"), full_page=True)
    record_counts(
        artifacts,
        "hostile_names",
        {
            "names": len(HOSTILE),
            "kinds": {"preset": 2, "gpu": 2, "api_model": 1},
            "widgets": len(RECIPES),
            "dialogs": len(dialogs),
            "injected_elements": 0,
        },
    )


# ── 3. slider floods ─────────────────────────────────────────────────────────

DRAG_POSITIONS = 500

# Records, from now on, every revision the panel shows (with its time and result inputs), the
# slider's input events and the moment of release (with the slider position and field text then).
FLOOD_RECORDER_JS = """([root, slider, field]) => {
  if (window.__flood) window.__flood.observer.disconnect();
  const rec = {shown: [], inputs: 0, release: null, position: null, text: null};
  rec.observer = new MutationObserver(() => rec.shown.push(
    [performance.now(), Number(root.dataset.revision), root.dataset.resultInputs]));
  rec.observer.observe(root, {attributes: true, attributeFilter: ['data-revision']});
  slider.addEventListener('input', () => { rec.inputs += 1; });
  const release = () => {
    if (rec.release !== null) return;
    rec.release = performance.now(); rec.position = Number(slider.value); rec.text = field.value;
  };
  window.addEventListener('pointerup', release, {capture: true});
  slider.addEventListener('change', release, {capture: true});
  window.__flood = rec;
}"""

FLOOD_RESULT_JS = "() => { const {observer, ...rec} = window.__flood; return rec; }"

# 500 slider positions in one task, as fast as a script can, then the change of a release.
SYNTHETIC_FLOOD_JS = """([slider, count, last]) => {
  for (let i = 0; i < count; i++) {
    slider.value = String(i < count - 1 ? (i * 7) % 1001 : last);
    slider.dispatchEvent(new Event('input', {bubbles: true}));
  }
  slider.dispatchEvent(new Event('change', {bubbles: true}));
}"""

WAIT_REVISION_JS = "([root, revision]) => Number(root.dataset.revision) > revision"

SETTLED_JS = """([root, field]) => root.dataset.stale === 'false'
  && JSON.parse(root.dataset.resultInputs).T_eval === Number(field.value)"""


def slider_value(param, position: int, steps: int = 1000) -> float:
    """The value a log slider position stands for (js/scale.js positionToValue, for a log
    declaration with a positive lower bound): 3 significant digits, whole for ints."""
    lo, hi = float(param.low), float(param.high)
    t = min(1.0, max(0.0, position / steps))
    if t in (0.0, 1.0):
        return lo if t == 0 else hi
    v = float(f"{10 ** (math.log10(lo) + t * (math.log10(hi) - math.log10(lo))):.3g}")
    if param.kind == "int":
        v = math.floor(v + 0.5)
    return min(hi, max(lo, v))


def check_flood(page, root, field, param, started_revision: int) -> dict:
    """After a release: the shown revisions never went backwards, and the result equals the
    slider's final value within one second of the release."""
    page.wait_for_function(SETTLED_JS, arg=[root.element_handle(), field.element_handle()], timeout=10_000)
    page.wait_for_timeout(300)  # let any late answer show itself (it must not change the result)
    rec = page.evaluate(FLOOD_RESULT_JS)
    final = float(field.input_value())
    assert rec["release"] is not None and float(rec["text"]) == final
    assert final == pytest.approx(slider_value(param, rec["position"]), rel=0.005)
    revisions = [r for _, r, _ in rec["shown"]]
    assert revisions == sorted(revisions), revisions  # never backwards
    assert all(json.loads(inputs)["T_eval"] == final for _, _, inputs in rec["shown"][-1:])
    # When did the shown result become (and stay) the final value?
    last_wrong = max(
        (i for i, (_, _, inputs) in enumerate(rec["shown"]) if json.loads(inputs)["T_eval"] != final), default=-1
    )
    settled_at = rec["shown"][last_wrong + 1][0]
    latency_ms = max(0.0, settled_at - rec["release"])
    assert latency_ms <= 1000, latency_ms
    end_revision = int(root.get_attribute("data-revision"))
    return {
        "input_events": rec["inputs"],
        "recomputations": end_revision - started_revision,
        "revisions_shown": len(revisions),
        "release_to_final_ms": round(latency_ms, 1),
        "final_T_eval": final,
        "final_position": rec["position"],
    }


def kernel_counts(page) -> dict:
    text = page.locator(".taf-flood-counter").inner_text()
    return {k: int(v) for k, v in (part.split("=") for part in text.split())}


def test_a_slider_flood_never_wedges_the_kernel_or_shows_an_older_result(voila, page, artifacts):
    outputs = KernelOutputs(page)
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(voila.url("flood.ipynb"))
    root = wait_widget(page)
    mark = outputs.mark()
    param = get_recipe("X-2").param("T_eval")
    slider = root.locator("[data-param-slider=T_eval]")
    field = root.locator("[data-param=T_eval]")
    handles = [root.element_handle(), slider.element_handle(), field.element_handle()]
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    counts = {}

    # A real mouse drag through 500 positions: right to 95 %, back to 37 %, released there.
    start = int(root.get_attribute("data-revision"))
    page.evaluate(FLOOD_RECORDER_JS, handles)
    fractions = [0.05 + 0.90 * i / 249 for i in range(250)] + [
        0.95 - 0.58 * (i + 1) / 250 for i in range(DRAG_POSITIONS - 250)
    ]
    xs = [box["x"] + 2 + (box["width"] - 4) * f for f in fractions]
    y = box["y"] + box["height"] / 2
    page.mouse.move(xs[0], y)
    t0 = time.perf_counter()
    page.mouse.down()
    for x in xs[1:]:
        page.mouse.move(x, y)
    page.mouse.up()
    drag_s = time.perf_counter() - t0
    counts["mouse_drag"] = {
        "positions": len(xs),
        "drag_seconds": round(drag_s, 2),
        **check_flood(page, root, field, param, start),
    }

    # Still responsive: another field's change is answered promptly.
    revision = int(root.get_attribute("data-revision"))
    t0 = time.perf_counter()
    root.locator("[data-param=n_layers]").fill("40")
    page.keyboard.press("Enter")
    page.wait_for_function(WAIT_REVISION_JS, arg=[root.element_handle(), revision], timeout=2_000)
    answer_s = time.perf_counter() - t0
    assert json.loads(root.get_attribute("data-result-inputs"))["n_layers"] == 40
    assert answer_s < 2.0
    counts["later_change_answered_s"] = round(answer_s, 3)

    # A scripted flood: 500 input events in one task, then the release.
    start = int(root.get_attribute("data-revision"))
    page.evaluate(FLOOD_RECORDER_JS, handles)
    page.evaluate(SYNTHETIC_FLOOD_JS, [slider.element_handle(), DRAG_POSITIONS, 640])
    counts["scripted_events"] = {"positions": DRAG_POSITIONS, **check_flood(page, root, field, param, start)}

    # The kernel's own count: parameter changes received and results computed, since the page opened.
    page.wait_for_function(
        "([label, n]) => label.textContent.includes(`revision=${n}`)",
        arg=[page.locator(".taf-flood-counter").element_handle(), int(root.get_attribute("data-revision")) - 1],
        timeout=5_000,
    )
    counts["kernel_since_load"] = kernel_counts(page)
    assert counts["kernel_since_load"]["revision"] == (
        counts["mouse_drag"]["recomputations"] + 1 + counts["scripted_events"]["recomputations"]
    )
    root.screenshot(path=str(artifacts / "hardening-flood-after.png"))
    assert_nothing_printed(page, outputs, mark)
    record_counts(artifacts, "slider_flood", counts)


# ── 5. restarts ──────────────────────────────────────────────────────────────


def answer_once(page, root, value: int) -> None:
    """One round trip through the kernel: type a context length, see it in the next result."""
    revision = int(root.get_attribute("data-revision"))
    field = root.locator("[data-param=T_eval]")
    field.fill(str(value))
    page.keyboard.press("Enter")
    page.wait_for_function(WAIT_REVISION_JS, arg=[root.element_handle(), revision], timeout=15_000)
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == value
    assert root.get_attribute("data-stale") == "false"


def test_reloading_the_voila_dashboard_gives_a_fresh_working_dashboard(voila, page, artifacts):
    outputs = KernelOutputs(page)
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(voila.url("dashboard.ipynb"))
    root = wait_widget(page)
    answer_once(page, root, 65536)
    assert int(root.get_attribute("data-revision")) == 2

    # Voilà's unload beacon asks to shut the old kernel down; served by taf_widgets.serve it
    # carries a valid XSRF token (voila-dashboards/voila#1458), so it is never refused.
    refused_shutdowns = []
    page.on(
        "response",
        lambda r: (
            refused_shutdowns.append(r.url)
            if r.status == 403 and r.request.method == "POST" and "/voila/api/shutdown/" in r.url
            else None
        ),
    )
    page.reload()
    root = wait_widget(page)
    mark = outputs.mark()
    # A new kernel: the notebook's values and the first revision again, six tabs, one panel shown.
    assert page.locator(".lm-TabBar-tab").count() == 6
    assert root.get_attribute("data-recipe") == "X-2"
    assert int(root.get_attribute("data-revision")) == 1
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 32000
    answer_once(page, root, 131072)
    page.screenshot(path=str(artifacts / "hardening-voila-reloaded.png"), full_page=True)
    assert refused_shutdowns == []
    assert_nothing_printed(page, outputs, mark)


def run_all_cells(page) -> None:
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def open_in_own_workspace(page, lab, notebook: str) -> None:
    """Open ``notebook`` in a JupyterLab workspace of its own: Lab saves the open tabs of a
    workspace on the server, and this test's tabs must not reopen in other tests' pages."""
    page.goto(f"http://127.0.0.1:{lab.port}/lab/workspaces/taf-hardening/tree/{notebook}?reset")
    page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)
    news = page.get_by_role("button", name="No")
    if news.count():
        news.first.click()


def test_restarting_the_kernel_in_jupyterlab_and_rerunning_gives_a_working_widget(jupyterlab, page, artifacts):
    outputs = KernelOutputs(page)
    page.set_viewport_size({"width": 1400, "height": 1400})
    open_in_own_workspace(page, jupyterlab, "restart.ipynb")
    run_all_cells(page)
    root = wait_widget(page, timeout=90_000)
    assert page.locator(".jp-Cell .jp-InputArea-prompt").first.inner_text().strip() == "[1]:"
    answer_once(page, root, 65536)
    assert int(root.get_attribute("data-revision")) == 2

    # Kernel → Restart Kernel…, confirmed in its dialog; the command resolves once restarted.
    page.evaluate(
        "() => { window.__restarted = false; window.jupyterapp.commands"
        ".execute('kernelmenu:restart').then(() => { window.__restarted = true; }); }"
    )
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.wait_for_function("() => window.__restarted === true", timeout=60_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)

    run_all_cells(page)
    # The re-run replaces the output: one panel, from the new kernel (revision 1, the notebook's value).
    page.wait_for_function(
        "() => { const roots = document.querySelectorAll('.taf-recipe');"
        " return roots.length === 1 && roots[0].dataset.revision === '1'"
        " && roots[0].querySelectorAll('[data-role=chain] tbody tr').length > 0; }",
        timeout=60_000,
    )
    root = wait_widget(page)
    assert json.loads(root.get_attribute("data-result-inputs"))["T_eval"] == 32000
    # A fresh kernel counts executions from 1 again (the same kernel would say [2]).
    assert page.locator(".jp-Cell .jp-InputArea-prompt").first.inner_text().strip() == "[1]:"
    mark = outputs.mark()  # the re-run's own output (the widget) came before this
    answer_once(page, root, 4096)
    page.locator(".taf-recipe-widget").first.screenshot(path=str(artifacts / "hardening-lab-restarted.png"))
    assert_nothing_printed(page, outputs, mark)
