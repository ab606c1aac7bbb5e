#!/usr/bin/env python3
r"""Generate the example notebooks from their sources in tools/notebooks/.

    python tools/make_notebooks.py           # (re)write examples/quickstart.ipynb, examples/teaching/*.ipynb
    python tools/make_notebooks.py --check   # exit 1, naming them, if written notebooks differ from their sources

Every generated notebook has one source, ``tools/notebooks/<path>.md`` for ``examples/<path>.ipynb``,
written in the MyST Markdown notebook layout:

- it opens with a block between two ``---`` lines: ``title:`` (the notebook's title) and ``id:``
  (the prefix of its cell ids);
- Markdown is written as the notebook shows it; a line ``+++`` starts a new Markdown cell, and a
  dollar sign of money is written ``\$`` (a bare one starts inline math);
- a code cell runs from a line "```{code-cell} ipython3" to the next line "```"; a first line
  ``:tags: [solution]`` makes it an exercise's solution, whose source starts collapsed.

Numbers the prose quotes are never typed in: the Markdown says ``{{ name }}`` and
``tools/notebooks/<path>.py`` computes them with ``taf_widgets.core`` in a ``facts()`` function that
returns a dict. A placeholder is a fact's name, then optionally ``.key`` parts (a dict key or an
attribute), a Python format spec (``{{ arch.theta:,.0f }}`` gives 500,000) and a filter
(``| sci`` gives 8·10⁹, ``| minus`` writes a typographic minus sign, ``| words`` spells a count).
A placeholder without a fact is an error, and so is a fact that no placeholder quotes.

The notebooks are written without outputs and with fixed cell ids, so regenerating them gives
the same bytes; every code cell recomputes its numbers when the notebook runs, and
``tests/test_notebooks.py`` runs them all and checks that the files are up to date.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the facts use this tree's core, installed or not

import nbformat  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook  # noqa: E402

SOURCES = ROOT / "tools" / "notebooks"
EXAMPLES = ROOT / "examples"

CODE_OPEN = "```{code-cell} ipython3"
CODE_CLOSE = "```"
MARKDOWN_BREAK = "+++"
PLACEHOLDER = re.compile(
    r"\{\{\s*(?P<name>[A-Za-z_]\w*(?:\.\w+)*)\s*(?::(?P<spec>[^|}]*?))?\s*(?:\|\s*(?P<filter>\w+)\s*)?\}\}"
)


class SourceError(ValueError):
    """A notebook source that cannot be turned into a notebook; the message names file and line."""


# ── filters ──────────────────────────────────────────────────────────────────

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def sci(x: float) -> str:
    """8·10⁹: scientific notation as prose writes it (whole mantissa)."""
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(_SUP)}"


def minus(text: object) -> str:
    """−0.05: a typographic minus sign instead of a hyphen."""
    return str(text).replace("-", "−")


def words(n: int) -> str:
    """6 → six, for counts in prose."""
    return _WORDS[n]


FILTERS = {"sci": sci, "minus": minus, "words": words}


# ── sources ──────────────────────────────────────────────────────────────────


class Cell(NamedTuple):
    kind: str  # "markdown" or "code"
    text: str
    line: int  # where it starts in the source, for error messages
    tags: tuple[str, ...] = ()


class Source(NamedTuple):
    path: Path
    title: str
    cell_id: str
    cells: list[Cell]


def parse_source(path: Path) -> Source:
    """Read a notebook source: its opening block, then Markdown and code cells."""
    lines = path.read_text(encoding="utf-8").split("\n")
    where = path.as_posix()
    if lines[0] != "---" or "---" not in lines[1:]:
        raise SourceError(f"{where}:1: a source opens with a block between two '---' lines (title:, id:)")
    end = lines.index("---", 1)
    header = {}
    for number, line in enumerate(lines[1:end], start=2):
        key, sep, value = line.partition(":")
        if not sep or key.strip() not in ("title", "id"):
            raise SourceError(f"{where}:{number}: expected 'title: ...' or 'id: ...', got {line!r}")
        header[key.strip()] = value.strip()
    if set(header) != {"title", "id"}:
        raise SourceError(f"{where}:1: the opening block needs both title: and id:")

    cells: list[Cell] = []
    markdown: list[str] = []
    markdown_start = end + 2

    def close_markdown(next_start: int) -> None:
        nonlocal markdown, markdown_start
        text = "\n".join(markdown).strip("\n")
        if text.strip():
            blank = next(n for n, line in enumerate(markdown) if line)  # the cell starts at its first text
            cells.append(Cell("markdown", text, markdown_start + blank))
        markdown, markdown_start = [], next_start

    i = end + 1
    while i < len(lines):
        line = lines[i]
        if line == MARKDOWN_BREAK:
            close_markdown(i + 2)
        elif line.startswith("```{code-cell}"):
            if line != CODE_OPEN:
                raise SourceError(f"{where}:{i + 1}: a code cell opens with {CODE_OPEN!r}, got {line!r}")
            close_markdown(i + 1)
            start, i = i + 1, i + 1
            tags: tuple[str, ...] = ()
            while i < len(lines) and lines[i].startswith(":"):
                key, _, value = lines[i][1:].partition(":")
                if key != "tags" or not (value.strip().startswith("[") and value.strip().endswith("]")):
                    raise SourceError(f"{where}:{i + 1}: the only cell option is ':tags: [a, b]', got {lines[i]!r}")
                tags = tuple(tag.strip() for tag in value.strip()[1:-1].split(",") if tag.strip())
                i += 1
            body = []
            while i < len(lines) and lines[i] != CODE_CLOSE:
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise SourceError(f"{where}:{start}: code cell without its closing {CODE_CLOSE!r}")
            cells.append(Cell("code", "\n".join(body).strip("\n"), start, tags))
            markdown_start = i + 2
        else:
            markdown.append(line)
        i += 1
    close_markdown(i)
    return Source(path, header["title"], header["id"], cells)


def load_facts(source: Path) -> dict[str, object]:
    """The dict returned by facts() in the source's .py twin (none: no facts)."""
    module_path = source.with_suffix(".py")
    if not module_path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"notebook_facts_{source.stem}", module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.facts())


