"""A local fake LLM server speaking the OpenAI, Gemini and Ollama wire formats.

One server on 127.0.0.1 (port 0) answers OpenAI chat completions (``/v1/chat/completions``),
Gemini ``generateContent`` (``/v1beta/models/<model>:generateContent``) and Ollama
``/api/chat``. Tests script what the next calls get — success, 429 with ``Retry-After``,
a 5xx, a slow answer (to trigger timeouts), malformed JSON, empty output or a refusal — and
inspect the recorded requests. :meth:`FakeLLMServer.hold` keeps every answer back until
:meth:`FakeLLMServer.release` (a model that is slow for as long as a test needs, with
:meth:`FakeLLMServer.wait_for_requests` to know how many calls are in flight). The real SDKs talk to it over loopback; nothing is mocked.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KINDS = ("ok", "rate_limit", "server_error", "slow", "malformed", "empty", "refusal")


@dataclass
class Reply:
    """What one call gets. ``content`` is the JSON object (or raw text) the model 'writes'."""

    kind: str = "ok"
    content: Any = None
    delay_s: float = 0.0
    retry_after: float | None = None
    status: int = 500

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown reply kind {self.kind!r}")


@dataclass
class Recorded:
    api: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeLLMServer:
    """Start with ``with FakeLLMServer(default=Reply(content={...})) as server:``."""

    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply(content={"ok": True})
        self._script: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self._lock = threading.Condition()
        self._stopping = threading.Event()
        self._open = threading.Event()
        self._open.set()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    # lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> "FakeLLMServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    # scripting -------------------------------------------------------------------------
    def script(self, *replies: Reply) -> None:
        """The next calls get these replies in order; after that, ``default``."""
        with self._lock:
            self._script.extend(replies)

    def hold(self) -> None:
        """From now on every call waits (after being recorded) until :meth:`release`."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> None:
        """Block until at least ``count`` requests have arrived in all."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} LLM requests, got {len(self.requests)}")
                self._lock.wait(left)

    def _next(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def _record(self, item: Recorded) -> None:
        with self._lock:
            self.requests.append(item)
            self._lock.notify_all()

    # wire formats ----------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                if self.path.startswith("/v1/chat/completions"):
                    api = "openai"
                elif ":generateContent" in self.path:
                    api = "gemini"
                elif self.path.startswith("/api/chat"):
                    api = "ollama"
                else:
                    self._send(404, {"error": f"no route {self.path}"})
                    return
                server._record(Recorded(api, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                while not server._open.wait(0.05):
                    if server._stopping.is_set():
                        return
                reply = server._next()
                if reply.delay_s and server._stopping.wait(reply.delay_s):
                    return
                status, payload, headers = server._render(api, reply, body)
                self._send(status, payload, headers)

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout) before the slow answer came

        return Handler

    def _render(self, api: str, reply: Reply, body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        if reply.kind == "rate_limit":
            headers = {} if reply.retry_after is None else {"Retry-After": f"{reply.retry_after:g}"}
            return 429, _error(api, 429, "rate limited"), headers
        if reply.kind == "server_error":
            return reply.status, _error(api, reply.status, "upstream failure"), {}
        if reply.kind == "malformed":
            text = reply.content if isinstance(reply.content, str) else '{"friendly": "unterminated'
        elif reply.kind == "empty":
            text = ""
        elif reply.kind == "refusal":
            return 200, _refusal(api, body), {}
        else:
            content = reply.content
            text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        return 200, _success(api, body, text), {}


def _error(api: str, status: int, message: str) -> dict[str, Any]:
    if api == "openai":
        return {"error": {"message": message, "type": "error", "code": str(status)}}
    if api == "gemini":
        names = {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
        return {"error": {"code": status, "message": message, "status": names.get(status, "UNKNOWN")}}
    return {"error": message}


def _success(api: str, body: dict[str, Any], text: str) -> dict[str, Any]:
    model = body.get("model", "fake-model")
    if api == "openai":
        return {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": text, "refusal": None}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
    if api == "gemini":
        return {
            "candidates": [{"index": 0, "finishReason": "STOP",
                            "content": {"role": "model", "parts": [{"text": text}] if text else []}}],
            "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
            "modelVersion": "fake",
        }
    return {
        "model": model, "created_at": "2026-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": text}, "done": True, "done_reason": "stop",
    }


def _refusal(api: str, body: dict[str, Any]) -> dict[str, Any]:
    if api == "openai":
        return {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 0,
            "model": body.get("model", "fake-model"),
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": None,
                                     "refusal": "I can't help with that."}}],
        }
    if api == "gemini":
        return {"candidates": [{"index": 0, "finishReason": "SAFETY", "content": {"role": "model", "parts": []}}],
                "promptFeedback": {"blockReason": "SAFETY"}}
    return _success(api, body, "")
