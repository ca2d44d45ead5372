"""A fake Slack Web API: a real HTTP server on 127.0.0.1 that records every call.

Point a ``WebClient`` (or the bot, through ``SLACK_API_URL``) at :attr:`FakeSlack.api_url`
and it answers the methods personabot uses the way Slack does (``{"ok": true, ...}`` with
HTTP 200; errors as ``{"ok": false, "error": "..."}``)::

    auth.test  chat.postMessage  chat.update  chat.postEphemeral  views.open  views.publish
    users.info  usergroups.users.list  conversations.history  conversations.replies
    files.getUploadURLExternal
    files.completeUploadExternal  (+ POST /upload/<file_id>, the upload URL it hands out)
    apps.connections.open  (Socket Mode: a ws:// URL on this host; see socket_send())
    (+ POST /respond/<n>, a response_url for slash-command payloads: see response_url())

Usage::

    with FakeSlack(token="xoxb-test") as slack:
        slack.users["U1"] = {"locale": "ko-KR", "name": "kim"}  # others: default_locale
        slack.usergroups["S1"] = ["U2", "U3"]
        slack.script("chat.postMessage", FakeReply.rate_limited(retry_after=0))  # then normal
        slack.script("chat.update", FakeReply.error("channel_not_found"))
        slack.script_after("chat.postMessage", FakeReply.dropped())  # posted, then no answer
        hold = slack.hold("chat.update")   # the next chat.update waits before it applies
        hold.arrived.wait(5); ...; hold.release()
        ...
        calls = slack.wait_for("chat.postMessage", count=1)     # blocks until seen
        calls[0].args["blocks"]                                 # JSON-decoded arguments

Arguments are decoded whatever the encoding (JSON body, form body, query string); the
JSON-in-a-string arguments ``blocks``, ``view``, ``attachments`` and ``files`` are decoded
too. Scripted replies are consumed in order, one per call of that method; when none are
left the method answers normally. ``script_after`` replies are used *after* the method did
its work (Slack posted, then answered 500 or dropped the connection: ``FakeReply.dropped()``
closes it without an answer). A method the fake does not know answers
``unknown_method``; a wrong bearer token answers ``invalid_auth`` (when ``token`` is set).
Socket Mode: ``apps.connections.open`` (with ``app_token``) answers a ``ws://`` URL served
by a minimal WebSocket endpoint; it greets with ``hello``, answers pings, and
:meth:`FakeSlack.socket_send` pushes an envelope (``{"envelope_id", "type", "payload"}``) to
every connected client; their acks land in :attr:`socket_acks` (see :meth:`wait_for_ack`).

Messages are kept in :attr:`messages` keyed by ``(channel, ts)`` (with ``thread_ts`` and
``metadata`` when posted with them), follow ``chat.update``, and are what
``conversations.history`` (top-level, newest first, ``oldest``/``latest``) and
``conversations.replies`` (a thread, parent first) return; ``ts`` values increase strictly.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

JSON_ARGS = ("blocks", "view", "attachments", "files")
MAX_BLOCKS = 50


@dataclass(frozen=True)
class FakeReply:
    """A scripted answer: HTTP status, extra headers and the JSON body."""

    status: int = 200
    body: dict[str, Any] = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, error: str) -> FakeReply:
        return cls(200, {"ok": False, "error": error})

    @classmethod
    def rate_limited(cls, retry_after: int = 0) -> FakeReply:
        return cls(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})

    @classmethod
    def server_error(cls, status: int = 503) -> FakeReply:
        return cls(status, {"ok": False, "error": "service_unavailable"})

    @classmethod
    def html_error(cls, status: int = 502) -> FakeReply:
        """A proxy's HTML error page instead of Slack's JSON."""
        return cls(status, {"_html": "<html><head><title>502 Bad Gateway</title></head><body>"
                                     "<h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>"})

    @classmethod
    def dropped(cls) -> FakeReply:
        """Close the connection without answering (status 0 in :attr:`FakeSlack.calls`)."""
        return cls(0, {})


@dataclass
class Hold:
    """One held call: it has reached the fake (``arrived``) and takes effect only after
    :meth:`release` — how a test makes a request land late, out of order."""

    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    status: int
    at: float


class FakeSlack:
    """The server. Thread-safe; start with ``with FakeSlack() as slack`` or ``start()``."""

    def __init__(self, *, token: str | None = None, team_id: str = "T0FAKE",
                 bot_user_id: str = "UBOT", default_locale: str | None = "en-US",
                 app_token: str | None = None) -> None:
        self.token = token
        self.app_token = app_token
        self.default_locale = default_locale
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.calls: list[Call] = []
        self._scripts: dict[str, list[FakeReply]] = {}
        self._after: dict[str, list[FakeReply]] = {}
        self._file_names: dict[str, str] = {}
        self._holds: dict[str, list[Hold]] = {}
        self._lock = threading.Condition()
        self._ids = itertools.count(1)
        self._last_ts = 0.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.socket_acks: list[dict[str, Any]] = []
        self._ws_listener: socket.socket | None = None
        self._ws_clients: list[socket.socket] = []

    # --- lifecycle ------------------------------------------------------------------
    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                fake._handle(self)

            def do_POST(self) -> None:  # noqa: N802
                fake._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.request_queue_size = 1024
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._ws_listener is not None:
            self._ws_listener.close()
            for client in list(self._ws_clients):
                client.close()
            self._ws_listener = None
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The value for ``SLACK_API_URL`` / ``WebClient(base_url=...)``."""
        return self.root + "/api/"

    def response_url(self) -> str:
        """A fresh ``response_url`` for a payload; posts to it are recorded as ``response_url``."""
        return f"{self.root}/respond/{next(self._ids)}"

    # --- scripting and inspection ---------------------------------------------------
    def script(self, method: str, *replies: FakeReply) -> None:
        with self._lock:
            self._scripts.setdefault(method, []).extend(replies)

    def script_after(self, method: str, *replies: FakeReply) -> None:
        """Like :meth:`script`, but the method runs first (its effect happens) and then this
        reply is sent instead of the real answer."""
        with self._lock:
            self._after.setdefault(method, []).extend(replies)
    def hold(self, method: str) -> Hold:
        """Hold the next call of ``method`` (after those already held) until released."""
        hold = Hold()
        with self._lock:
            self._holds.setdefault(method, []).append(hold)
        return hold

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0,
                 where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Block until ``count`` successful (HTTP 200) calls of ``method`` match ``where``."""
        deadline = time.monotonic() + timeout

        def matching() -> list[Call]:
            return [c for c in self.calls if c.method == method and c.status == 200
                    and (where is None or where(c))]

        with self._lock:
            while len(found := matching()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, got {len(found)}; seen {seen}")
                self._lock.wait(left)
            return found

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._scripts.clear()
            self._after.clear()
            for holds in self._holds.values():
                for hold in holds:
                    hold.release()
            self._holds.clear()
            self.messages.clear()

    # --- HTTP -----------------------------------------------------------------------
    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        url = urlsplit(http.path)
        length = int(http.headers.get("Content-Length") or 0)
        raw = http.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in http.headers.items()}
        if url.path.startswith("/upload/"):
            file_id = url.path.rsplit("/", 1)[1]
            with self._lock:
                self.uploads[file_id] = raw
            self._record("upload", {"file_id": file_id, "length": len(raw)}, headers, 200)
            return self._send(http, 200, b"OK - %d" % len(raw), {}, "text/plain")
        if url.path.startswith("/respond/"):
            args = json.loads(raw or b"{}")
            self._record("response_url", args, headers, 200)
            return self._send(http, 200, b"ok", {}, "text/plain")
        method = url.path.removeprefix("/api/")
        args = self._args(url.query, raw, headers.get("content-type", ""))
        with self._lock:
            held = self._holds.get(method)
            hold = held.pop(0) if held else None
        if hold is not None:
            hold.arrived.set()
            hold.released.wait(60)
        with self._lock:
            queue = self._scripts.get(method)
            scripted = queue.pop(0) if queue else None
            after_queue = self._after.get(method) if scripted is None else None
            after = after_queue.pop(0) if after_queue else None
        if scripted is not None:
            reply = scripted
        elif method == "apps.connections.open":
            reply = self._connections_open(headers)
        elif self.token and headers.get("authorization") != f"Bearer {self.token}" \
                and args.get("token") != self.token:
            reply = FakeReply.error("invalid_auth")
        else:
            reply = self._answer(method, args)
        if after is not None:
            reply = after
        self._record(method, args, headers, reply.status)
        if reply.status == 0:  # dropped: no answer at all
            http.close_connection = True
            return None
        if "_html" in reply.body:
            return self._send(http, reply.status, reply.body["_html"].encode(), reply.headers,
                              "text/html")
        body = json.dumps(reply.body).encode()
        self._send(http, reply.status, body, reply.headers, "application/json")

    @staticmethod
    def _send(http: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str],
              content_type: str) -> None:
        http.send_response(status)
        http.send_header("Content-Type", content_type)
        http.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            http.send_header(k, v)
        http.end_headers()
        http.wfile.write(body)

    @staticmethod
    def _args(query: str, raw: bytes, content_type: str) -> dict[str, Any]:
        args: dict[str, Any] = dict(parse_qsl(query))
        if raw and "json" in content_type:
            args.update(json.loads(raw))
        elif raw:
            args.update(parse_qsl(raw.decode()))
        for key in JSON_ARGS:
            if isinstance(args.get(key), str):
                try:
                    args[key] = json.loads(args[key])
                except json.JSONDecodeError:
                    pass
        return args

    def _record(self, method: str, args: dict[str, Any], headers: dict[str, str],
                status: int) -> None:
        with self._lock:
            self.calls.append(Call(method, args, headers, status, time.time()))
            self._lock.notify_all()

    # --- the methods ----------------------------------------------------------------
    def _answer(self, method: str, args: dict[str, Any]) -> FakeReply:
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return FakeReply.error("unknown_method")
        return handler(args)

    def _ok(self, **body: Any) -> FakeReply:
        return FakeReply(200, {"ok": True, **body})

    def _ts(self) -> str:
        with self._lock:
            stamp = max(time.time(), self._last_ts + 0.000001)
            self._last_ts = stamp
        return f"{stamp:.6f}"

    def _m_auth_test(self, args: dict[str, Any]) -> FakeReply:
        return self._ok(url="https://fake.slack.test/", team="Fake", user="personabot",
                        team_id=self.team_id, user_id=self.bot_user_id, bot_id="BFAKE")

    def _blocks_ok(self, args: dict[str, Any]) -> FakeReply | None:
        blocks = args.get("blocks")
        if blocks is not None and (not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS):
            return FakeReply.error("invalid_blocks")
        if not args.get("channel"):
            return FakeReply.error("channel_not_found")
        return None

    def _m_chat_postMessage(self, args: dict[str, Any]) -> FakeReply:  # noqa: N802
        if (bad := self._blocks_ok(args)) is not None:
            return bad
        ts = self._ts()
        message = {"type": "message", "user": self.bot_user_id, "ts": ts,
                   "text": args.get("text"), "blocks": args.get("blocks")}
        for key in ("thread_ts", "metadata"):
            if args.get(key):
                value = args[key]
                message[key] = json.loads(value) if key == "metadata" and isinstance(value, str) else value
        with self._lock:
            self.messages[(args["channel"], ts)] = message
        return self._ok(channel=args["channel"], ts=ts, message=message)

    def _m_chat_update(self, args: dict[str, Any]) -> FakeReply:
        if (bad := self._blocks_ok(args)) is not None:
            return bad
        key = (args["channel"], args.get("ts", ""))
        with self._lock:
            if key not in self.messages:
                return FakeReply.error("message_not_found")
            self.messages[key] = {**self.messages[key], "text": args.get("text"),
                                  "blocks": args.get("blocks")}
        return self._ok(channel=key[0], ts=key[1], text=args.get("text"))

    def _m_conversations_history(self, args: dict[str, Any]) -> FakeReply:
        channel = args.get("channel", "")
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or "inf")
        with self._lock:
            found = [dict(m) for (ch, ts), m in self.messages.items()
                     if ch == channel and oldest <= float(ts) <= latest
                     and m.get("thread_ts", ts) == ts]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        return self._ok(messages=found[: int(args.get("limit") or 100)], has_more=False,
                        response_metadata={"next_cursor": ""})

    def _m_conversations_replies(self, args: dict[str, Any]) -> FakeReply:
        channel, parent = args.get("channel", ""), args.get("ts", "")
        with self._lock:
            if (channel, parent) not in self.messages:
                return FakeReply.error("thread_not_found")
            found = [dict(m) for (ch, ts), m in self.messages.items()
                     if ch == channel and (ts == parent or m.get("thread_ts") == parent)]
        found.sort(key=lambda m: float(m["ts"]))
        return self._ok(messages=found, has_more=False, response_metadata={"next_cursor": ""})

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> FakeReply:  # noqa: N802
        if not args.get("channel"):
            return FakeReply.error("channel_not_found")
        if not args.get("user"):
            return FakeReply.error("user_not_in_channel")
        return self._ok(message_ts=self._ts())

    def _m_views_open(self, args: dict[str, Any]) -> FakeReply:
        if not args.get("trigger_id"):
            return FakeReply.error("invalid_trigger_id")
        view = dict(args.get("view") or {})
        view.update(id=f"V{next(self._ids):08d}", hash=f"h{next(self._ids)}")
        return self._ok(view=view)

    def _m_views_publish(self, args: dict[str, Any]) -> FakeReply:
        view = dict(args.get("view") or {})
        view.update(id=f"V{next(self._ids):08d}")
        return self._ok(view=view)

    def _m_users_info(self, args: dict[str, Any]) -> FakeReply:
        user_id = args.get("user", "")
        profile = self.users.get(user_id)
        if profile is None and self.default_locale and user_id.startswith("U"):
            profile = {"name": user_id.lower(), "locale": self.default_locale}
        if profile is None:
            return FakeReply.error("user_not_found")
        return self._ok(user={"id": user_id, "team_id": self.team_id, **profile})

    def _m_usergroups_users_list(self, args: dict[str, Any]) -> FakeReply:
        members = self.usergroups.get(args.get("usergroup", ""))
        if members is None:
            return FakeReply.error("no_such_subteam")
        return self._ok(users=list(members))

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> FakeReply:  # noqa: N802
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self._file_names[file_id] = str(args.get("filename") or "")
        return self._ok(upload_url=f"{self.root}/upload/{file_id}", file_id=file_id)

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> FakeReply:  # noqa: N802
        files = args.get("files") or []
        with self._lock:
            missing = [f.get("id") for f in files if f.get("id") not in self.uploads]
        if missing:
            return FakeReply.error("file_not_found")
        if args.get("channel_id"):  # Slack shares the files as one message (in the thread)
            ts = self._ts()
            shared = [{"id": f["id"], "title": f.get("title"),
                       "name": self._file_names.get(f["id"], "")} for f in files]
            message = {"type": "message", "user": self.bot_user_id, "ts": ts, "text": "",
                       "files": shared}
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            with self._lock:
                self.messages[(args["channel_id"], ts)] = message
        return self._ok(files=[{"id": f["id"], "title": f.get("title"),
                                "channels": [args["channel_id"]] if args.get("channel_id") else []}
                               for f in files])

    # --- Socket Mode ----------------------------------------------------------------
    def _connections_open(self, headers: dict[str, str]) -> FakeReply:
        if not self.app_token or headers.get("authorization") != f"Bearer {self.app_token}":
            return FakeReply.error("invalid_auth")
        with self._lock:
            if self._ws_listener is None:
                self._ws_listener = socket.create_server(("127.0.0.1", 0))
                threading.Thread(target=self._ws_accept, args=(self._ws_listener,),
                                 daemon=True).start()
            port = self._ws_listener.getsockname()[1]
        return self._ok(url=f"ws://127.0.0.1:{port}/link/?ticket=fake")

    def socket_send(self, envelope: dict[str, Any], timeout: float = 10.0) -> None:
        """Push an envelope to the connected Socket Mode client(s)."""
        deadline = time.monotonic() + timeout
        while not self._ws_clients:
            if time.monotonic() > deadline:
                raise AssertionError("no Socket Mode client connected")
            time.sleep(0.01)
        for client in list(self._ws_clients):
            client.sendall(_ws_frame(json.dumps(envelope).encode()))

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for ack in self.socket_acks:
                    if ack.get("envelope_id") == envelope_id:
                        return ack
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no ack for envelope {envelope_id}")
                self._lock.wait(left)

    def _ws_accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self._ws_serve, args=(client,), daemon=True).start()

    def _ws_serve(self, client: socket.socket) -> None:
        stream = client.makefile("rb")
        request = b""
        while not request.endswith(b"\r\n\r\n"):
            chunk = stream.readline()
            if not chunk:
                return
            request += chunk
        key = next(line.split(b":", 1)[1].strip() for line in request.split(b"\r\n")
                   if line.lower().startswith(b"sec-websocket-key:"))
        accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                                  .digest()).decode()
        client.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n").encode())
        client.sendall(_ws_frame(json.dumps({"type": "hello", "num_connections": 1}).encode()))
        self._ws_clients.append(client)
        try:
            while True:
                opcode, payload = _ws_read(stream)
                if opcode == 0x8:
                    return
                if opcode == 0x9:
                    client.sendall(_ws_frame(payload, opcode=0xA))
                elif opcode == 0x1:
                    with self._lock:
                        self.socket_acks.append(json.loads(payload))
                        self._lock.notify_all()
        except (OSError, ValueError):
            return
        finally:
            if client in self._ws_clients:
                self._ws_clients.remove(client)


def _ws_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """A server-to-client WebSocket frame (unmasked, final)."""
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        return head + bytes([len(payload)]) + payload
    if len(payload) < 65536:
        return head + bytes([126]) + struct.pack("!H", len(payload)) + payload
    return head + bytes([127]) + struct.pack("!Q", len(payload)) + payload


def _ws_read(stream: Any) -> tuple[int, bytes]:
    """One client-to-server frame (masked); raises ValueError when the stream ends."""
    head = stream.read(2)
    if len(head) < 2:
        raise ValueError("closed")
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", stream.read(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", stream.read(8))
    mask = stream.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    data = stream.read(length)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))
