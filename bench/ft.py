"""ft.py: the file-transfer part of the benchmark: the TCP pipe and md5
references, test files, and one jabiru-to-jabiru transfer between two
batch-mode jabirus."""
import asyncio
import json
import os
import shutil
import socket
import subprocess
import time

from procstat import cpu_seconds, proc_status_kb, reset_peak

PW = "bench-pw"


def tcp_pipe_rate(total):
    """Loopback copy rate of a plain TCP pipe, MB/s (1 MB writes and reads)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    child = os.fork()
    if child == 0:
        try:
            c = socket.create_connection(("127.0.0.1", port))
            block = b"\0" * (1 << 20)
            sent = 0
            while sent < total:
                sent += c.send(block[:min(len(block), total - sent)])
            c.close()
        finally:
            os._exit(0)
    conn, _ = srv.accept()
    buf = bytearray(1 << 20)
    got, t0 = 0, time.monotonic()
    while True:
        n = conn.recv_into(buf)
        if not n:
            break
        got += n
    dt = time.monotonic() - t0
    os.waitpid(child, 0)
    conn.close()
    srv.close()
    return got / dt / 1e6


def md5_rate(total=256 << 20):
    """MB/s of md5 over in-memory data on one core: the bound of a receiver
    that hashes every byte once (Python's hashlib is OpenSSL's md5, the one
    jabiru uses). The best of three passes over a 16 MB buffer, timed by
    this thread's CPU time, so that a busy machine does not lower it."""
    import hashlib
    block = os.urandom(16 << 20)
    best = None
    for _ in range(3):
        h, t0 = hashlib.md5(), time.thread_time()
        for _ in range(total // len(block)):
            h.update(block)
        dt = time.thread_time() - t0
        best = dt if best is None else min(best, dt)
    return total / best / 1e6


# ---------------------------------------------------------------- file transfer


def make_file(path, size):
    """Incompressible content (so no layer can cheat), and its sha256."""
    import hashlib
    h = hashlib.sha256()
    block = os.urandom(1 << 20)
    with open(path, "wb") as f:
        left, i = size, 0
        while left > 0:
            # Each MB differs: a fresh random prefix over the shared block.
            chunk = (os.urandom(32) + block[32:])[:min(left, 1 << 20)]
            f.write(chunk)
            h.update(chunk)
            left -= len(chunk)
            i += 1
    return h.hexdigest()


def sha256_file(path):
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


class Batch:
    """One jabiru --batch over pipes, its JSON events read as they come."""

    def __init__(self, proc, name):
        self.proc, self.name, self.seen = proc, name, []

    async def expect(self, event, pred=lambda ev: True, timeout=60):
        """The first event of that kind (and predicate), read earlier or now."""
        for ev, t in self.seen:
            if ev.get("event") == event and pred(ev):
                self.seen.remove((ev, t))
                return ev, t
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise asyncio.TimeoutError
            raw = await asyncio.wait_for(self.proc.stdout.readline(), left)
            if not raw:
                raise EOFError("%s exited" % self.name)
            try:
                ev = json.loads(raw)
            except ValueError:
                continue
            if ev.get("event") == "file-failed" and event == "file-done":
                raise RuntimeError("%s: file-failed: %s" % (self.name, ev.get("reason")))
            if ev.get("event") == event and pred(ev):
                return ev, time.monotonic()
            if ev.get("event") != "file-progress":
                self.seen.append((ev, time.monotonic()))

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())

    async def close(self):
        try:
            self.proc.stdin.close()
            await asyncio.wait_for(self.proc.wait(), 30)
        except (asyncio.TimeoutError, BrokenPipeError, ConnectionResetError):
            self.proc.kill()
            await self.proc.wait()


async def start_batch(args, server, account, env_extra, extra_args, home):
    os.makedirs(home, exist_ok=True)
    env = {"HOME": home, "LANG": "C.UTF-8", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "JABIRU_PASSWORD": PW}
    env.update(env_extra)
    argv = [args.jabiru, "--batch", "--jid", account + "@localhost", "--server", "127.0.0.1",
            "--port", str(server["C2S_PORT"]), "--ca-file", server["CA_FILE"],
            "--resource", "bench"] + extra_args
    p = await asyncio.create_subprocess_exec(*argv, env=env, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, limit=1 << 20)
    b = Batch(p, account)
    await b.expect("connected", timeout=30)
    return b


