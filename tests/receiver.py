"""A real HTTP server on loopback that records what it receives."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Answers each POST with the next of `statuses` (then 200) and keeps it;
    the answer's body is `answer`; `on_arrival`, if set, is called before it
    answers (what a CDN would do at that moment)."""

    # What a test sets NEWSROOM_WEBHOOK_ALLOWED_HOSTS to for webhooks to reach it.
    host = "127.0.0.1"

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        self.answer = b"ok"
        self.arrived = threading.Event()
        self.on_arrival = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                if len(body) < length:
                    # The sender stopped mid-request (a killed process): nothing
                    # arrived, as any web server would see it.
                    self.close_connection = True
                    return
                receiver.requests.append(
                    {
                        "headers": dict(self.headers.items()),
                        "body": body.decode(),
                        "path": self.path,
                    }
                )
                if receiver.on_arrival is not None:
                    receiver.on_arrival()
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("content-length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)
                receiver.arrived.set()

            def log_message(self, *args):
                pass

        # Port 0: the kernel picks a free port, so parallel runs never collide.
        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.url = f"http://{self.host}:{self.server.server_port}/hooks/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]
