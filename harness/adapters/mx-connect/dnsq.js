'use strict';
/*
 * dnsq.js - the two DNS hooks mx-connect documents for DANE, written with
 * dns-packet (a DNS wire-format library) because Node 20's resolver shows
 * neither TLSA records nor the AD bit:
 *
 *   resolveTlsa(name)       -> TLSA records, from a validated answer only
 *   checkDnssecSecure(host) -> { secure: AD bit of the host's A (or AAAA) }
 *
 * Queries go to the first nameserver of /etc/resolv.conf (inside the
 * harness sandbox: its validating Unbound) over UDP with EDNS0 and the DO
 * bit, and again over TCP when the answer is truncated.  SERVFAIL (a bogus
 * answer) and timeouts are thrown as errors: mx-connect then marks the
 * host as a DANE lookup failure (temporary).  NXDOMAIN and NODATA are "no
 * records" (err.code ENOTFOUND / ENODATA).  An answer without the AD bit
 * yields no TLSA records: RFC 7672 section 2.2 makes insecure TLSA records
 * unusable.
 */
const dgram = require('dgram');
const fs = require('fs');
const net = require('net');
const packet = require('dns-packet');

const TIMEOUT_MS = 5000;

/* nameserver - the first nameserver line of /etc/resolv.conf */
function nameserver() {
    const text = fs.readFileSync('/etc/resolv.conf', 'utf8');
    const m = text.match(/^\s*nameserver\s+(\S+)/m);
    if (!m) throw new Error('no nameserver in /etc/resolv.conf');
    return m[1];
}

function queryPacket(name, type) {
    return {
        type: 'query',
        id: Math.floor(Math.random() * 65534) + 1,
        flags: packet.RECURSION_DESIRED | packet.AUTHENTIC_DATA,
        questions: [{ type, name, class: 'IN' }],
        additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: packet.DNSSEC_OK }]
    };
}

/* udp - one query over UDP; the decoded response */
function udp(server, q) {
    return new Promise((resolve, reject) => {
        const sock = dgram.createSocket(net.isIPv6(server) ? 'udp6' : 'udp4');
        const timer = setTimeout(() => {
            sock.close();
            reject(Object.assign(new Error(`DNS timeout: ${q.questions[0].name} ${q.questions[0].type}`), { code: 'ETIMEOUT' }));
        }, TIMEOUT_MS);
        sock.on('message', msg => {
            let r;
            try {
                r = packet.decode(msg);
            } catch (e) {
                return done(Object.assign(new Error(`undecodable DNS answer: ${e.message}`), { code: 'EBADRESP' }));
            }
            if (r.id === q.id) done(null, r);
        });
        sock.on('error', e => done(e));
        function done(err, r) {
            clearTimeout(timer);
            sock.close();
            if (err) reject(err);
            else resolve(r);
        }
        sock.send(packet.encode(q), 53, server);
    });
}

/* tcp - one query over TCP; the decoded response */
function tcp(server, q) {
    return new Promise((resolve, reject) => {
        const sock = net.connect(53, server);
        let buf = Buffer.alloc(0);
        const timer = setTimeout(() => fail(Object.assign(new Error('DNS timeout (TCP)'), { code: 'ETIMEOUT' })), TIMEOUT_MS);
        function fail(e) {
            clearTimeout(timer);
            sock.destroy();
            reject(e);
        }
        sock.on('connect', () => sock.write(packet.streamEncode(q)));
        sock.on('data', d => {
            buf = Buffer.concat([buf, d]);
            if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
                clearTimeout(timer);
                sock.destroy();
                try {
                    resolve(packet.streamDecode(buf));
                } catch (e) {
                    reject(Object.assign(new Error(`undecodable DNS answer: ${e.message}`), { code: 'EBADRESP' }));
                }
            }
        });
        sock.on('error', fail);
    });
}

/* query - name/type through the resolver; the response, or an error for
 * SERVFAIL and other failures; ENOTFOUND/ENODATA for no records */
async function query(name, type) {
    const server = nameserver();
    const q = queryPacket(name, type);
    let r = await udp(server, q);
    if (r.flag_tc) r = await tcp(server, q);
    if (r.rcode === 'NXDOMAIN') throw Object.assign(new Error(`${name} ${type}: NXDOMAIN`), { code: 'ENOTFOUND', ad: r.flag_ad });
    if (r.rcode !== 'NOERROR') throw Object.assign(new Error(`${name} ${type}: ${r.rcode}`), { code: `E${r.rcode}` });
    const answers = (r.answers || []).filter(a => a.type === type);
    return { ad: r.flag_ad, answers };
}

/* resolveTlsa - mx-connect's dane.resolveTlsa hook */
async function resolveTlsa(tlsaName) {
    const r = await query(tlsaName, 'TLSA');
    if (!r.ad) return []; // insecure: unusable (RFC 7672 section 2.2)
    return r.answers.map(a => ({
        usage: a.data.usage,
        selector: a.data.selector,
        mtype: a.data.matchingType,
        cert: a.data.certificate,
        ttl: a.ttl
    }));
}

/* checkDnssecSecure - mx-connect's dane.checkDnssecSecure hook */
async function checkDnssecSecure(hostname) {
    for (const type of ['A', 'AAAA']) {
        let r;
        try {
            r = await query(hostname, type);
        } catch (e) {
            if (e.code === 'ENOTFOUND') return { secure: !!e.ad };
            throw e;
        }
        if (r.answers.length > 0 || type === 'AAAA') return { secure: r.ad };
    }
    return { secure: false };
}

module.exports = { resolveTlsa, checkDnssecSecure, query };
