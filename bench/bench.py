#!/usr/bin/env python3
"""bench.py: jabiru against Profanity and mcabber, side by side, in one run.
Started by bench/run, which installs what is missing and picks a python3
with slixmpp. See bench/README.md for what is measured and how.
"""
import argparse
import asyncio
import datetime
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import time

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream import ET

import clients
from ft import FT_METHODS, ft_one, make_file, md5_rate, tcp_pipe_rate
from procstat import alive, cpu_seconds, ctx_switches, memory_kb

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PW = "bench-pw"


# ---------------------------------------------------------------- the bot


class Bot(slixmpp.ClientXMPP):
    """The load: sees presences, sends pings and bursts."""

    def __init__(self, jid, pw):
        super().__init__(jid, pw)
        self.presence_waiters = []  # (bare, type, future)
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("presence", self.on_presence)
        self.add_event_handler("message_error", self.on_bounce)
        self.bounced = 0  # messages the server sent back: nobody took them
        self.ready = asyncio.get_event_loop().create_future()

    async def on_start(self, _event):
        self.send_presence()
        if not self.ready.done():
            self.ready.set_result(True)

    def on_bounce(self, _msg):
        self.bounced += 1

    def on_presence(self, pres):
        ptype = pres["type"]
        kind = "unavailable" if ptype == "unavailable" else (
            "available" if ptype in ("available", "", "chat", "away", "xa", "dnd") else None)
        if kind is None:
            return
        now = time.monotonic()
        for w in list(self.presence_waiters):
            bare, want, fut = w
            if str(pres["from"].bare) == bare and kind == want and not fut.done():
                fut.set_result((now, str(pres["from"])))
                self.presence_waiters.remove(w)

    def wait_presence(self, bare, kind):
        fut = asyncio.get_event_loop().create_future()
        self.presence_waiters.append((bare, kind, fut))
        return fut

    async def ping(self, to, timeout):
        """Time at which `to` answered (result or error), or None."""
        iq = self.make_iq_get(ito=to)
        iq.append(ET.Element("{urn:xmpp:ping}ping"))
        try:
            await iq.send(timeout=timeout)
        except IqError:
            pass  # an error answer is an answer: the client read the ping
        except IqTimeout:
            return None
        return time.monotonic()

    def burst(self, to, count, tag):
        stanzas = "".join(
            "<message to='%s' type='chat' id='%s%d'><body>bench %s message %d: "
            "the quick brown fox jumps over the lazy dog</body></message>"
            % (to, tag, i, tag, i) for i in range(count))
        self.send_raw(stanzas)


class Editor(slixmpp.ClientXMPP):
    """A second, unavailable resource of the measured account: its roster
    sets make the server push roster changes to the client."""

    def __init__(self, jid, pw):
        super().__init__(jid, pw)
        self.add_event_handler("session_start", self.on_start)
        self.ready = asyncio.get_event_loop().create_future()
        self.pending = {}

    async def on_start(self, _event):
        if not self.ready.done():
            self.ready.set_result(True)

    async def pushes(self, count, rnd):
        futs = []
        for i in range(count):
            iq = self.make_iq_set()
            q = ET.Element("{jabber:iq:roster}query")
            item = ET.SubElement(q, "{jabber:iq:roster}item",
                                 {"jid": "c%04d@localhost" % (i + 1),
                                  "name": "Contact %d r%d" % (i + 1, rnd)})
            ET.SubElement(item, "{jabber:iq:roster}group").text = "Group %02d" % (i % 20)
            iq.append(q)
            futs.append(iq.send(timeout=120))
        await asyncio.gather(*futs, return_exceptions=True)


# ---------------------------------------------------------------- helpers


async def wait_quiet(pid, quiet=0.5, start=2.0, limit=120.0):
    """For a client that does not answer pings: the time its CPU time last
    moved before `quiet` seconds without change (clock-tick resolution).
    Work that never moves the CPU clock within `start` seconds counts as done
    at once."""
    t0 = time.monotonic()
    last, last_change, moved = cpu_seconds(pid), t0, False
    while time.monotonic() < t0 + limit:
        await asyncio.sleep(0.01)
        if not alive(pid):
            return None
        c = cpu_seconds(pid)
        now = time.monotonic()
        if c != last:
            last, last_change, moved = c, now, True
        elif now - last_change >= quiet and (moved or now - t0 >= start):
            return last_change
    return None


