#!/usr/bin/python3
"""An independent SOCKS5 Bytestreams (XEP-0065) peer for jabiru's tests,
built on slixmpp's xep_0065 plugin (Debian's python3-slixmpp 1.8.3).

Usage: s5b-peer.py MODE JID HOST PORT CAFILE ARGS...; the password comes
from the environment (S5B_PEER_PASSWORD), never from the command line.
  send TARGET SID SIZE  open a bytestream to TARGET (a full JID) through the
                        server's proxy (slixmpp offers only proxies) and send
                        SIZE random bytes
  recv SID              accept the bytestream SID (slixmpp tries every
                        streamhost at once and names the first that worked)
                        and read it to its end
Writes one JSON object per line on stdout (ready, sent or received with
bytes and sha256, error); exits 0 when the run went as planned. Every wait
has a deadline."""

import asyncio
import hashlib
import json
import logging
import os
import sys

logging.basicConfig(level=logging.ERROR)  # before slixmpp says anything

import slixmpp  # noqa: E402

DEADLINE = 60
CHUNK = 65536


def out(**kw):
    print(json.dumps(kw), flush=True)


class Peer(slixmpp.ClientXMPP):
    def __init__(self, jid, password, args):
        super().__init__(jid, password)
        self.args = args
        self.ok = False
        self.register_plugin('xep_0030')
        # Accepting any sid is what the test wants: it names the sid.
        self.register_plugin('xep_0065', {'auto_accept': True})
        self.add_event_handler('session_start', self.start)

    async def start(self, _):
        self.send_presence()
        try:
            out(event='ready', jid=str(self.boundjid))
            await asyncio.wait_for(getattr(self, 'run_' + self.args[0])(*self.args[1:]),
                                   DEADLINE)
        except Exception as e:  # report, never hang
            out(event='error', text='%s: %s' % (type(e).__name__, e))
        self.disconnect()

    async def run_send(self, target, sid, size):
        size = int(size)
        closed = asyncio.get_running_loop().create_future()
        self.add_event_handler('socks5_closed',
                               lambda _: closed.done() or closed.set_result(True))
        sock = await self['xep_0065'].handshake(target, sid=sid)
        if sock is None:
            raise RuntimeError('no bytestream')
        digest, sent = hashlib.sha256(), 0
        while sent < size:
            chunk = os.urandom(min(CHUNK, size - sent))
            digest.update(chunk)
            await sock.write(chunk)
            sent += len(chunk)
        # Half-close and wait for the receiver to close: it read everything.
        sock.transport.write_eof()
        await closed
        out(event='sent', bytes=sent, sha256=digest.hexdigest())
        self.ok = True

    async def run_recv(self, sid):
        loop = asyncio.get_running_loop()
        stream, done = loop.create_future(), loop.create_future()
        digest, got = hashlib.sha256(), [0]

        def on_data(data):
            digest.update(data)
            got[0] += len(data)

        self.add_event_handler('socks5_stream',
                               lambda c: stream.done() or stream.set_result(c))
        self.add_event_handler('socks5_data', on_data)
        self.add_event_handler('socks5_closed',
                               lambda _: stream.done() and not done.done() and
                               done.set_result(True))
        out(event='waiting', sid=sid)
        conn = await stream
        await done
        conn.transport.close()
        out(event='received', bytes=got[0], sha256=digest.hexdigest())
        self.ok = True


def main():
    if len(sys.argv) < 7:
        print(__doc__, file=sys.stderr)
        return 2
    mode, jid, host, port, cafile = sys.argv[1:6]
    peer = Peer(jid, os.environ.get('S5B_PEER_PASSWORD', ''), [mode] + sys.argv[6:])
    peer.ca_certs = cafile
    peer.connect(address=(host, int(port)))
    peer.add_event_handler('disconnected', lambda _: peer.loop.stop())
    peer.add_event_handler('failed_auth', lambda _: peer.loop.stop())
    peer.loop.call_later(DEADLINE + 10, peer.loop.stop)
    peer.loop.run_forever()
    return 0 if peer.ok else 1


if __name__ == '__main__':
    sys.exit(main())
