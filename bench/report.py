#!/usr/bin/env python3
"""RESULTS.md from the raw measurements: one row per figure, median and
min-max per client over the repetitions, and jabiru / other."""
import statistics


def fmt(v):
    if v is None:
        return "n/a"
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return "%.0f" % v
    if abs(v) >= 1:
        return "%.3g" % v
    return "%.2g" % v


def summarise(raw):
    """{(figure, client): (median, min, max, n, unit, notes)} in first-seen order."""
    groups, order = {}, []
    for r in raw:
        key = (r["figure"], r["client"])
        if key not in groups:
            groups[key] = {"vals": [], "unit": r["unit"], "notes": set()}
            order.append(key)
        g = groups[key]
        if r["value"] is not None:
            g["vals"].append(r["value"])
        for n in r["note"].split("; ") if r["note"] else ():
            g["notes"].add(n)
    out = {}
    for key in order:
        g = groups[key]
        v = g["vals"]
        out[key] = (statistics.median(v) if v else None, min(v) if v else None,
                    max(v) if v else None, len(v), g["unit"], sorted(g["notes"]))
    return out, order


def cell(s):
    med, lo, hi, n, _unit, notes = s
    if med is None:
        return "n/a" + (" (%s)" % "; ".join(notes) if notes else "")
    text = fmt(med) if n == 1 or lo == hi else "%s (%s–%s)" % (fmt(med), fmt(lo), fmt(hi))
    if notes:
        text += " ‡" if "cpu-quiet" in notes else " (%s)" % "; ".join(notes)
    return text


def markdown(meta, raw):
    summ, order = summarise(raw)
    clients = meta["clients"]
    others = [c for c in clients if c != "jabiru"]
    figures = []
    for fig, _c in order:
        if fig not in figures:
            figures.append(fig)
    lines = ["# jabiru benchmark results", ""]
    if meta.get("quick"):
        lines += ["**Quick (smoke-test) run: tiny sizes, not a measurement.**", ""]
    lines += ["- Command: `%s`" % meta["command"],
              "- Date: %s (took %d s)" % (meta["date"], meta["duration_s"]),
              "- Machine: %s" % meta["machine"],
              "- Prosody %s on 127.0.0.1 (no mod_limits: no c2s throttling)" % meta["prosody"]]
    for c, v in meta["versions"].items():
        lines.append("- %s: %s" % (c, v))
    s = meta["sizes"]
    lines += ["- Sizes: roster %d contacts, idle %d s, bursts %d and %d messages, %d roster pushes, "
              "TCP pipe %d MB, file transfers %d MB (SOCKS5) and %d MB (IBB) on tmpfs; %d repetition(s), client order rotated each repetition; "
              "a burst that would take longer than %d s at the rate of the client's calibration burst is cut to what fits; "
              "roster pushes in the first %d repetition(s) only"
              % (s["contacts"], s["idle_s"], s["burst"], s["big_burst"], s["pushes"], s["pipe_mb"],
                 s.get("ft_mb", 0), s.get("ibb_mb", 0), meta["reps"], s.get("budget_s", 0), s.get("push_reps", meta["reps"])), "",
              "Cells: median (min–max) over the repetitions. Ratios: jabiru median / other median "
              "(below 1 is better for jabiru, except for rates, where above 1 is better). "
              "‡ = timed by CPU quiescence because the client does not answer XEP-0199 pings "
              "(the time its CPU last moved before 0.5 s of quiet).", ""]
    head = ["figure", "unit"] + clients + ["jabiru/%s" % o for o in others]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for fig in figures:
        if not any((fig, c) in summ for c in clients):
            continue
        unit = next(summ[(fig, c)][4] for c in clients if (fig, c) in summ)
        row = [fig, unit]
        for c in clients:
            row.append(cell(summ[(fig, c)]) if (fig, c) in summ else "—")
        j = summ.get((fig, "jabiru"), (None,))[0]
        for o in others:
            v = summ.get((fig, o), (None,))[0]
            row.append("%.2f" % (j / v) if j is not None and v else "—")
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "## Reference figures", "", "| figure | unit | value |", "|---|---|---|"]
    for (fig, c), st in summ.items():
        if c not in clients:
            lines.append("| %s: %s | %s | %s |" % (c, fig, st[4], cell(st)))
    lines += targets(meta, summ)
    lines += ["", "Raw numbers: `bench/results.json` (every measurement of every repetition).", ""]
    return "\n".join(lines)


