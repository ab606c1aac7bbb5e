#!/usr/bin/env bash
# Prove the built packages stand alone. `python -m build` makes the sdist and then the wheel
# from that sdist (which runs the npm build). The wheel is installed into a fresh venv and,
# on a PATH with no node or npm, the kernel-side check and a real-browser Voilà test run
# against that install. The sdist is also installed on its own (npm present) and checked.
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
