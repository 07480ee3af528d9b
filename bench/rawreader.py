#!/usr/bin/env python3
"""rawreader: the reference reader for the benchmark. Logs in over a raw
socket (STARTTLS, SASL PLAIN, bind), sends its presence and then does nothing
but read: it never parses the stanzas, it only counts the closing message tags
and answers XEP-0199 pings, so the bot can time the rate the server delivers.

    rawreader.py HOST PORT CA_FILE JID RESOURCE     (password on stdin)

Prints "ready FULL_JID" once online, then "pong N" after each ping it
answers (N = messages counted so far). Ends at end of stdin or when the
server closes the stream.
"""
import base64
import re
import socket
import ssl
import sys
import threading

PING_RE = re.compile(rb"<iq\b[^>]*>\s*<ping\b[^>]*urn:xmpp:ping")
ID_RE = re.compile(rb"""\bid=(['"])([^'"]*)\1""")
FROM_RE = re.compile(rb"""\bfrom=(['"])([^'"]*)\1""")


def read_until(sock, buf, marker):
    while marker not in buf:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the stream during login")
        buf += data
    i = buf.index(marker) + len(marker)
    return buf[:i], buf[i:]


def header(sock, domain):
    sock.sendall(("<?xml version='1.0'?><stream:stream to='%s' version='1.0' "
              "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
              % domain).encode())


def login(host, port, ca_file, jid, resource, password):
    user, domain = jid.split("@", 1)
    sock = socket.create_connection((host, port))
    buf = b""
    header(sock, domain)
    _, buf = read_until(sock, buf, b"</stream:features>")
    sock.sendall(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    _, buf = read_until(sock, buf, b"<proceed")
    ctx = ssl.create_default_context(cafile=ca_file)
    ctx.check_hostname = False  # the certificate names the domain, we dial 127.0.0.1
    sock = ctx.wrap_socket(sock)
    buf = b""
    header(sock, domain)
    _, buf = read_until(sock, buf, b"</stream:features>")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    sock.sendall(("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>"
              % token).encode())
    got, buf = read_until(sock, buf, b"/>")
    if b"<success" not in got:
        raise ConnectionError("authentication failed")
    header(sock, domain)
    _, buf = read_until(sock, buf, b"</stream:features>")
    sock.sendall(("<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
              "<resource>%s</resource></bind></iq>" % resource).encode())
    got, buf = read_until(sock, buf, b"</iq>")
    m = re.search(rb"<jid>([^<]*)</jid>", got)
    full = m.group(1).decode() if m else jid + "/" + resource
    sock.sendall(b"<presence><priority>1</priority></presence>")
    return sock, full, buf


def serve(sock, buf):
    count = 0
    tail = buf
    while True:
        count += tail.count(b"</message>")
        for m in PING_RE.finditer(tail):
            idm = ID_RE.search(m.group(0))
            frm = FROM_RE.search(m.group(0))
            if idm and frm:
                sock.sendall(b"<iq type='result' id='" + idm.group(2) + b"' to='" +
                         frm.group(2) + b"'/>")
                print("pong %d" % count, flush=True)
        # Keep the unfinished end (a tag cut in two) for the next round.
        cut = tail.rfind(b">") + 1
        tail = tail[cut:]
        try:
            data = sock.recv(262144)
        except OSError:
            return
        if not data:
            return
        tail += data


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    password = sys.stdin.readline().rstrip("\n")
    sock, full, buf = login(argv[1], int(argv[2]), argv[3], argv[4], argv[5], password)
    print("ready %s" % full, flush=True)
    threading.Thread(target=serve, args=(sock, buf), daemon=True).start()
    sys.stdin.read()
    try:
        sock.sendall(b"</stream:stream>")
        sock.close()
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
