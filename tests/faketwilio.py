"""A fake Twilio REST API on a real local port: Messages and Calls, created and listed.

The project reaches it through ``[twilio] api_url`` (``fake.api_url``) and is not patched:
texts and calls go through its own HTTP client to this server, which checks the account's
Basic auth, records each request, answers like Twilio (201 with a SID; JSON errors with a
Twilio error code), and lists what it accepted, filtered by ``To``, with each item's
``status_callback`` (how the worker finds a text or call that may already have gone out).

    fake = FakeTwilio(account_sid="AC123", auth_token="secret").start()
    fake.fail("Messages", times=2, status=429, retry_after=1)   # rate limited twice
    fake.hang("Messages", 30, accept=True)   # take the next text, answer 30 s later
    fake.invalid.add("+15555550100")   # texts and calls to it: 400, error 21211
    text = fake.wait_for("Messages", lambda m: m["To"] == "+15555550100")
    fake.sign(url, params)   # X-Twilio-Signature for a webhook we send to the bot

Run alone (a manual try or a bench): ``python tests/faketwilio.py --port 8766``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlparse

RESOURCES = ("Messages", "Calls")


class FakeTwilio:
    def __init__(self, *, account_sid: str = "AC0000000000", auth_token: str = "twilio-test",
                 host: str = "127.0.0.1", port: int = 0):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.created: dict[str, list[dict[str, Any]]] = {r: [] for r in RESOURCES}
        self.requests: list[tuple[str, str]] = []  # (HTTP method, resource) of every request
        self._fails: dict[str, list[list[Any]]] = {}
        self._hangs: dict[str, list[list[Any]]] = {}
        self._ids = itertools.count(1)
        self.invalid: set[str] = set()  # numbers Twilio refuses for good (error 21211)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                fake._serve(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                fake._serve(self, "POST")

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self._thread: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTwilio:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what tests arrange ------------------------------------------------------------

    def fail(self, resource: str, *, times: int = 1, status: int = 500,
             retry_after: float | None = None, code: int = 20500) -> None:
        """Answer the next ``times`` creations of ``resource`` with an error (nothing sent)."""
        with self._lock:
            self._fails.setdefault(resource, []).append([times, status, retry_after, code])

    def hang(self, resource: str, seconds: float, *, times: int = 1,
             accept: bool = True) -> None:
        """Hold the next ``times`` creations ``seconds``; with ``accept`` Twilio has taken
        the text or call first (the caller has not heard back)."""
        with self._lock:
            self._hangs.setdefault(resource, []).append([times, seconds, accept])

    def clear(self) -> None:
        with self._lock:
            self._fails.clear()
            self._hangs.clear()

    def sign(self, url: str, params: dict[str, str]) -> str:
        """X-Twilio-Signature as Twilio computes it for a webhook to ``url``."""
        data = url + "".join(k + params[k] for k in sorted(params))
        digest = hmac.new(self.auth_token.encode(), data.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    # --- what tests read ---------------------------------------------------------------

    def texts(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.created["Messages"])

    def calls(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.created["Calls"])

    def keys(self, resource: str) -> Counter[str]:
        """Our idempotency keys (from each status callback) with how often each was taken."""
        with self._lock:
            found: Counter[str] = Counter()
            for item in self.created[resource]:
                query = parse_qs(urlparse(item.get("StatusCallback") or "").query)
                found[(query.get("key") or [""])[0]] += 1
            return found

    def wait_for(self, resource: str, predicate: Callable[[dict[str, Any]], bool] | None = None,
                 timeout: float = 10.0, count: int = 1) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                hits = [i for i in self.created[resource] if predicate is None or predicate(i)]
                if len(hits) >= count:
                    return hits
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {resource} matched within {timeout}s: "
                                         f"{self.created[resource]}")
                self._changed.wait(left)

    # --- serving -----------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parsed = urlparse(handler.path)
        parts = parsed.path.strip("/").split("/")
        # /2010-04-01/Accounts/{sid}/{Resource}.json
        if (len(parts) != 4 or parts[0] != "2010-04-01" or parts[1] != "Accounts"
                or not parts[3].endswith(".json")):
            return self._reply(handler, 404, {"code": 20404, "message": "not found"})
        resource = parts[3][:-5]
        expected = "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if parts[2] != self.account_sid or handler.headers.get("Authorization") != expected:
            return self._reply(handler, 401, {"code": 20003, "message": "Authenticate"})
        if resource not in RESOURCES:
            return self._reply(handler, 404, {"code": 20404, "message": "not found"})
        with self._lock:
            self.requests.append((method, resource))
        if method == "GET":
            query = dict(parse_qsl(parsed.query))
            with self._lock:
                items = [self._public(resource, i) for i in self.created[resource]
                         if not query.get("To") or i["To"] == query["To"]]
            return self._reply(handler, 200, {resource.lower(): items[::-1],
                                              "next_page_uri": None})
        length = int(handler.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(handler.rfile.read(length).decode(), keep_blank_values=True))
        with self._lock:
            fails = self._fails.get(resource) or []
            failing = fails[0] if fails else None
            if failing is not None:
                failing[0] -= 1
                if failing[0] <= 0:
                    fails.pop(0)
            hangs = self._hangs.get(resource) or []
            hang = hangs[0] if hangs else None
            if hang is not None:
                hang[0] -= 1
                if hang[0] <= 0:
                    hangs.pop(0)
        if failing is not None:
            _, status, retry_after, code = failing
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return self._reply(handler, status, {"code": code, "message": "failing on purpose"},
                               headers)
        if form.get("To") in self.invalid:
            return self._reply(handler, 400, {"code": 21211, "message": "The 'To' number "
                                              f"{form['To']} is not a valid phone number."})
        missing = [f for f in ("To", "From") if not form.get(f)]
        if missing or (resource == "Messages" and not form.get("Body")) or (
                resource == "Calls" and not (form.get("Twiml") or form.get("Url"))):
            return self._reply(handler, 400, {"code": 21604, "message": f"missing {missing}"})
        if resource == "Messages" and len(form["Body"]) > 1600:
            return self._reply(handler, 400, {"code": 21617, "message": "body too long"})
        if hang is not None and not hang[2]:
            time.sleep(hang[1])
        prefix = "SM" if resource == "Messages" else "CA"
        item = {**form, "sid": prefix + uuid.uuid4().hex, "at": time.time(),
                "n": next(self._ids)}
        with self._changed:
            self.created[resource].append(item)
            self._changed.notify_all()
        if hang is not None and hang[2]:
            time.sleep(hang[1])
        self._reply(handler, 201, self._public(resource, item))

    @staticmethod
    def _public(resource: str, item: dict[str, Any]) -> dict[str, Any]:
        """The resource as Twilio's API shows it (snake_case fields)."""
        common = {"sid": item["sid"], "to": item["To"], "from": item["From"],
                  "status": "queued", "status_callback": item.get("StatusCallback"),
                  "date_created": formatdate(item["at"], usegmt=True)}
        if resource == "Messages":
            return {**common, "body": item["Body"], "date_sent": common["date_created"]}
        return {**common, "start_time": common["date_created"]}

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any],
               headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:  # the caller was killed or timed out while we held the answer
            pass


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    with FakeTwilio(port=args.port) as fake:
        print(f"fake Twilio at {fake.api_url}", flush=True)
        threading.Event().wait()