def targets(meta, summ):
    """The issue's targets, checked on the medians of this run."""
    s = meta["sizes"]
    others = [c for c in meta["clients"] if c != "jabiru"]

    def med(fig, client="jabiru"):
        return summ.get((fig, client), (None,))[0]

    def best(fig, low=True):
        vals = [(med(fig, o), o) for o in others if med(fig, o) is not None]
        if not vals:
            return None, None
        return min(vals) if low else max(vals)

    out = ["", "## Targets (medians of this run)", "", "| target | jabiru | reference | verdict |",
           "|---|---|---|---|"]

    def row(name, j, ref, ok):
        verdict = "n/a" if ok is None else ok if isinstance(ok, str) else (
            "met" if ok else "missed")
        out.append("| %s | %s | %s | %s |" % (name, fmt(j) if isinstance(j, float) or
                                               isinstance(j, int) else (j or "n/a"), ref, verdict))

    cpu, sw = med("idle: cpu"), med("idle: context switches")
    row("idle: 0 CPU, 0 wake-ups/s", "%s ms/s, %s/s" % (fmt(cpu), fmt(sw)), "0",
        None if cpu is None else cpu == 0 and sw == 0)
    j = med("login roster: settled")
    b, who = best("login roster: settled")
    pr = med("login roster: settled", "profanity")
    ok = None if j is None or b is None else j <= b and (pr is None or j <= pr / 5)
    row("login settled, %d contacts: <= fastest other, <= 1/5 Profanity" % s["contacts"], j,
        "%s s (%s)%s" % (fmt(b), who, "" if pr is None else "; Profanity/5 = %s s" % fmt(pr / 5)),
        ok)
    for m in ("Private_Dirty", "VmRSS"):
        fig = "memory after login: " + m
        j, (b, who) = med(fig), best(fig)
        row("memory after login (%s) <= 2/3 leanest" % m, j,
            "2/3 x %s MB (%s) = %s MB" % (fmt(b), who, fmt(b * 2 / 3)) if b else "n/a",
            None if j is None or b is None else j <= b * 2 / 3)
    for count, label in ((s["burst"], "unfocused"), (s["burst"], "focused"),
                         (s["big_burst"], "focused")):
        fig = "burst %d %s" % (count, label)
        j = med(fig + ": rate")
        srv = med("deliverable rate %d" % count, "server")
        row("%s: rate >= 90%% of the server's" % fig, j,
            "0.9 x %s msg/s" % fmt(srv) if srv else "n/a",
            None if j is None or srv is None else j >= 0.9 * srv)
        j, (b, who) = med(fig + ": cpu/msg"), best(fig + ": cpu/msg")
        row("%s: CPU/msg <= 1/2 best other" % fig, j,
            "1/2 x %s us (%s)" % (fmt(b), who) if b is not None else "n/a",
            None if j is None or b is None else j <= b / 2)
    r5, r20 = (med("burst %d focused: rate" % s["burst"]),
               med("burst %d focused: rate" % s["big_burst"]))
    row("no slowdown %d -> %d (focused)" % (s["burst"], s["big_burst"]),
        "%s -> %s msg/s" % (fmt(r5), fmt(r20)), "rate at %d" % s["big_burst"],
        None if r5 is None or r20 is None else r20 >= 0.95 * r5)
    fig = "roster %d pushes: cpu" % s["pushes"]
    j, (b, who) = med(fig), best(fig)
    row("roster pushes: CPU <= 1/2 best other", j,
        "1/2 x %s ms (%s)" % (fmt(b), who) if b is not None else "n/a",
        None if j is None or b is None else j <= b / 2)
    pipe = med("loopback copy %d MB" % s["pipe_mb"], "tcp-pipe")
    j = med("file transfer socks5-direct: rate")
    row("SOCKS5 direct >= 1/2 TCP pipe", j,
        "1/2 x %s MB/s = %s MB/s" % (fmt(pipe), fmt(pipe / 2)) if pipe else "n/a",
        None if j is None or pipe is None else j >= pipe / 2)
    j = med("file transfer socks5-direct: rate after the offer")
    row("SOCKS5 direct, the stream alone (after the offer's md5 pass) >= 1/2 TCP pipe", j,
        "1/2 x %s MB/s = %s MB/s" % (fmt(pipe), fmt(pipe / 2)) if pipe else "n/a",
        None if j is None or pipe is None else j >= pipe / 2)
    # The receiver hashes every byte once (md5, which XEP-0096 checks) in
    # the one thread: the stream cannot outrun md5 on one core.
    md5 = med("in-memory rate, one core", "md5")
    row("SOCKS5 direct, the stream alone, against the md5 bound of one core", j,
        "md5 %s MB/s: the stream reaches %s %% of it; 1/2 TCP pipe is %s x the md5 rate; "
        "the whole transfer hashes twice in a row (sender before the offer, receiver "
        "during the stream): %s MB/s at best" % (fmt(md5), fmt(j / md5 * 100),
                                                 fmt(pipe / 2 / md5), fmt(md5 / 2))
        if j and md5 and pipe else "n/a", "bound" if md5 else None)
    rx = med("file transfer socks5-direct: receiver CPU per GB")
    row("SOCKS5 direct receiver: CPU per GB, and the share of it md5 alone needs", rx,
        "md5 alone: %s s per GB = %s %% of it" % (fmt(1e3 / md5), fmt(1e3 / md5 / rx * 100))
        if rx and md5 else "n/a", "bound" if rx and md5 else None)
    ft_mb = s.get("ft_mb", 1024)
    for method in ("socks5-direct", "socks5-proxy"):
        peaks = [med("file transfer %s: %s peak RSS growth" % (method, who))
                 for who in ("sender", "receiver")]
        peaks = [p for p in peaks if p is not None]
        row("%s: peak RSS growth during a %d MB transfer < 8 MB (worse side)" % (method, ft_mb),
            max(peaks) if peaks else None, "8 MB", max(peaks) < 8 if peaks else None)
    shares = [med("file transfer ibb: %s CPU share" % who) for who in ("sender", "receiver")]
    shares = [x for x in shares if x is not None]
    row("IBB limited by the server, not by jabiru (jabiru's CPU share, busier side)",
        "%s %%" % fmt(max(shares)) if shares else None,
        "well below 100 %% (< 50 %%); IBB rate %s MB/s" % fmt(med("file transfer ibb: rate")),
        max(shares) < 50 if shares else None)
    return out


if __name__ == "__main__":
    # Regenerates RESULTS.md from a results.json: report.py results.json > RESULTS.md
    import json
    import sys

    with open(sys.argv[1]) as f:
        data = json.load(f)
    sys.stdout.write(markdown(data["meta"], data["raw"]))
