"""A loopback TCP server that records every byte clients send and answers each HTTP request
with one canned response, for tests that must show what was (or was not) put on the wire.

    with Recorder(status=200, body=b"{}") as r:
        ... point a client at r.endpoint ...
        assert r.connections == 0          # nothing was even attempted
        r.requests                         # [(request line, {lower-cased header: value}, body)]
        r.raw                              # every byte received, all connections

The answer: `status`, `headers` (dict) and `body`; `trickle_s` > 0 sends the body one byte
at a time with that pause; `hold_s` > 0 waits before answering at all.
"""
import socket
import threading
import time


class Recorder:
    def __init__(self, status=200, headers=None, body=b"{}", trickle_s=0.0, hold_s=0.0):
        self.status = status
        self.headers = dict(headers or {})
        self.body = body
        self.trickle_s = trickle_s
        self.hold_s = hold_s
        self.connections = 0
        self.raw = bytearray()
        self.requests = []
        self.lock = threading.Lock()
        self.sockets = []
        self.stopping = False

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stopping = True
        with self.lock:
            for s in [self.listener, *self.sockets]:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self.sockets.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _recv(self, conn, buf):
        data = conn.recv(65536)
        if data:
            with self.lock:
                self.raw += data
        return buf + data, bool(data)

    def _serve(self, conn):
        conn.settimeout(30)
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    buf, more = self._recv(conn, buf)
                    if not more:
                        return
                head, buf = buf.split(b"\r\n\r\n", 1)
                lines = head.split(b"\r\n")
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
                length = int(headers.get("content-length", "0"))
                while len(buf) < length:
                    buf, more = self._recv(conn, buf)
                    if not more:
                        return
                body, buf = buf[:length], buf[length:]
                with self.lock:
                    self.requests.append((lines[0].decode("latin-1"), headers, body))
                self._answer(conn)
        except OSError:
            return

    def _answer(self, conn):
        if self.hold_s:
            time.sleep(self.hold_s)
        head = [f"HTTP/1.1 {self.status} X", f"Content-Length: {len(self.body)}",
                "x-amzn-RequestId: recorder-1"]
        head += [f"{k}: {v}" for k, v in self.headers.items()]
        conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        if not self.trickle_s:
            conn.sendall(self.body)
            return
        for i in range(len(self.body)):
            if self.stopping:
                return
            conn.sendall(self.body[i:i + 1])
            time.sleep(self.trickle_s)
