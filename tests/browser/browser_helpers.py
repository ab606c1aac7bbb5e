"""Helpers shared by the browser tests (the fixtures are in conftest.py)."""


def wait_widget(page, selector: str = ".taf-recipe", timeout: float = 60_000):
    """Wait until a recipe panel has rendered a result (a revision and chain rows)."""
    page.wait_for_selector(f"{selector}[data-revision] [data-role=chain] tbody tr", timeout=timeout)
    return page.locator(selector).first


# A JS expression: the `d` of every path the bqplot figures draw, in document order.
ALL_PATHS_JS = "Array.from(document.querySelectorAll('.bqplot path')).map(p => p.getAttribute('d') || '')"