def fill(cell: Cell, facts: dict[str, object], path: Path, used: set[str]) -> str:
    """A Markdown cell's text with each ``{{ placeholder }}`` replaced by its fact, formatted."""
    text = cell.text

    def line_of(offset: int) -> str:
        line = cell.line + text.count("\n", 0, offset)
        return f"{path.as_posix()}:{line}"

    def replace(match: re.Match) -> str:
        where = line_of(match.start())
        name, *keys = match["name"].split(".")
        if name not in facts:
            raise SourceError(f"{where}: no fact named {name!r} for {match[0]!r} (facts: {', '.join(sorted(facts))})")
        used.add(name)
        value = facts[name]
        for key in keys:
            try:
                value = value[key] if isinstance(value, dict) else getattr(value, key)
            except (KeyError, AttributeError):
                raise SourceError(f"{where}: {match['name']!r} has no part {key!r}") from None
        if match["spec"] is not None:
            value = format(value, match["spec"])
        if match["filter"] is not None:
            if match["filter"] not in FILTERS:
                raise SourceError(f"{where}: unknown filter {match['filter']!r} (filters: {', '.join(FILTERS)})")
            value = FILTERS[match["filter"]](value)
        return str(value)

    # A '{{' the pattern does not take (a typo such as '{{ a b }}') must not reach the notebook.
    blanked = PLACEHOLDER.sub(lambda match: " " * len(match[0]), text)  # same offsets, placeholders gone
    for leftover in re.finditer(r"\{\{", blanked):
        snippet = text[leftover.start() :].split("\n")[0][:60]
        raise SourceError(f"{line_of(leftover.start())}: not a placeholder: {snippet!r}")
    return PLACEHOLDER.sub(replace, text)


def build(path: Path) -> nbformat.NotebookNode:
    """The notebook of one source, its prose filled with the source's facts."""
    source = parse_source(path)
    facts = load_facts(path)
    used: set[str] = set()
    cells = []
    for index, cell in enumerate(source.cells):
        cell_id = f"{source.cell_id}-{index:02d}"
        if cell.kind == "markdown":
            cells.append(new_markdown_cell(fill(cell, facts, path, used), id=cell_id))
        else:
            metadata: dict[str, object] = {"tags": list(cell.tags)} if cell.tags else {}
            if "solution" in cell.tags:
                metadata["jupyter"] = {"source_hidden": True}  # a solution starts collapsed in JupyterLab
            cells.append(new_code_cell(cell.text, id=cell_id, metadata=metadata))
    unused = sorted(set(facts) - used)
    if unused:
        raise SourceError(f"{path.with_suffix('.py').as_posix()}: facts never quoted in the prose: {', '.join(unused)}")
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "title": source.title,
    }
    nbformat.validate(nb)
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def build_all(sources: Path = SOURCES) -> dict[str, str]:
    """Relative path under examples/ → the notebook's file content, one per source."""
    if not any(sources.rglob("*.md")):
        raise SourceError(f"{sources.as_posix()}: no notebook sources (*.md) found")
    return {
        path.relative_to(sources).with_suffix(".ipynb").as_posix(): render(build(path))
        for path in sorted(sources.rglob("*.md"))
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that differ; write nothing")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="folder of sources (default tools/notebooks)")
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="folder of notebooks (default examples)")
    args = parser.parse_args(argv)
    try:
        notebooks = build_all(args.sources)
    except SourceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stale = []
    for rel, text in notebooks.items():
        path = args.out / rel
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print("out of date (run python tools/make_notebooks.py): " + ", ".join(stale))
        return 1
    if not stale:
        print("all notebooks up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