def fmt_rate(r):
    return "n/a" if r is None else "%.0f" % r


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


async def stable_size(path, quiet=0.3, limit=10.0):
    """pipe-pane copies asynchronously: wait until the capture stops growing."""
    size, since, end = file_size(path), time.monotonic(), time.monotonic() + limit
    while time.monotonic() < end:
        await asyncio.sleep(0.05)
        s = file_size(path)
        if s != size:
            size, since = s, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return size


class Run:
    def __init__(self, args, server):
        self.args = args
        self.server = server
        self.work = args.workdir
        self.tmux = ["tmux", "-S", os.path.join(self.work, "tmux.sock")]
        self.raw = []  # one dict per measurement
        self.noping = set()
        self.rounds = 0
        self.rate_est = {}
        # Both files of a transfer live on tmpfs when there is one, so that the
        # figure is the client and the transport, like the TCP pipe beside it,
        # not the disk's write-back.
        self.ft_dir = self.work
        if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
            import tempfile
            self.ft_dir = tempfile.mkdtemp(prefix="jabiru-bench-ft.", dir="/dev/shm")

    def record(self, rep, client, figure, value, unit, note=""):
        self.raw.append({"rep": rep, "client": client, "figure": figure,
                         "value": value, "unit": unit, "note": note})
        shown = "n/a" if value is None else ("%.4g" % value)
        print("  %-9s %-38s %10s %s %s" % (client, figure, shown, unit, note), flush=True)

    def tmux_cmd(self, *a):
        return subprocess.run(self.tmux + list(a), check=False, capture_output=True, text=True)

    def launch(self, drv, account, tag):
        home = os.path.join(self.work, "home-%s-%s" % (drv.name, tag))
        shutil.rmtree(home, ignore_errors=True)
        os.makedirs(home)
        env, argv = drv.prepare(home, account + "@localhost", PW, self.server)
        envs = ["env", "-i", "HOME=" + home, "TERM=tmux-256color", "LANG=C.UTF-8",
                "PATH=" + os.environ.get("PATH", "/usr/bin:/bin")]
        envs += ["%s=%s" % kv for kv in env.items()]
        cmd = "exec " + " ".join(shlex.quote(x) for x in envs + argv)
        sess = "%s-%s" % (drv.name, tag)
        self.tmux_cmd("kill-session", "-t", sess)
        r = self.tmux_cmd("new-session", "-d", "-s", sess, "-x", "120", "-y", "40",
                          "-P", "-F", "#{pane_pid}", cmd)
        pid = int(r.stdout.strip())
        pty = os.path.join(self.work, "pty-%s.out" % sess)
        open(pty, "w").close()
        self.tmux_cmd("pipe-pane", "-t", sess, "-o", "cat >> " + shlex.quote(pty))
        return sess, pid, pty

    def keys(self, sess, text):
        self.tmux_cmd("send-keys", "-t", sess, "-l", text)
        self.tmux_cmd("send-keys", "-t", sess, "Enter")

    async def stop(self, bot, drv, sess, pid, bare):
        gone = bot.wait_presence(bare, "unavailable")
        self.keys(sess, drv.quit)
        end = time.monotonic() + 10
        while alive(pid) and time.monotonic() < end:
            await asyncio.sleep(0.05)
        self.tmux_cmd("kill-session", "-t", sess)
        try:
            await asyncio.wait_for(gone, 10)
        except asyncio.TimeoutError:
            pass

    async def settle(self, bot, drv, pid, full, t0, timeout=None):
        """Seconds from t0 until the client has read everything sent before:
        its answer to a ping, or (no ping support) its CPU going quiet."""
        if drv.name in self.noping:
            t = await wait_quiet(pid)
            return (None if t is None else t - t0), "cpu-quiet"
        t = await bot.ping(full, timeout or self.args.ping_timeout)
        if not alive(pid):
            return None, "client exited"  # the server answered for it
        if t is None:
            return None, "no ping answer"
        return t - t0, ""

    async def login(self, bot, drv, rep, account, label):
        bare = account + "@localhost"
        seen = bot.wait_presence(bare, "available")
        t0 = time.monotonic()
        sess, pid, pty = self.launch(drv, account, label)
        try:
            tpres, full = await asyncio.wait_for(seen, 60)
        except asyncio.TimeoutError:
            self.record(rep, drv.name, "login %s: presence" % label, None, "s", "no presence in 60 s")
            self.tmux_cmd("kill-session", "-t", sess)
            return None
        self.record(rep, drv.name, "login %s: presence" % label, tpres - t0, "s")
        settled = await self.settle(bot, drv, pid, full, t0)
        self.record(rep, drv.name, "login %s: settled" % label, settled[0], "s", settled[1])
        # A new process: all its CPU time so far went into starting and logging in.
        self.record(rep, drv.name, "login %s: cpu" % label, cpu_seconds(pid) * 1000, "ms")
        return sess, pid, pty, full

    async def burst(self, bot, drv, rep, sess, pid, pty, full, count, label):
        name = "burst %d %s" % (count, label)
        est, budget, note0 = self.rate_est.get(drv.name), self.args.budget, ""
        if est and count / est > budget:
            # A client this slow would need minutes: send what fits the budget.
            count = max(100, int(est * budget) // 100 * 100)
            note0 = "only %d sent (%.0f s budget)" % (count, budget)
        await stable_size(pty)
        b0, c0, t0, lost0 = file_size(pty), cpu_seconds(pid), time.monotonic(), bot.bounced
        bot.burst(bot.client_bare, count, label.replace(" ", ""))
        dt, note = await self.settle(bot, drv, pid, full, t0, timeout=max(60, count / 50))
        c1 = cpu_seconds(pid)
        b1 = await stable_size(pty)
        await asyncio.sleep(0.2)
        if bot.bounced > lost0:
            # The client's session was not available (it reconnected, say):
            # the figures would describe messages it never received.
            note = "; ".join(x for x in (note, "%d of %d bounced: client not available"
                                         % (bot.bounced - lost0, count)) if x)
            dt = None
        if dt:
            self.rate_est[drv.name] = min(self.rate_est.get(drv.name) or 1e9, count / dt)
        elif note.startswith("no ping answer"):
            self.rate_est[drv.name] = min(self.rate_est.get(drv.name) or 1e9, count / 60)
        note = "; ".join(x for x in (note, note0) if x)
        self.record(rep, drv.name, name + ": time", dt, "s", note)
        self.record(rep, drv.name, name + ": rate", count / dt if dt else None, "msg/s", note)
        bad = bot.bounced > lost0
        self.record(rep, drv.name, name + ": cpu/msg", None if bad else (c1 - c0) / count * 1e6,
                    "us", note if bad else note0)
        self.record(rep, drv.name, name + ": pty bytes/msg", None if bad else (b1 - b0) / count,
                    "B", note if bad else note0)

    async def probe(self, bot, drv):
        """Does the client answer XEP-0199 pings? Asked once, before timing."""
        seen = bot.wait_presence("u0@localhost", "available")
        sess, pid, _pty = self.launch(drv, "u0", "probe")
        try:
            _t, full = await asyncio.wait_for(seen, 60)
            if await bot.ping(full, 5) is None:
                self.noping.add(drv.name)
                print("bench: %s does not answer XEP-0199 pings: timed by CPU quiescence"
                      % drv.name, flush=True)
            # A first rate, so that a slow client's bursts fit the time budget.
            t0 = time.monotonic()
            bot.burst("u0@localhost", 200, "warm")
            dt, _note = await self.settle(bot, drv, pid, full, t0, timeout=120)
            self.rate_est[drv.name] = 200 / dt if dt else None
            print("bench: %s warm-up rate %s msg/s" % (drv.name, fmt_rate(self.rate_est[drv.name])),
                  flush=True)
        except asyncio.TimeoutError:
            print("bench: %s did not log in" % drv.name, flush=True)
        await self.stop(bot, drv, sess, pid, "u0@localhost")

    async def client(self, bot, editor, drv, rep):
        a = self.args
        print("== rep %d: %s" % (rep + 1, drv.name), flush=True)
        r = await self.login(bot, drv, rep, "u0", "empty")
        if r is None:
            return
        await self.stop(bot, drv, r[0], r[1], "u0@localhost")
        r = await self.login(bot, drv, rep, "u2k", "roster")
        if r is None:
            return
        sess, pid, pty, full = r
        bot.client_bare = "u2k@localhost"
        # After the login's aftermath too (the server's PEP queries, one
        # per contact): memory once the client's CPU has been quiet.
        await asyncio.sleep(0.5)
        await wait_quiet(pid, quiet=0.5, start=0.5, limit=30.0)
        rss, priv = memory_kb(pid)
        self.record(rep, drv.name, "memory after login: VmRSS", rss / 1024, "MB")
        self.record(rep, drv.name, "memory after login: Private_Dirty", priv / 1024, "MB")

        c0, s0, t0 = cpu_seconds(pid), ctx_switches(pid), time.monotonic()
        await asyncio.sleep(a.idle)
        c1, s1, t1 = cpu_seconds(pid), ctx_switches(pid), time.monotonic()
        self.record(rep, drv.name, "idle: cpu", (c1 - c0) * 1000 / (t1 - t0), "ms/s")
        self.record(rep, drv.name, "idle: context switches", (s1 - s0) / (t1 - t0), "/s")

        # A client's cost per message can grow with its roster (Profanity's
        # does): the budget is set from a burst on this very session.
        t0 = time.monotonic()
        bot.burst(bot.client_bare, 200, "calib")
        dt, _note = await self.settle(bot, drv, pid, full, t0, timeout=120)
        self.rate_est[drv.name] = 200 / dt if dt else None
        await self.burst(bot, drv, rep, sess, pid, pty, full, a.burst, "unfocused")
        self.keys(sess, drv.focus)
        await asyncio.sleep(0.5)
        await self.burst(bot, drv, rep, sess, pid, pty, full, a.burst, "focused")
        await self.burst(bot, drv, rep, sess, pid, pty, full, a.big_burst, "focused")

        if rep < a.push_reps:
            # Prosody's internal storage rewrites the whole 2,000-item
            # roster file for every set (about 0.15 s each here): the
            # time is the server's; the client's CPU is the figure.
            c0, t0 = cpu_seconds(pid), time.monotonic()
            self.rounds += 1
            await editor.pushes(a.pushes, self.rounds)
            dt, note = await self.settle(bot, drv, pid, full, t0)
            c1 = cpu_seconds(pid)
            self.record(rep, drv.name, "roster %d pushes: time" % a.pushes, dt, "s", note)
            self.record(rep, drv.name, "roster %d pushes: cpu" % a.pushes, (c1 - c0) * 1000, "ms")

        if drv.console and drv.supports(drv.console):
            self.keys(sess, drv.console)
            await asyncio.sleep(0.5)
            await self.burst(bot, drv, rep, sess, pid, pty, full, a.burst, "console")
        else:
            for what, unit in (("time", "s"), ("rate", "msg/s"), ("cpu/msg", "us"), ("pty bytes/msg", "B")):
                self.record(rep, drv.name, "burst %d console: %s" % (a.burst, what), None, unit,
                            "no XML console")
        rss, priv = memory_kb(pid)
        self.record(rep, drv.name, "memory after bursts: VmRSS", rss / 1024, "MB")
        self.record(rep, drv.name, "memory after bursts: Private_Dirty", priv / 1024, "MB")
        await self.stop(bot, drv, sess, pid, "u2k@localhost")

    async def reader(self, bot, rep):
        """The rate the server delivers to a client that only reads."""
        s = self.server
        p = await asyncio.create_subprocess_exec(
            sys.executable, os.path.join(HERE, "rawreader.py"), "127.0.0.1", str(s["C2S_PORT"]),
            s["CA_FILE"], "reader@localhost", "raw", stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        p.stdin.write((PW + "\n").encode())
        await p.stdin.drain()
        line = (await asyncio.wait_for(p.stdout.readline(), 30)).decode().split()
        full = line[1]
        for count in (self.args.burst, self.args.big_burst):
            t0 = time.monotonic()
            bot.burst("reader@localhost", count, "r")
            t = await bot.ping(full, max(60, count / 50))
            await p.stdout.readline()
            self.record(rep, "server", "deliverable rate %d" % count,
                        count / (t - t0) if t else None, "msg/s", "raw reader")
        p.stdin.close()
        await p.wait()

    async def filetransfer(self, rep, drivers):
        a = self.args
        mb = a.pipe_mb
        rate = await asyncio.get_event_loop().run_in_executor(None, tcp_pipe_rate, mb << 20)
        self.record(rep, "tcp-pipe", "loopback copy %d MB" % mb, rate, "MB/s")
        rate = await asyncio.get_event_loop().run_in_executor(None, md5_rate)
        self.record(rep, "md5", "in-memory rate, one core", rate, "MB/s")
        for drv in drivers:
            if drv.name == "jabiru":
                continue
            for method, _m, _d in FT_METHODS:
                self.record(rep, drv.name, "file transfer %s: rate" % method, None, "MB/s",
                            "no SI file transfer")
        if not any(d.name == "jabiru" for d in drivers):
            return
        if not hasattr(self, "ft_files"):
            loop = asyncio.get_event_loop()
            self.ft_files = {}
            for tag, size in (("big", a.ft_mb << 20), ("ibb", a.ibb_mb << 20)):
                path = os.path.join(self.ft_dir, "ft-%s.bin" % tag)
                digest = await loop.run_in_executor(None, make_file, path, size)
                self.ft_files[tag] = (path, digest, size)
        for method, methods, direct in FT_METHODS:
            path, digest, size = self.ft_files["ibb" if method == "ibb" else "big"]
            await ft_one(self, rep, method, methods, direct, path, digest, size)


async def main_async(args, server, drivers):
    run = Run(args, server)
    bot = Bot("bot@localhost/bench", PW)
    editor = Editor("u2k@localhost/editor", PW)
    for x in (bot, editor):
        x.connect(("127.0.0.1", int(server["C2S_PORT"])))
        x.ssl_context.load_verify_locations(server["CA_FILE"])
        x.ssl_context.check_hostname = False
    await asyncio.wait_for(asyncio.gather(bot.ready, editor.ready), 30)
    # Prosody reads the 2,000-item roster from disk on first use: do that
    # now, so that the first client measured does not pay for it.
    if args.only != "ft":
        await editor.get_roster(timeout=60)
    # A binary just written by the linker sits in dirty page cache, which
    # smaps counts as the process's Private_Dirty: write it back first.
    os.sync()
    try:
        for drv in drivers if args.only != "ft" else ():
            await run.probe(bot, drv)
        for rep in range(args.reps):
            k = rep % len(drivers)
            if args.only != "ft":
                for drv in drivers[k:] + drivers[:k]:
                    await run.client(bot, editor, drv, rep)
                await run.reader(bot, rep)
            await run.filetransfer(rep, drivers)
    finally:
        run.tmux_cmd("kill-server")
        if run.ft_dir != run.work:
            shutil.rmtree(run.ft_dir, ignore_errors=True)
        await asyncio.gather(bot.disconnect(), editor.disconnect(), return_exceptions=True)
        rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in rest:
            t.cancel()
        await asyncio.gather(*rest, return_exceptions=True)
    return run.raw


# ---------------------------------------------------------------- setup


def write_rosters(args, work):
    """Prosody's internal storage, written before it starts: u2k has the bot
    and 1,999 offline contacts in 20 groups, u0 only the bot (so the bot sees
    its presence), the bot has both."""
    lua = []
    def roster(user, items):
        path = os.path.join(work, "prosody", "data", "localhost", "roster")
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, user + ".dat"), "w") as f:
            f.write("return {\n\t[false] = { version = 1; pending = {}; };\n")
            for jid, name, group in items:
                f.write('\t[%s] = { subscription = "both"; name = %s; groups = { [%s] = true; }; };\n'
                        % (json.dumps(jid), json.dumps(name), json.dumps(group)))
            f.write("};\n")
    roster("u2k", [("bot@localhost", "Bot", "Bench")] +
           [("c%04d@localhost" % i, "Contact %d" % i, "Group %02d" % (i % 20))
            for i in range(1, args.contacts)])
    roster("u0", [("bot@localhost", "Bot", "Bench")])
    roster("bot", [("u0@localhost", "u0", "Bench"), ("u2k@localhost", "u2k", "Bench")])
    # The file transfer pair: each in the other's roster, subscribed both ways.
    roster("fta", [("ftb@localhost", "ftb", "Bench")])
    roster("ftb", [("fta@localhost", "fta", "Bench")])
    return lua


