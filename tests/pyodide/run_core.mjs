// Run taf_widgets.core inside Pyodide (CPython compiled to WebAssembly) under Node.
//
// Usage: node tests/pyodide/run_core.mjs <repo root> <cases.json>
//
// Loads Pyodide from <repo root>/node_modules/pyodide/ (offline: no CDN and no
// loadPackage, so only the standard library exists), copies the real
// taf_widgets/__init__.py and every file of taf_widgets/core/ (recursively: the
// .py modules and data/*.json) into the Pyodide file system, imports the package
// and runs every case of <cases.json>, a list of
//   {"recipe": "X-2", "preset": "<name>" | null, "params": {...}}
// On success it prints ONE line of JSON on stdout:
//   {"pyodide_version", "python_version", "platform", "taf_widgets_version",
//    "files_copied", "absent_modules", "widget_modules_loaded", "results": [...]}
// where results[i] is {"ok": run_recipe(...).to_dict()} or, when the case raised
// InputError, {"error": {"type", "field", "errors", "message"}}.
// Anything Python prints goes to stderr so stdout stays that single line.
// Exit codes: 0 ok, 1 failure inside Pyodide, 2 bad usage or Pyodide not installed.
//
// tests/test_pyodide.py runs this and compares the results with CPython's.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

function die(code, message) {
  process.stderr.write(`run_core.mjs: ${message}\n`);
  process.exit(code);
}

const [rootArg, casesArg] = process.argv.slice(2);
if (!rootArg || !casesArg) {
  die(2, "usage: node tests/pyodide/run_core.mjs <repo root> <cases.json>");
}
const root = path.resolve(rootArg);
const indexDir = path.join(root, "node_modules", "pyodide");
const pyodideModule = path.join(indexDir, "pyodide.mjs");
if (!fs.existsSync(pyodideModule)) {
  die(2, `Pyodide is not installed (${pyodideModule} is missing): run \`npm ci\` in ${root}`);
}
const coreDir = path.join(root, "taf_widgets", "core");
const packageInit = path.join(root, "taf_widgets", "__init__.py");
for (const p of [coreDir, packageInit]) {
  if (!fs.existsSync(p)) die(2, `${p} not found: is ${root} the taf-widgets repository?`);
}
const casesText = fs.readFileSync(path.resolve(casesArg), "utf8");

// Every file under taf_widgets/core/, relative to taf_widgets/, skipping bytecode caches.
function coreFiles(dir, rel = "core") {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "__pycache__" || entry.name.endsWith(".pyc")) continue;
    const full = path.join(dir, entry.name);
    const relPath = `${rel}/${entry.name}`;
    if (entry.isDirectory()) out.push(...coreFiles(full, relPath));
    else if (entry.isFile()) out.push([full, relPath]);
  }
  return out;
}

const { loadPyodide } = await import(pathToFileURL(pyodideModule).href);
const pyodide = await loadPyodide({
  indexURL: indexDir + path.sep,
  stdout: (line) => process.stderr.write(`[pyodide stdout] ${line}\n`),
  stderr: (line) => process.stderr.write(`[pyodide stderr] ${line}\n`),
});

const SITE = "/home/pyodide/taf";
const files = [[packageInit, "__init__.py"], ...coreFiles(coreDir)];
for (const [full, rel] of files) {
  const dest = `${SITE}/taf_widgets/${rel}`;
  pyodide.FS.mkdirTree(path.posix.dirname(dest));
  pyodide.FS.writeFile(dest, fs.readFileSync(full));
}
pyodide.FS.writeFile("/tmp/taf_cases.json", casesText, { encoding: "utf8" });

// Runs in Pyodide. Cases are parsed by Python's json (not via JS objects), so ints stay
// ints and floats are exactly the doubles CPython parses; the output is made by
// json.dumps, whose float repr round-trips exactly.
const PROGRAM = `
import json, sys
sys.path.insert(0, ${JSON.stringify(SITE)})

WIDGET_LIBS = ("ipywidgets", "anywidget", "bqplot", "traitlets", "numpy")

import taf_widgets
import taf_widgets.core as core
from taf_widgets.core import InputError, run_recipe

assert taf_widgets.__file__.startswith(${JSON.stringify(SITE)}), taf_widgets.__file__
assert core.__file__.startswith(${JSON.stringify(SITE)}), core.__file__

# The widget stack must really be absent here; the core worked without it.
widget_modules_loaded = sorted(m for m in sys.modules if m.split(".")[0] in WIDGET_LIBS)
absent = {}
for name in WIDGET_LIBS:
    try:
        __import__(name)
    except ImportError as exc:
        absent[name] = type(exc).__name__
    else:
        raise AssertionError(f"{name} is importable in Pyodide; the test expects a bare standard library")

results = []
for case in json.loads(open("/tmp/taf_cases.json", encoding="utf-8").read()):
    try:
        res = run_recipe(case["recipe"], case.get("preset"), **case.get("params", {}))
    except InputError as exc:
        results.append({"error": {"type": type(exc).__name__, "field": exc.field,
                                  "errors": exc.errors, "message": str(exc)}})
    else:
        results.append({"ok": res.to_dict()})

import pyodide
json.dumps({
    "pyodide_version": pyodide.__version__,
    "python_version": sys.version,
    "platform": sys.platform,
    "taf_widgets_version": taf_widgets.__version__,
    "files_copied": ${JSON.stringify(files.map(([, rel]) => `taf_widgets/${rel}`))},
    "absent_modules": absent,
    "widget_modules_loaded": widget_modules_loaded,
    "results": results,
}, allow_nan=False, ensure_ascii=True)
`;

let line;
try {
  line = await pyodide.runPythonAsync(PROGRAM);
} catch (err) {
  die(1, `Python failed inside Pyodide ${pyodide.version}:\n${err && err.message ? err.message : err}`);
}
const parsed = JSON.parse(line); // sanity check: one valid JSON document
if (parsed.pyodide_version !== pyodide.version) {
  die(1, `pyodide.__version__ ${parsed.pyodide_version} != JS pyodide.version ${pyodide.version}`);
}
process.stdout.write(line + "\n");
