"""A real webhook receiver on 127.0.0.1 (http.server in a thread) that verifies every
message with the Standard Webhooks reference library and answers as it is told."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


class Receiver:
    """``plan(message_id, attempt) -> (status, headers)`` decides each answer (200 by
    default); ``received`` lists every request as (id, attempt, verified, payload)."""

    def __init__(self, secret: str = ""):
        self.secrets = [secret] if secret else []
        self.received: list[dict] = []
        self.plan = lambda message_id, attempt: (200, {})
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = []
                for secret in receiver.secrets:
                    try:
                        Webhook(secret).verify(body, headers)
                        verified.append(secret)
                    except Exception:
                        pass
                message_id = headers.get("webhook-id", "")
                with receiver._lock:
                    attempt = 1 + sum(1 for r in receiver.received if r["id"] == message_id)
                    receiver.received.append(
                        {
                            "id": message_id,
                            "attempt": attempt,
                            "verified": verified,
                            "signature": headers.get("webhook-signature", ""),
                            "payload": json.loads(body),
                        }
                    )
                status, extra = receiver.plan(message_id, attempt)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if status < 300 else b"try later")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks?source=tandem"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, condition, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if condition(list(self.received)):
                    return True
            time.sleep(0.1)
        return False
