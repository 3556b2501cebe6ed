"""client-scripts/hartd_client.py — a small client of hartd's control socket
(docs/PROTOCOL.md), shared by hartctl and hart-ci. Python 3 standard
library only.

Owns: finding the socket, connecting, framing (one JSON object per line),
passing fds with SCM_RIGHTS, matching replies to requests by id while
keeping events aside. Does not own: any command-line behaviour.
"""
import array
import json
import os
import sys
import socket


class DaemonError(Exception):
    """The daemon could not be reached or closed the connection."""


class DaemonTimeout(DaemonError):
    """Nothing came from the daemon within the client's timeout."""


class RequestError(Exception):
    """The daemon answered ok:false."""

    def __init__(self, reply):
        err = reply.get("error") or {}
        self.code = err.get("code", "?")
        self.message = err.get("message", "")
        self.reply = reply
        super().__init__(f"{self.code}: {self.message}" if self.message else self.code)


def default_socket():
    """--socket's default: $HARTD_SOCKET, else what hartd uses by default."""
    s = os.environ.get("HARTD_SOCKET")
    if s:
        return s
    x = os.environ.get("XDG_RUNTIME_DIR")
    if x:
        return os.path.join(x, "hartd.sock")
    return f"/tmp/hartd-{os.getuid()}/hartd.sock"


class Client:
    """One connection. request() returns the reply's dict (raises
    RequestError for ok:false); events that arrive meanwhile are queued and
    returned by next_event(). With `timeout` (seconds), a read that gets
    nothing for that long raises DaemonError instead of waiting for ever."""

    def __init__(self, path, timeout=None):
        self.path = path
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.connect(path)
        except OSError as e:
            self.sock.close()
            raise DaemonError(f"no hartd is listening on {path} ({e.strerror}); "
                              f"start one with: hartd --socket {path}") from None
        self.sock.settimeout(timeout)
        self.buf = b""
        self.events = []
        self.replies = {}
        self.next_id = 1

    def close(self):
        self.sock.close()

    def fileno(self):
        return self.sock.fileno()

    def send(self, op, fds=(), **fields):
        """Sends a request; returns its id (the reply comes later)."""
        rid = self.next_id
        self.next_id += 1
        msg = dict(id=rid, op=op, **fields)
        data = (json.dumps(msg) + "\n").encode()
        try:
            if fds:
                anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))]
                sent = self.sock.sendmsg([data], anc)
                if sent < len(data):
                    self.sock.sendall(data[sent:])
            else:
                self.sock.sendall(data)
        except OSError as e:
            raise DaemonError(f"lost the connection to hartd: {e}") from None
        return rid

    def read_some(self):
        """Reads what is available (blocking once); sorts lines into replies
        and events. Raises DaemonError at EOF."""
        try:
            chunk = self.sock.recv(1 << 16)
        except socket.timeout:
            raise DaemonTimeout(f"nothing from hartd for {self.timeout} s (a reply or event is late "
                              f"or lost)") from None
        except OSError as e:
            raise DaemonError(f"lost the connection to hartd: {e}") from None
        if not chunk:
            raise DaemonError("hartd closed the connection")
        self.buf += chunk
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            if not line.strip():
                continue
            msg = json.loads(line)
            if "event" in msg:
                self.events.append(msg)
            else:
                self.replies[msg.get("id")] = msg

    def wait_reply(self, rid):
        while rid not in self.replies:
            self.read_some()
        return self.replies.pop(rid)

    def request(self, op, fds=(), **fields):
        reply = self.wait_reply(self.send(op, fds=fds, **fields))
        if not reply.get("ok"):
            raise RequestError(reply)
        return reply

    def next_event(self):
        while not self.events:
            self.read_some()
        return self.events.pop(0)


def status_of(msg):
    """Shell-style status of an exit event or a wait reply: code, or 128+N."""
    if "signal" in msg:
        return 128 + int(msg["signal"])
    return int(msg.get("exit_code", 0))


def describe_status(msg):
    if "signal" in msg:
        s = f"killed by {msg.get('signal_name', msg['signal'])}"
        if msg.get("limit"):
            s += f" ({msg['limit']} limit)"
        return s
    return f"exited with {msg.get('exit_code', 0)}"


def died_of_sigpipe():
    """The reader of our output went away (`hartctl ps | head`): end as a
    command-line tool does, killed by SIGPIPE, without a traceback."""
    import signal
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
    except OSError:
        pass
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGPIPE)
    sys.exit(128 + signal.SIGPIPE)
