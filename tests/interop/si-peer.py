#!/usr/bin/python3
"""An independent SI file-transfer peer for jabiru's tests, built on
slixmpp (Debian's python3-slixmpp 1.8.3): its XEP-0095/0096 stanzas and its
XEP-0047 in-band bytestreams, with workarounds for that version's bugs, and
a "hostile" mode that sends the malformed offers and stream data a real
client would not.

Usage: si-peer.py MODE JID HOST PORT CAFILE [ARGS...]; the password comes
from the environment (SI_PEER_PASSWORD), never from the command line.
  send TARGET FILE [DESC]   offer FILE to TARGET (a full JID) and send it
  receive DIR               accept one offer, save it into DIR
  hostile TARGET SCENARIO   run one misbehaviour (see SCENARIOS)
Writes one JSON object per line on stdout; exits 0 when the run went as
planned, 1 otherwise. Every wait has a deadline."""

import asyncio
import base64
import hashlib
import json
import logging
import os
import sys
import uuid
import xml.etree.ElementTree as ET

logging.basicConfig(level=logging.ERROR)  # before slixmpp says anything

import slixmpp  # noqa: E402
from slixmpp.xmlstream.handler import Callback  # noqa: E402
from slixmpp.xmlstream.matcher import MatchXPath  # noqa: E402
from slixmpp.exceptions import IqError  # noqa: E402

SI = 'http://jabber.org/protocol/si'
FT = 'http://jabber.org/protocol/si/profile/file-transfer'
IBB = 'http://jabber.org/protocol/ibb'
S5B = 'http://jabber.org/protocol/bytestreams'
FNEG = 'http://jabber.org/protocol/feature-neg'
BS = 'http://jabber.org/protocol/bytestreams'
DISCO_INFO = 'http://jabber.org/protocol/disco#info'
XDATA = 'jabber:x:data'
DEADLINE = 60


def out(**kw):
    print(json.dumps(kw, ensure_ascii=False), flush=True)


def offer_xml(sid, name, size, hash_=None, desc=None, methods=(IBB,)):
    si = ET.Element('{%s}si' % SI, {'id': sid, 'profile': FT,
                                     'mime-type': 'application/octet-stream'})
    attrs = {'name': name, 'size': str(size)}
    if hash_ is not None:
        attrs['hash'] = hash_
    f = ET.SubElement(si, '{%s}file' % FT, attrs)
    if desc is not None:
        ET.SubElement(f, '{%s}desc' % FT).text = desc
    x = ET.SubElement(ET.SubElement(si, '{%s}feature' % FNEG), '{%s}x' % XDATA,
                      {'type': 'form'})
    field = ET.SubElement(x, '{%s}field' % XDATA,
                          {'var': 'stream-method', 'type': 'list-single'})
    for m in methods:
        ET.SubElement(ET.SubElement(field, '{%s}option' % XDATA),
                      '{%s}value' % XDATA).text = m
    return si