FT_METHODS = (("socks5-direct", "bytestreams", "1"), ("socks5-proxy", "bytestreams", "0"),
              ("ibb", "ibb", "1"))


async def ft_one(run, rep, method, methods, direct, src, want, size):
    """jabiru (fta) sends src to jabiru (ftb, --accept-files) by one method:
    wall time from /sendfile to the receiver's file-done, sha256 checked,
    each side's peak RSS growth and CPU share over that time."""
    a, s = run.args, run.server
    down = os.path.join(run.ft_dir, "ft-down")
    shutil.rmtree(down, ignore_errors=True)
    os.makedirs(down)
    env = {"JABIRU_FILE_METHODS": methods, "JABIRU_S5B_DIRECT": direct}
    rx = tx = None
    label = "file transfer %s" % method
    try:
        rx = await start_batch(a, s, "ftb", env, ["--accept-files", down],
                               os.path.join(run.work, "home-ftb"))
        tx = await start_batch(a, s, "fta", env, [], os.path.join(run.work, "home-fta"))
        await tx.expect("presence", lambda ev: ev.get("from", "").startswith("ftb@"))
        if direct == "0":
            await tx.expect("info", lambda ev: s["PROXY_JID"] in json.dumps(ev))
        await asyncio.sleep(0.3)  # let the logins' last work settle
        before = {}
        for b in (tx, rx):
            pid = b.proc.pid
            reset_peak(pid)
            before[b.name] = (proc_status_kb(pid, "VmRSS"), cpu_seconds(pid))
        t0 = time.monotonic()
        tx.send('/sendfile ftb@localhost/bench "%s"' % src)
        await tx.proc.stdin.drain()
        # The sender reads the whole file for the offer's md5 before it
        # offers: the offer's arrival splits that pass from the stream.
        _off, toff = await rx.expect("file-offer", timeout=max(60, size / 50e6))
        ev, t1 = await rx.expect("file-done", timeout=max(120, size / 2e6))
        after = {rx.name: (proc_status_kb(rx.proc.pid, "VmHWM"), cpu_seconds(rx.proc.pid))}
        await tx.expect("file-done", timeout=60)
        after[tx.name] = (proc_status_kb(tx.proc.pid, "VmHWM"), cpu_seconds(tx.proc.pid))
        dt = t1 - t0
        got = sha256_file(ev["path"])
        note = "" if ev.get("method") == method else "method %s" % ev.get("method")
        if got != want or int(ev.get("size", -1)) != size:
            note = "; ".join(x for x in (note, "sha256 or size differs") if x)
            dt = None
        run.record(rep, "jabiru", label + ": rate", size / dt / 1e6 if dt else None, "MB/s", note)
        run.record(rep, "jabiru", label + ": time", dt, "s", note)
        run.record(rep, "jabiru", label + ": rate after the offer",
                   size / (t1 - toff) / 1e6 if dt else None, "MB/s", note)
        run.record(rep, "jabiru", label + ": sender md5 pass before the offer", toff - t0, "s")
        for b, who in ((tx, "sender"), (rx, "receiver")):
            (rss0, c0), (hwm, c1) = before[b.name], after[b.name]
            run.record(rep, "jabiru", "%s: %s peak RSS growth" % (label, who),
                       max(0, hwm - rss0) / 1024, "MB")
            run.record(rep, "jabiru", "%s: %s CPU share" % (label, who),
                       (c1 - c0) / (t1 - t0) * 100, "%")
            # CPU seconds per GB: what the transfer costs the client,
            # much less sensitive than the wall clock to a busy machine.
            run.record(rep, "jabiru", "%s: %s CPU per GB" % (label, who),
                       (c1 - c0) / (size / 1e9) if size else None, "s")
    except (asyncio.TimeoutError, EOFError, RuntimeError) as e:
        why = str(e) or "timed out"
        for what, unit in (("rate", "MB/s"), ("time", "s"), ("rate after the offer", "MB/s"),
                           ("sender md5 pass before the offer", "s"), ("sender peak RSS growth", "MB"),
                           ("receiver peak RSS growth", "MB"), ("sender CPU share", "%"),
                           ("receiver CPU share", "%"), ("sender CPU per GB", "s"),
                           ("receiver CPU per GB", "s")):
            run.record(rep, "jabiru", "%s: %s" % (label, what), None, unit, why)
    finally:
        for b in (tx, rx):
            if b is not None:
                await b.close()
        shutil.rmtree(down, ignore_errors=True)


# ---------------------------------------------------------------- one client
