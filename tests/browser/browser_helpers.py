"""Helpers shared by the browser tests (the fixtures are in conftest.py)."""

import json
import struct


def type_and_wait(page, root, name: str, text: str, timeout: float = 15_000) -> int:
    """Type ``text`` into parameter ``name``'s field, press Enter, and wait for the kernel's next
    result to be shown; returns the new revision."""
    revision = int(root.get_attribute("data-revision"))
    field = root.locator(f"[data-param={name}]")
    field.fill(text)
    field.press("Enter")
    page.wait_for_function(
        "([el, r]) => Number(el.dataset.revision) > r", arg=[root.element_handle(), revision], timeout=timeout
    )
    return int(root.get_attribute("data-revision"))


def wait_widget(page, selector: str = ".taf-recipe", timeout: float = 60_000):
    """Wait until a recipe panel has rendered a result (a revision and chain rows)."""
    page.wait_for_selector(f"{selector}[data-revision] [data-role=chain] tbody tr", timeout=timeout)
    return page.locator(selector).first


# JS: what the bqplot figures draw, path by path in document order: its shape (`d`) and where
# it is placed (a scatter dot keeps its shape and moves by its group's `transform`).
DRAWN_JS = (
    "(p => (p.getAttribute('d') || '') + '@' + (p.getAttribute('transform') || '')"
    " + '@' + ((p.parentNode && p.parentNode.getAttribute && p.parentNode.getAttribute('transform')) || ''))"
)
ALL_PATHS_JS = f"Array.from(document.querySelectorAll('.bqplot path')).map({DRAWN_JS})"


# ── what the kernel prints: read from the websocket, since Voilà shows none of it ────────────

# iopub messages that carry output. In Voilà an exception or a print in a widget callback
# arrives as one of these and is shown nowhere on the page, so a DOM check alone cannot see it.
OUTPUT_MSG_TYPES = frozenset({"stream", "error", "display_data", "execute_result", "update_display_data"})


def decode_kernel_frame(payload) -> dict | None:
    """One kernel websocket frame as {channel, msg_type, content}: the binary
    v1.kernel.websocket.jupyter.org framing (a count, offsets, then channel, header,
    parent header, metadata, content, buffers) or the legacy JSON text framing."""
    try:
        if isinstance(payload, str):
            msg = json.loads(payload)
            return {
                "channel": msg.get("channel"),
                "msg_type": msg.get("header", {}).get("msg_type"),
                "content": msg.get("content"),
            }
        data = bytes(payload)
        (count,) = struct.unpack_from("<Q", data, 0)
        offsets = struct.unpack_from(f"<{count}Q", data, 8)
        parts = [data[offsets[i] : offsets[i + 1]] for i in range(count - 1)]
        header = json.loads(parts[1])
        content = json.loads(parts[4]) if len(parts) > 4 and parts[4] else None
        return {"channel": parts[0].decode(), "msg_type": header.get("msg_type"), "content": content}
    except (ValueError, IndexError, KeyError, struct.error, UnicodeDecodeError):
        return None


class KernelOutputs:
    """Records every output message (stream, error, display_data...) the kernels send the
    page on iopub. Attach before ``page.goto``; ``mark()`` then ``since(mark)``."""

    def __init__(self, page) -> None:
        self.messages: list[dict] = []
        self.frames = 0
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws) -> None:
        if "/api/kernels/" in ws.url:
            ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload) -> None:
        self.frames += 1
        msg = decode_kernel_frame(payload)
        if msg and msg["channel"] == "iopub" and msg["msg_type"] in OUTPUT_MSG_TYPES:
            self.messages.append(msg)

    def mark(self) -> int:
        return len(self.messages)

    def since(self, mark: int = 0) -> list[str]:
        """Readable summaries of the output messages recorded after ``mark``."""
        out = []
        for msg in self.messages[mark:]:
            c = msg["content"] or {}
            if msg["msg_type"] == "stream":
                out.append(f"stream {c.get('name')}: {c.get('text', '')[:300]}")
            elif msg["msg_type"] == "error":
                out.append(f"error {c.get('ename')}: {c.get('evalue', '')[:300]}")
            else:
                out.append(f"{msg['msg_type']}: {sorted((c.get('data') or {}).keys())}")
        return out


# A JS expression: the text of every printed output on the page (stdout, stderr, a traceback,
# a repr): rendered text, as opposed to the widget views a dashboard's outputs hold.
PRINTED_OUTPUT_JS = """() => Array.from(document.querySelectorAll('.jp-RenderedText,'
    + ' .jp-OutputArea-output[data-mime-type*="stderr"], .jp-OutputArea-output[data-mime-type*="stdout"]'))
  .map(o => `${o.getAttribute('data-mime-type')}: ${(o.textContent || '').slice(0, 300)}`)"""