def start_server(work):
    env = dict(os.environ, PROSODY_UP_LOG_LEVEL="warn")
    out = subprocess.run([os.path.join(ROOT, "tests", "harness", "prosody-up"),
                          os.path.join(work, "prosody")] +
                         ["%s:%s" % (u, PW) for u in ("bot", "u0", "u2k", "reader", "fta", "ftb")],
                         check=True, capture_output=True, text=True, env=env).stdout
    return dict(line.split("=", 1) for line in out.split())


def main():
    p = argparse.ArgumentParser(description="jabiru benchmark")
    p.add_argument("--quick", action="store_true", help="tiny sizes, jabiru only")
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--push-reps", type=int, default=1,
                   help="repetitions that include the roster pushes (slow on the server)")
    p.add_argument("--clients", default=None)
    p.add_argument("--jabiru", default=os.path.join(ROOT, "src", "jabiru"))
    p.add_argument("--out", default=HERE, help="where RESULTS.md and results.json go")
    p.add_argument("--workdir", default=None)
    p.add_argument("--command", default="bench/run")
    p.add_argument("--ft-mb", dest="ft_mb_opt", type=int, default=None, help="SOCKS5 file size (default 1024)")
    p.add_argument("--ibb-mb", dest="ibb_mb_opt", type=int, default=None, help="IBB file size (default 50)")
    p.add_argument("--only", choices=("all", "ft"), default="all",
                   help="ft: only the file transfer figures and their references")
    a = p.parse_args()
    # A TERM (make's ^C, a killed job) must still stop Prosody and tmux.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    a.contacts, a.idle, a.burst, a.big_burst, a.pushes, a.pipe_mb = 2000, 30, 5000, 20000, 500, 1024
    a.ft_mb, a.ibb_mb = 1024, 50
    a.ping_timeout, a.budget = 120, 15.0
    if a.quick:
        a.contacts, a.idle, a.burst, a.big_burst, a.pushes, a.pipe_mb = 50, 2, 50, 200, 20, 16
        a.budget = 5.0
        a.ft_mb, a.ibb_mb = 2, 1
        a.reps = 1
        a.clients = a.clients or "jabiru"
    a.ft_mb = a.ft_mb_opt if a.ft_mb_opt else a.ft_mb
    a.ibb_mb = a.ibb_mb_opt if a.ibb_mb_opt else a.ibb_mb
    a.clients = a.clients or "jabiru,profanity,mcabber"
    # Made now: a run of minutes must not end without a place to write.
    os.makedirs(a.out, exist_ok=True)
    own = a.workdir is None
    if own:
        import tempfile
        a.workdir = tempfile.mkdtemp(prefix="jabiru-bench.")
    drivers = []
    for name in a.clients.split(","):
        drv = clients.make(name, a.jabiru)
        if drv.available():
            drivers.append(drv)
        else:
            print("bench: %s is not installed: skipped" % name)
    write_rosters(a, a.workdir)
    server = start_server(a.workdir)
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        raw = asyncio.get_event_loop().run_until_complete(main_async(a, server, drivers))
    finally:
        subprocess.run(["tmux", "-S", os.path.join(a.workdir, "tmux.sock"), "kill-server"],
                       check=False, capture_output=True)
        subprocess.run([os.path.join(ROOT, "tests", "harness", "prosody-up"), "--stop",
                        os.path.join(a.workdir, "prosody")], check=False)
    import report
    meta = {"command": a.command, "date": started.strftime("%Y-%m-%d %H:%M UTC"),
            "duration_s": round((datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()),
            "machine": "%s, %d CPUs, %s" % (platform.machine(), os.cpu_count(), platform.platform()),
            "versions": {d.name: d.version() for d in drivers},
            "prosody": subprocess.run(["dpkg-query", "-W", "-f=${Version}", "prosody"],
                                      capture_output=True, text=True).stdout,
            "sizes": {"contacts": a.contacts, "idle_s": a.idle, "burst": a.burst,
                      "big_burst": a.big_burst, "pushes": a.pushes, "push_reps": a.push_reps,
                      "pipe_mb": a.pipe_mb, "ft_mb": a.ft_mb, "ibb_mb": a.ibb_mb,
                      "budget_s": a.budget},
            "reps": a.reps, "quick": a.quick, "only": a.only, "clients": [d.name for d in drivers]}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump({"meta": meta, "raw": raw}, f, indent=1)
    with open(os.path.join(a.out, "RESULTS.md"), "w") as f:
        f.write(report.markdown(meta, raw))
    if own:
        shutil.rmtree(a.workdir, ignore_errors=True)
    print("bench: wrote %s" % os.path.join(a.out, "RESULTS.md"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
