#!/usr/bin/env bash
# Prove the built packages stand alone. `python -m build` makes the sdist and then the wheel
# from that sdist (which runs the npm build). The wheel is installed into a fresh venv and,
# on a PATH with no node or npm, the kernel-side check and a real-browser Voilà test run
# against that install. The wheel alone, without extras, must bring no Voilà and must still
# give widgets, and its server command must say what to install. The sdist is also installed
# on its own (npm present) and checked.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/taf-wheel.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

"$PY" -m pip install --quiet build
echo "test-wheel: python -m build (sdist, then the wheel from it)"
if ! "$PY" -m build --outdir "$WORK/dist" >"$WORK/build.log" 2>&1; then tail -40 "$WORK/build.log"; exit 1; fi
WHEEL=$(ls "$WORK"/dist/*.whl)
SDIST=$(ls "$WORK"/dist/*.tar.gz)
echo "test-wheel: built $(basename "$SDIST") and $(basename "$WHEEL"); the wheel holds:"
"$PY" - "$WHEEL" <<'PYCODE'
import sys, zipfile
infos = zipfile.ZipFile(sys.argv[1]).infolist()
for info in infos:
    print(f"  {info.file_size:>9}  {info.filename}")
names = {info.filename for info in infos}
missing = [f for f in ("recipe.js", "card.js", "compare.js") if f"taf_widgets/static/{f}" not in names]
if missing:
    sys.exit(f"test-wheel: the wheel lacks the front-end bundle: {missing}")
template = [f"taf_widgets/serving/share/voila/templates/taf/{f}" for f in ("conf.json", "index.html.j2")]
if not set(template) <= names:
    sys.exit(f"test-wheel: the wheel lacks the dashboard's Voilà template: {sorted(set(template) - names)}")
PYCODE

# A PATH with the venv and every system tool but node, npm and their kin (Chromium's
# launcher script needs a few ordinary tools such as grep).
mkdir -p "$WORK/bin"
for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  [ -d "$dir" ] || continue
  for tool in "$dir"/*; do
    name=$(basename "$tool")
    case "$name" in node|nodejs|npm|npx|corepack|yarn|pnpm) continue ;; esac
    [ -e "$WORK/bin/$name" ] || ln -s "$tool" "$WORK/bin/$name"
  done
done
BARE_PATH="$WORK/venv/bin:$WORK/bin"

echo "test-wheel: fresh venv, pip install the wheel with its test extras"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --upgrade pip
"$WORK/venv/bin/python" -m pip install --quiet "$WHEEL[test]" 2>&1 | { grep -v "^WARNING: Location" || true; }
(cd "$WORK" && PATH="$BARE_PATH" "$WORK/venv/bin/python" - <<'PYCODE'
import shutil, sys, taf_widgets
assert shutil.which("node") is None and shutil.which("npm") is None, "node or npm is still on PATH"
assert "site-packages" in taf_widgets.__file__, f"taf_widgets imported from {taf_widgets.__file__}, not the wheel"
print("test-wheel: no node or npm on PATH; taf_widgets", taf_widgets.__version__, "from", taf_widgets.__file__)
PYCODE
)
# The pytest script (not `python -m pytest`) keeps the checkout off sys.path: the wheel is tested.
PATH="$BARE_PATH" TAF_CHROMIUM="${TAF_CHROMIUM:-/usr/bin/chromium}" HOME="$WORK" \
  "$WORK/venv/bin/pytest" -p no:cacheprovider -q tests/test_standalone.py tests/test_packaging.py \
  tests/browser/test_voila_recipe.py

echo "test-wheel: fresh venv, pip install the wheel alone (no extras): widgets without Voilà"
python3 -m venv "$WORK/plain-venv"
"$WORK/plain-venv/bin/python" -m pip install --quiet --upgrade pip
"$WORK/plain-venv/bin/python" -m pip install --quiet "$WHEEL" 2>&1 | { grep -v "^WARNING: Location" || true; }
(cd "$WORK" && PATH="$BARE_PATH" "$WORK/plain-venv/bin/python" - <<'PYCODE'
import importlib.util, subprocess, sys
import taf_widgets, taf_widgets.widget
from taf_widgets import RecipeWidget
server = [m for m in ("voila", "jupyter_server", "jupyter_client", "tornado", "ipykernel") if importlib.util.find_spec(m)]
assert not server, f"a plain install brought the server's packages: {server}"
assert RecipeWidget("X-2", preset="meta-llama/Meta-Llama-3-8B", T_eval=32000).result["verdict"] == "YES"
done = subprocess.run([sys.executable, "-m", "taf_widgets.serve", "--help"], capture_output=True, text=True)
assert done.returncode == 2 and done.stderr.strip().endswith("pip install 'taf-widgets[serve]'") \
    and len(done.stderr.splitlines()) == 1, (done.returncode, done.stderr)
print("test-wheel: plain install: taf_widgets.widget imports, no Voilà; python -m taf_widgets.serve says:")
print("  " + done.stderr.strip(), f"(exit {done.returncode})")
PYCODE
)

echo "test-wheel: the sdist alone (pip install of the .tar.gz builds the front end with npm)"
python3 -m venv "$WORK/sdist-venv"
"$WORK/sdist-venv/bin/python" -m pip install --quiet --no-deps "$SDIST" 2>&1 | { grep -v "^WARNING: Location" || true; }
(cd "$WORK" && "$WORK/sdist-venv/bin/python" - <<'PYCODE'
import importlib.util, pathlib
spec = importlib.util.find_spec("taf_widgets")
static = pathlib.Path(spec.origin).parent / "static"
bundles = sorted(p.name for p in static.glob("*.js"))
assert {"recipe.js", "card.js", "compare.js"} <= set(bundles), bundles
print("test-wheel: sdist install carries", ", ".join(bundles), "in", static)
PYCODE
)
