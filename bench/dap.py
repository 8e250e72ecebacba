"""A tiny DAP client for the bench: Content-Length frames over a child's stdin/stdout.

A reader thread takes every frame off the adapter's stdout as it arrives, stamps it with
time.perf_counter(), and files it: responses by request_seq, events in arrival order.
`thread` events are counted without a JSON parse (there can be 20,000 of them in a storm,
and a slow client would slow the adapter down), everything else is parsed.
"""
import json
import os
import threading
import time


class DapError(Exception):
    pass


class DapClient:
    def __init__(self, proc, coalesce=0.0):
        """coalesce: seconds to sleep after each read, so that a flood of small frames (the adapter
        writes a frame's header and body separately) is read in a few large reads: 20,000 events
        read one write at a time cost this client a second of CPU on a 2-core machine, taken from
        the adapter it measures. Events are stamped when read, so it adds up to that much latency."""
        self.proc = proc
        self.coalesce = coalesce
        self.seq = 0
        self.cond = threading.Condition()
        self.responses = {}  # request_seq -> (time, message)
        self.events = []  # (time, name, body) for every non-thread event
        self.threads_started = 0
        self.threads_exited = 0
        self.first_thread_event = None
        self.last_thread_event = None
        self.closed = False
        self.bytes_in = 0
        self.reader = threading.Thread(target=self._read, name="dap-reader", daemon=True)
        self.reader.start()

    # ------------------------------------------------------------------ writing

    def send(self, command, arguments=None):
        """Sends a request; returns its seq."""
        self.seq += 1
        msg = {"seq": self.seq, "type": "request", "command": command}
        if arguments is not None:
            msg["arguments"] = arguments
        body = json.dumps(msg, separators=(",", ":")).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return self.seq

    def request(self, command, arguments=None, timeout=60):
        """Sends a request and waits for its response; returns (response time, message)."""
        seq = self.send(command, arguments)
        return self.response(seq, command, timeout)

    def response(self, seq, command="?", timeout=60):
        with self.cond:
            if not self.cond.wait_for(lambda: seq in self.responses or self.closed, timeout):
                raise DapError(f"no response to {command} (seq {seq}) within {timeout}s")
            if seq not in self.responses:
                raise DapError(f"the adapter closed its output before answering {command}")
            t, msg = self.responses[seq]
        if not msg.get("success"):
            raise DapError(f"{command} failed: {msg.get('message')} {msg.get('body')}")
        return t, msg

    # ------------------------------------------------------------------ waiting for events

    def event_count(self, name):
        with self.cond:
            return sum(1 for e in self.events if e[1] == name)

    def wait_event(self, name, after_index=0, timeout=60):
        """Waits for the first event `name` at index >= after_index; returns (index, time, body)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(after_index, len(self.events)):
                    if self.events[i][1] == name:
                        return i, self.events[i][0], self.events[i][2]
                after_index = max(after_index, len(self.events))
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    raise DapError(f"no '{name}' event within {timeout}s (closed={self.closed})")
                self.cond.wait(left)

    def wait_threads(self, started, timeout=60):
        with self.cond:
            if not self.cond.wait_for(lambda: self.threads_started >= started or self.closed, timeout):
                raise DapError(f"only {self.threads_started} thread started events, expected {started}")

    def mark(self):
        with self.cond:
            return len(self.events)

    # ------------------------------------------------------------------ reading

    def _read(self):
        fd = self.proc.stdout.fileno()
        buf = bytearray()
        try:
            while True:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    break
                now = time.perf_counter()
                self.bytes_in += len(chunk)
                buf += chunk
                start = 0
                frames = []
                while True:
                    i = buf.find(b"\r\n\r\n", start)
                    if i < 0:
                        break
                    n = -1
                    for line in bytes(buf[start:i]).split(b"\r\n"):
                        k, _, v = line.partition(b":")
                        if k.strip().lower() == b"content-length":
                            n = int(v)
                    if n < 0:
                        raise DapError("frame without Content-Length: %r" % bytes(buf[start:i]))
                    end = i + 4 + n
                    if len(buf) < end:
                        break
                    frames.append(bytes(buf[i + 4:end]))
                    start = end
                if start:
                    del buf[:start]
                if frames:
                    self._file(frames, now)
                if self.coalesce:
                    time.sleep(self.coalesce)
        finally:
            with self.cond:
                self.closed = True
                self.cond.notify_all()

    def _file(self, frames, now):
        with self.cond:
            for body in frames:
                if b'"event":"thread"' in body:
                    if b'"reason":"started"' in body:
                        self.threads_started += 1
                    elif b'"reason":"exited"' in body:
                        self.threads_exited += 1
                    else:
                        raise DapError("odd thread event: %r" % body)
                    if self.first_thread_event is None:
                        self.first_thread_event = now
                    self.last_thread_event = now
                    continue
                msg = json.loads(body)
                if msg.get("type") == "response":
                    self.responses[msg["request_seq"]] = (now, msg)
                elif msg.get("type") == "event":
                    if msg["event"] == "thread":  # formatted differently than we expect
                        reason = msg["body"]["reason"]
                        if reason == "started":
                            self.threads_started += 1
                        elif reason == "exited":
                            self.threads_exited += 1
                        self.last_thread_event = now
                        continue
                    self.events.append((now, msg["event"], msg.get("body")))
            self.cond.notify_all()