class Peer(slixmpp.ClientXMPP):
    def __init__(self, jid, password, args):
        super().__init__(jid, password)
        self.args = args
        self.ok = False
        for p in ('xep_0030', 'xep_0047', 'xep_0095', 'xep_0096'):
            self.register_plugin(p)
        # slixmpp 1.8.3 registers its SI request handler as a plain
        # Callback, so the coroutine it calls is never awaited: no
        # si_request ever fires. Run it ourselves.
        self.remove_handler('SI Request')
        self.register_handler(slixmpp.xmlstream.handler.CoroutineCallback(
            'SI Request (awaited)',
            slixmpp.xmlstream.matcher.StanzaPath('iq@type=set/si'),
            self['xep_0095']._handle_request))
        self.add_event_handler('session_start', self.start)

    async def start(self, _):
        self.send_presence()
        try:
            await self.get_roster()
            out(event='ready', jid=str(self.boundjid))
            await asyncio.wait_for(getattr(self, 'run_' + self.args[0])(*self.args[1:]),
                                   DEADLINE)
        except Exception as e:  # report, never hang
            out(event='error', text='%s: %s' % (type(e).__name__, e))
        self.disconnect()

    # ---- the real thing, through slixmpp's plugins ----------------------

    async def run_send(self, target, path, desc=None):
        data = open(path, 'rb').read()
        sid = uuid.uuid4().hex
        # slixmpp 1.8.3's offer() passes the method list as plain strings
        # where add_field wants mappings (a TypeError), and its form has no
        # type: build the same stanza with the plugin's stanza classes.
        iq = self.make_iq_set(ito=target)
        iq['si']['id'] = sid
        iq['si']['profile'] = FT
        iq['si']['mime_type'] = 'application/octet-stream'
        iq['si']['file']['name'] = os.path.basename(path)
        iq['si']['file']['size'] = len(data)
        iq['si']['file']['hash'] = hashlib.md5(data).hexdigest()
        if desc:
            iq['si']['file']['desc'] = desc
        form = iq['si']['feature_neg']['form']
        form['type'] = 'form'
        form.add_field(var='stream-method', ftype='list-single', options=[{'label': '', 'value': IBB}])
        try:
            res = await iq.send(timeout=DEADLINE)
        except IqError as e:
            out(event='declined', condition=e.condition)
            return
        method = res['si']['feature_neg']['form'].get_values().get('stream-method')
        out(event='accepted', method=method)
        stream = await self['xep_0047'].open_stream(target, sid=sid)
        await stream.sendall(data)
        await stream.close()
        out(event='sent', size=len(data), sha256=hashlib.sha256(data).hexdigest())
        self.ok = True

    async def run_receive(self, directory):
        got = asyncio.get_running_loop().create_future()
        self.add_event_handler('si_request', lambda iq: got.done() or got.set_result(iq))
        iq = await got
        sid, sender = iq['si']['id'], iq['from']
        name = os.path.basename(iq['si']['file']['name']) or 'file'
        size = int(iq['si']['file']['size'])
        out(event='offer', name=iq['si']['file']['name'], size=size,
            hash=iq['si']['file']['hash'])
        opened = asyncio.get_running_loop().create_future()
        self.add_event_handler('ibb_stream_start',
                               lambda s: opened.done() or opened.set_result(s))
        # accept() in 1.8.3 calls the coroutine preauthorize_sid without
        # awaiting it, so the stream it agreed to would be refused:
        # preauthorize ourselves first.
        await self['xep_0047'].api['preauthorize_sid'](self.boundjid, sid, sender)
        # And 1.8.3 spends that authorisation on an open it then refuses
        # for its block size (resource-constraint), so the sender's retry
        # with a smaller block would be refused: keep the sid authorised.
        self['xep_0047'].api.register(
            lambda jid, node, ifrom, data: node == sid and ifrom == sender,
            'authorized', default=True)
        await self['xep_0095'].accept(sender, sid, ifrom=self.boundjid)
        stream = await opened
        data = await stream.gather(timeout=DEADLINE)
        with open(os.path.join(directory, name), 'wb') as f:
            f.write(data)
        md5_ok = iq['si']['file']['hash'] in ('', hashlib.md5(data).hexdigest())
        out(event='received', size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            md5_ok=md5_ok)
        self.ok = len(data) == size and md5_ok

    # ---- hostile --------------------------------------------------------

    async def raw_iq(self, target, el, timeout=20):
        iq = self.make_iq_set(ito=target)
        iq.xml.append(el)
        try:
            await iq.send(timeout=timeout)
            return 'result'
        except IqError as e:
            return e.condition

    async def offer(self, target, name, size, data=None, **kw):
        sid = uuid.uuid4().hex
        return sid, await self.raw_iq(target, offer_xml(sid, name, size, **kw))

    async def ibb(self, target, sid, blocks, seqs=None, close=True):
        res = await self.raw_iq(target, ET.Element('{%s}open' % IBB, {
            'sid': sid, 'block-size': '4096', 'stanza': 'iq'}))
        if res != 'result':
            return 'open:' + res
        for i, block in enumerate(blocks):
            seq = str(seqs[i] if seqs else i)
            d = ET.Element('{%s}data' % IBB, {'sid': sid, 'seq': seq})
            d.text = base64.b64encode(block).decode()
            res = await self.raw_iq(target, d)
            if res != 'result':
                return 'data:' + res
        if close:
            res = await self.raw_iq(target, ET.Element('{%s}close' % IBB, {'sid': sid}))
            return 'close:' + res
        return 'ok'

    async def run_hostile(self, target, scenario, *args):
        await getattr(self, 'h_' + scenario)(target, *args)
        self.ok = True

    async def h_names(self, target):
        """Hostile names, each offered and (if accepted) sent."""
        for name in ['../../evil.txt', '/etc/passwd', 'a\u202etxt.exe', 'x\u009b31m.txt',
                     '..', '.hidden', 'a\\b\\c.txt', 'tab\there.txt', 'n' * 600 + '.txt']:
            data = name.encode()[:40]
            sid, res = await self.offer(target, name, len(data))
            flow = await self.ibb(target, sid, [data]) if res == 'result' else ''
            out(event='offer', name=name, answer=res, flow=flow)

    async def h_empty_name(self, target):
        _, res = await self.offer(target, '', 5)
        out(event='offer', name='', answer=res)

    async def h_bad_sizes(self, target):
        for size in ['-5', 'abc', '99999999999999999999999', '1e3', '']:
            _, res = await self.offer(target, 'size.txt', size)
            out(event='offer', size=size, answer=res)

    async def h_too_few(self, target):
        sid, res = await self.offer(target, 'short.bin', 100)
        out(event='offer', answer=res, flow=await self.ibb(target, sid, [b'x' * 50]))

    async def h_too_many(self, target):
        sid, res = await self.offer(target, 'long.bin', 10)
        out(event='offer', answer=res, flow=await self.ibb(target, sid, [b'y' * 20]))

    async def h_bad_md5(self, target):
        sid, res = await self.offer(target, 'damaged.bin', 4, hash_='0' * 32)
        out(event='offer', answer=res, flow=await self.ibb(target, sid, [b'abcd']))

    async def h_duplicate(self, target):
        sid = uuid.uuid4().hex
        first = await self.raw_iq(target, offer_xml(sid, 'twice.txt', 3))
        second = await self.raw_iq(target, offer_xml(sid, 'twice.txt', 3))
        out(event='offers', first=first, second=second,
            flow=await self.ibb(target, sid, [b'abc']))

    async def h_out_of_sequence(self, target):
        sid, res = await self.offer(target, 'seq.bin', 12)
        out(event='offer', answer=res,
            flow=await self.ibb(target, sid, [b'aaaa', b'bbbb', b'cccc'], seqs=[0, 2, 3]))

    async def h_unknown_sid(self, target):
        d = ET.Element('{%s}data' % IBB, {'sid': 'no-such-stream', 'seq': '0'})
        d.text = base64.b64encode(b'zzz').decode()
        res = await self.raw_iq(target, d)
        opened = await self.raw_iq(target, ET.Element('{%s}open' % IBB, {
            'sid': 'no-such-stream', 'block-size': '4096', 'stanza': 'iq'}))
        out(event='unknown', data=res, open=opened)

    async def h_black_holed_streamhosts(self, target):
        """SOCKS5 and IBB offered; once SOCKS5 is chosen, eight streamhosts
        whose names the test's name server never answers; then in-band on
        the same sid, as a sender falls back."""
        data = b'fell back in-band\n' * 100
        sid, res = await self.offer(target, 'fallback.txt', len(data), methods=(S5B, IBB))
        if res != 'result':
            out(event='offer', answer=res)
            return
        q = ET.Element('{%s}query' % S5B, {'sid': sid, 'mode': 'tcp'})
        for i in range(8):
            ET.SubElement(q, '{%s}streamhost' % S5B, {
                'jid': str(self.boundjid), 'host': 'bh%d.blackhole.test' % i, 'port': '1080'})
        s5b = await self.raw_iq(target, q, timeout=DEADLINE - 10)
        out(event='offer', answer=res, s5b=s5b, flow=await self.ibb(target, sid, [data]))

    async def h_no_methods(self, target):
        sid = uuid.uuid4().hex
        res = await self.raw_iq(target, offer_xml(sid, 'm.txt', 3, methods=('urn:x:none',)))
        out(event='offer', answer=res)

    # ---- hostile SOCKS5 (XEP-0065) ----------------------------------------

    def take_over(self):
        """Offers and streamhost lists are ours to answer, not slixmpp's
        (its SI plugin loads xep_0065, which refuses unknown sids)."""
        self.remove_handler('SI Request (awaited)')
        self.remove_handler('Socks5 Bytestreams')

    def catch(self, ns, name='query'):
        """A future for the next incoming iq set whose child is ns:name."""
        fut = asyncio.get_running_loop().create_future()
        path = '{%s}iq/{%s}%s' % (self.default_ns, ns, name)
        self.register_handler(Callback('catch ' + path, MatchXPath(path),
                                       lambda iq: fut.done() or fut.set_result(iq)))
        return fut

    def accept_si(self, offer, method):
        """Answers an SI offer choosing method, as a receiver would."""
        reply = offer.reply(clear=True)
        si = ET.SubElement(reply.xml, '{%s}si' % SI)
        x = ET.SubElement(ET.SubElement(si, '{%s}feature' % FNEG), '{%s}x' % XDATA,
                          {'type': 'submit'})
        field = ET.SubElement(x, '{%s}field' % XDATA, {'var': 'stream-method'})
        ET.SubElement(field, '{%s}value' % XDATA).text = method
        reply.send()

    async def alive(self, target):
        """Whether target still answers an iq (a crashed client does not)."""
        iq = self.make_iq_get(ito=target)
        iq.xml.append(ET.Element('{%s}query' % DISCO_INFO))
        try:
            await iq.send(timeout=20)
            return True
        except Exception:
            return False

    async def gone(self, host, port, deadline=40):
        """Waits until nothing listens on host:port any more."""
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline
        while loop.time() < end:
            try:
                _, w = await asyncio.wait_for(asyncio.open_connection(host, port), 2)
                w.close()
            except (ConnectionError, OSError, asyncio.TimeoutError):
                return True
            await asyncio.sleep(0.2)  # polling a condition, bounded by end
        return False

    async def h_late_s5b_answer(self, target):
        """Accepts a file for SOCKS5 (if offered one), keeps the streamhost
        query unanswered until the sender dropped the stream (its listening
        socket closes: cancelled, or its deadline passed), then answers it
        late with an error, and checks the sender still answers."""
        self.take_over()
        offer, query = self.catch(SI, 'si'), self.catch(BS)
        done, _ = await asyncio.wait([offer, query], return_when=asyncio.FIRST_COMPLETED)
        if offer in done:
            self.accept_si(offer.result(), BS)
        q = await query
        hosts = [(h.get('host'), int(h.get('port')))
                 for h in q.xml.iter('{%s}streamhost' % BS)]
        out(event='holding', sid=q.xml.find('{%s}query' % BS).get('sid'), hosts=hosts)
        gone = all([await self.gone(h, p) for h, p in hosts])
        self.make_iq_error(q['id'], condition='item-not-found', ito=q['from']).send()
        out(event='late-answer', gone=gone, alive=await self.alive(q['from']))

    async def socks5_serve(self, reader, writer):
        """The server half of a SOCKS5 connect (RFC 1928, domain address)."""
        await asyncio.wait_for(reader.readexactly(3), 10)
        writer.write(b'\x05\x00')
        head = await asyncio.wait_for(reader.readexactly(5), 10)
        rest = await asyncio.wait_for(reader.readexactly(head[4] + 2), 10)
        writer.write(b'\x05\x00\x00\x03' + bytes([head[4]]) + rest[:head[4]] + b'\x00\x00')
        await writer.drain()

    async def streamhost(self, target, sid):
        """Listens on loopback, sends target a streamhost list naming it;
        returns the answer task and the first connection (reader, writer)."""
        conn = asyncio.get_running_loop().create_future()
        server = await asyncio.start_server(
            lambda r, w: conn.done() or conn.set_result((r, w)), '127.0.0.1', 0)
        port = server.sockets[0].getsockname()[1]
        iq = self.make_iq_set(ito=target)
        q = ET.SubElement(iq.xml, '{%s}query' % BS, {'sid': sid, 'mode': 'tcp'})
        ET.SubElement(q, '{%s}streamhost' % BS,
                      {'jid': self.boundjid.full, 'host': '127.0.0.1', 'port': str(port)})

        async def answer():
            try:
                await iq.send(timeout=40)
                return 'result'
            except IqError as e:
                return e.condition
            except Exception as e:
                return type(e).__name__
        task = asyncio.ensure_future(answer())
        r, w = await asyncio.wait_for(conn, 20)
        server.close()
        return task, r, w

    async def ibb_blocks(self, target, sid, blocks, close=True):
        for i, block in enumerate(blocks):
            d = ET.Element('{%s}data' % IBB, {'sid': sid, 'seq': str(i)})
            d.text = base64.b64encode(block).decode()
            res = await self.raw_iq(target, d)
            if res != 'result':
                return 'data:' + res
        if close:
            return 'close:' + await self.raw_iq(target, ET.Element('{%s}close' % IBB,
                                                                   {'sid': sid}))
        return 'ok'

    async def h_two_streams(self, target):
        """Offers SOCKS5 and IBB; when SOCKS5 is chosen, stalls its
        streamhost, opens IBB on the same sid, then completes SOCKS5 and
        sends the file over whichever stream the receiver kept. Then 65
        short transfers (so the first is forgotten) and late data on the
        first sid."""
        data = os.urandom(3000)
        sid = uuid.uuid4().hex
        res = await self.raw_iq(target, offer_xml(sid, 'two.bin', len(data),
                                                  hash_=hashlib.md5(data).hexdigest(),
                                                  methods=(BS, IBB)))
        answer, r, w = await self.streamhost(target, sid)
        opened = await self.raw_iq(target, ET.Element('{%s}open' % IBB, {
            'sid': sid, 'block-size': '4096', 'stanza': 'iq'}))
        try:
            await self.socks5_serve(r, w)
            socks = 'done'
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError):
            socks = 'closed'
        used = await answer
        if used == 'result':
            w.write(data)  # the receiver kept SOCKS5: the file goes there,
            await w.drain()  # and the in-band stream stays open
            w.close()
            flow = 'socks5'
        else:
            flow = await self.ibb_blocks(target, sid, [data])
        out(event='two-streams', offer=res, ibb_open=opened, socks=socks, used=used, flow=flow)
        for _ in range(65):
            s2, _r = await self.offer(target, 'short.bin', 1)
            await self.ibb(target, s2, [])
        d = ET.Element('{%s}data' % IBB, {'sid': sid, 'seq': '1'})
        d.text = base64.b64encode(b'late').decode()
        late = await self.raw_iq(target, d)
        out(event='late-data', answer=late, alive=await self.alive(target))

    async def h_stall_s5b_recv(self, target):
        """Sends over SOCKS5 a little of what it offered, then stops with
        the connection open; reports whether the receiver closed it."""
        sid = uuid.uuid4().hex
        res = await self.raw_iq(target, offer_xml(sid, 'stall.bin', 1 << 20, methods=(BS,)))
        answer, r, w = await self.streamhost(target, sid)
        await self.socks5_serve(r, w)
        w.write(os.urandom(1000))
        await w.drain()
        used = await answer
        try:
            closed = await asyncio.wait_for(r.read(), 45) == b''
        except (ConnectionError, asyncio.TimeoutError):
            closed = False
        out(event='stalled', offer=res, used=used, closed=closed)

    async def h_stall_s5b_send(self, target):
        """Accepts a file for SOCKS5, connects to the sender's own
        streamhost, names it, and then never reads."""
        self.take_over()
        offer, query = self.catch(SI, 'si'), self.catch(BS)
        self.accept_si(await offer, BS)
        q = await query
        sid = q.xml.find('{%s}query' % BS).get('sid')
        host = next(h for h in q.xml.iter('{%s}streamhost' % BS)
                    if h.get('jid') == str(q['from']))
        r, w = await asyncio.wait_for(asyncio.open_connection(
            host.get('host'), int(host.get('port'))), 10)
        addr = hashlib.sha1((sid + str(q['from']) + self.boundjid.full).encode()).hexdigest()
        w.write(b'\x05\x01\x00')
        await asyncio.wait_for(r.readexactly(2), 10)
        w.write(b'\x05\x01\x00\x03' + bytes([len(addr)]) + addr.encode() + b'\x00\x00')
        await asyncio.wait_for(r.readexactly(5 + len(addr) + 2), 10)
        reply = q.reply(clear=True)
        ET.SubElement(ET.SubElement(reply.xml, '{%s}query' % BS, {'sid': sid}),
                      '{%s}streamhost-used' % BS, {'jid': str(q['from'])})
        reply.send()
        w.transport.pause_reading()  # never read again: the sender's socket fills
        out(event='not-reading', sid=sid)
        # Held until the test, having seen what the sender did, ends us.
        await asyncio.sleep(DEADLINE)

    async def h_stall_ibb_recv(self, target):
        """Sends in-band half of what it offered, then nothing (no close)."""
        closed = self.catch(IBB, 'close')
        self.remove_handler('IBB Close')
        sid, res = await self.offer(target, 'stall-ibb.bin', 100)
        flow = await self.ibb(target, sid, [b'x' * 50], close=False)
        try:
            (await asyncio.wait_for(closed, 45)).reply().send()
            got_close = True
        except asyncio.TimeoutError:
            got_close = False
        out(event='stalled', offer=res, flow=flow, closed=got_close)

    async def h_stall_ibb_send(self, target, where='data'):
        """Accepts a file in-band, then never answers its data (or, where
        is 'open', the open itself)."""
        self.take_over()
        for name in ('IBB Open', 'IBB Data', 'IBB Close'):
            self.remove_handler(name)
        offer, opened = self.catch(SI, 'si'), self.catch(IBB, 'open')
        self.catch(IBB, 'data')  # taken, never answered (else slixmpp would)
        self.accept_si(await offer, IBB)
        open_iq = await opened
        if where != 'open':
            open_iq.reply().send()
        out(event='not-reading')
        await asyncio.sleep(DEADLINE)  # held until the test ends us

    async def h_many_offers(self, target):
        """One offer left unanswered, then 64 more answered one by one."""
        iq = self.make_iq_set(ito=target)
        iq.xml.append(offer_xml(uuid.uuid4().hex, 'first.bin', 3))
        first = iq.send(timeout=DEADLINE)  # sent now, answered at the end
        answers = [(await self.offer(target, 'more.bin', 3))[1] for _ in range(64)]
        out(event='offers-done', answers=sorted(set(answers)))
        try:
            await first
            res = 'result'
        except IqError as e:
            res = e.condition
        out(event='first', answer=res)

    async def h_hold_offers(self, target, n='3'):
        """n offers, each accepted or not, and no stream opened for any; the
        session stays until the test ends us, so the accepted ones stay
        open (leaving would fail them and remove their .part files)."""
        answers = [(await self.offer(target, 'held%d.bin' % i, 5))[1] for i in range(int(n))]
        out(event='held', answers=answers)
        await asyncio.sleep(DEADLINE)  # held until the test ends us


def main():
    if len(sys.argv) < 7:
        print(__doc__, file=sys.stderr)
        return 2
    mode, jid, host, port, cafile = sys.argv[1:6]
    peer = Peer(jid, os.environ.get('SI_PEER_PASSWORD', ''), [mode] + sys.argv[6:])
    peer.ca_certs = cafile
    peer.connect(address=(host, int(port)))
    peer.add_event_handler('disconnected', lambda _: peer.loop.stop())
    peer.add_event_handler('failed_auth', lambda _: peer.loop.stop())
    peer.loop.call_later(DEADLINE + 10, peer.loop.stop)
    peer.loop.run_forever()
    return 0 if peer.ok else 1


if __name__ == '__main__':
    sys.exit(main())
