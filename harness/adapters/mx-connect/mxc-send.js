'use strict';
/*
 * mxc-send.js - deliver one message with the npm package mx-connect, as an
 * integrator of that library would: mx-connect resolves the MX hosts and
 * their TLSA records and opens the TCP connection; this program speaks
 * SMTP over it (STARTTLS with Node's tls) and calls the verifier that
 * mx-connect returns (connection.daneVerifier) with the leaf and its
 * issuer chain, as mx-connect's README shows.
 *
 *   node mxc-send.js --from F --rcpt R --message FILE --helo NAME
 *                    [--tlsa=hook|native] [--dnssec-check]
 *
 * Options given to mx-connect (the README's "dane" block):
 *   dane.enabled = true, dane.logger = a stderr logger;
 *   dane.resolveTlsa = a TLSA lookup with dns-packet to the resolver of
 *     /etc/resolv.conf that takes records only from an answer with the AD
 *     bit (unless --tlsa=native: Node 20 has no dns.resolveTlsa, so the
 *     library then finds no TLSA records at all);
 *   dane.checkDnssecSecure = the AD bit of the host's A (else AAAA)
 *     answer, only with --dnssec-check.
 * Everything else is mx-connect's default (dnsOptions: Node's
 * dns.promises on /etc/resolv.conf), except maxConnectTime (10 s).
 *
 * mx-connect returns one connection, to the first host it could reach.
 * When that host fails (DANE mismatch, no STARTTLS where TLSA records
 * require it, a 4xx reply), the next attempt passes the hosts tried so
 * far in ignoreMXHosts, the library's documented way to move on.
 *
 * stdout: the outcome line of adapter contract v1 (delivered / deferred /
 * bounced REASON); stderr: a transcript, kept by the harness as evidence.
 * Exit 0 with an outcome, 1 on a usage or internal error.
 */
const fs = require('fs');
const tls = require('tls');
const mxConnect = require('mx-connect');
const dnsq = require('./dnsq');

const SMTP_TIMEOUT_MS = 15000;
const MAX_HOSTS = 10;

function say(line) {
    process.stderr.write(`mxc: ${line}\n`);
}

function usage(msg) {
    process.stderr.write(`mxc-send: ${msg}\n`);
    process.exit(1);
}

/* parseArgs - the command line into an options object */
function parseArgs(argv) {
    const o = { tlsa: 'hook', dnssecCheck: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const val = () => {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--from') o.from = val();
        else if (a === '--rcpt') o.rcpt = val();
        else if (a === '--message') o.message = val();
        else if (a === '--helo') o.helo = val();
        else if (a === '--dnssec-check') o.dnssecCheck = true;
        else if (a === '--tlsa=hook' || a === '--tlsa=native') o.tlsa = a.slice(7);
        else usage(`unknown option ${a} (known: --tlsa=hook|native, --dnssec-check)`);
    }
    for (const k of ['from', 'rcpt', 'message', 'helo']) {
        if (!o[k]) usage(`--${k} is required`);
    }
    return o;
}

/* daneOptions - the "dane" block given to mx-connect */
function daneOptions(o) {
    const d = {
        enabled: true,
        logger: entry => say(`dane: ${JSON.stringify(entry)}`)
    };
    if (o.tlsa === 'hook') d.resolveTlsa = dnsq.resolveTlsa;
    if (o.dnssecCheck) d.checkDnssecSecure = dnsq.checkDnssecSecure;
    return d;
}

/* Reply reader: SMTP replies from a socket, one promise per reply. */
class Replies {
    constructor(socket) {
        this.attach(socket);
    }

    attach(socket) {
        this.socket = socket;
        this.buf = '';
        this.lines = [];
        this.waiting = null;
        this.ended = null;
        socket.setEncoding('latin1');
        socket.on('data', d => {
            this.buf += d;
            let nl;
            while ((nl = this.buf.indexOf('\n')) >= 0) {
                this.lines.push(this.buf.slice(0, nl).replace(/\r$/, ''));
                this.buf = this.buf.slice(nl + 1);
            }
            this.wake();
        });
        socket.on('end', () => this.finish('connection closed by the server'));
        socket.on('close', () => this.finish('connection closed'));
        socket.on('error', e => this.finish(`socket error: ${e.message}`));
    }

    finish(why) {
        if (!this.ended) this.ended = why;
        this.wake();
    }

    detach() {
        this.socket.removeAllListeners('data');
        this.socket.removeAllListeners('end');
        this.socket.removeAllListeners('close');
        this.socket.removeAllListeners('error');
        this.socket.on('error', () => {});
    }

    /* take - a whole reply from the lines read, or null */
    take() {
        for (let i = 0; i < this.lines.length; i++) {
            if (!/^\d{3}-/.test(this.lines[i])) {
                const text = this.lines.splice(0, i + 1);
                return { code: parseInt(text[text.length - 1].slice(0, 3), 10) || 0, text };
            }
        }
        return null;
    }

    wake() {
        if (!this.waiting) return;
        const r = this.take();
        if (r || this.ended) {
            const w = this.waiting;
            this.waiting = null;
            clearTimeout(w.timer);
            if (r) w.resolve(r);
            else w.reject(new SmtpError(this.ended, true));
        }
    }

    next(what) {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiting = null;
                reject(new SmtpError(`timeout waiting for the reply to ${what}`, true));
            }, SMTP_TIMEOUT_MS);
            this.waiting = { resolve, reject, timer };
            this.wake();
        });
    }
}

class SmtpError extends Error {
    /* temporary: try the next host; permanent (5xx): bounce */
    constructor(message, temporary) {
        super(message);
        this.temporary = temporary;
    }
}

/* command - send one SMTP command (or none) and read its reply */
async function command(r, line, what) {
    if (line !== null) {
        say(`> ${what === 'DATA body' ? '(message)' : line}`);
        r.socket.write(`${line}\r\n`);
    }
    const rep = await r.next(what);
    for (const t of rep.text) say(`< ${t}`);
    return rep;
}

/* expect - a command whose reply must be 2xx/3xx, else SmtpError */
async function expect(r, line, what) {
    const rep = await command(r, line, what);
    if (rep.code >= 200 && rep.code < 400) return rep;
    const text = rep.text[rep.text.length - 1];
    throw new SmtpError(`${what}: ${text}`, rep.code < 500);
}

/* issuers - the chain as mx-connect's README builds it ("Verification
 * flow"): follow leaf.issuerCertificate, the issuers the server sent;
 * bounded, in case a self-signed certificate names itself for ever.
 * (Read the leaf with getPeerX509Certificate() only: on Node 20 a
 * getPeerCertificate(true) after it returns an empty object.) */
function issuers(leaf) {
    const chain = [];
    for (let cert = leaf && leaf.issuerCertificate; cert && chain.length < 16; cert = cert.issuerCertificate) {
        chain.push(cert);
    }
    return chain;
}

/* starttls - upgrade the socket; check the peer with mx-connect's verifier */
function starttls(conn, socket) {
    return new Promise((resolve, reject) => {
        const s = tls.connect({
            socket,
            servername: conn.hostname,
            rejectUnauthorized: false, // the README: the verifier is the authority
            checkServerIdentity: () => undefined,
            minVersion: 'TLSv1'
        });
        const timer = setTimeout(() => {
            s.destroy();
            reject(new SmtpError('TLS handshake timeout', true));
        }, SMTP_TIMEOUT_MS);
        s.once('error', e => {
            clearTimeout(timer);
            reject(new SmtpError(`TLS handshake failed: ${e.message}`, true));
        });
        s.once('secureConnect', () => {
            clearTimeout(timer);
            resolve(s);
        });
    });
}

/* verifyPeer - DANE check after the handshake, when mx-connect enabled
 * it: the leaf, and the issuers above it (the README's "Verification
 * flow": the chain holds the issuers only) */
function verifyPeer(conn, s) {
    const leaf = s.getPeerX509Certificate();
    const chain = issuers(leaf);
    say(`tls: ${s.getProtocol()} ${s.getCipher().name}, leaf ${leaf ? leaf.subject.replace(/\n/g, ', ') : 'none'}, chain ${chain.map(c => c.subject.replace(/\n/g, ', ')).join(' | ') || 'none'}`);
    if (!conn.daneEnabled) {
        say('tls: no TLSA records from mx-connect: opportunistic TLS, certificate not checked');
        return 'unauthenticated';
    }
    const err = conn.daneVerifier(conn.hostname, leaf, chain);
    if (err) {
        s.destroy();
        throw new SmtpError(`${err.message} (${err.code})`, true);
    }
    say(`tls: DANE verified (${conn.tlsaRecords.length} TLSA records)`);
    return 'DANE-verified';
}

/* hello - greeting and EHLO; the reply's extension words */
async function hello(r, helo) {
    await expect(r, null, 'greeting');
    const rep = await expect(r, `EHLO ${helo}`, 'EHLO');
    return rep.text.slice(1).map(t => t.slice(4).trim().toUpperCase());
}

/* secure - STARTTLS as the TLSA records require it (or opportunistically) */
async function secure(conn, r, exts, helo) {
    if (!exts.some(e => e === 'STARTTLS')) {
        if (conn.requireTls) throw new SmtpError('STARTTLS not offered, but TLSA records require TLS', true);
        say('tls: STARTTLS not offered, no TLSA records: cleartext');
        return 'cleartext';
    }
    const rep = await command(r, 'STARTTLS', 'STARTTLS');
    if (rep.code !== 220) {
        if (conn.requireTls) throw new SmtpError(`STARTTLS refused: ${rep.text.join(' ')}`, true);
        say('tls: STARTTLS refused, no TLSA records: cleartext');
        return 'cleartext';
    }
    r.detach();
    const s = await starttls(conn, conn.socket);
    const how = verifyPeer(conn, s);
    r.attach(s);
    await expect(r, `EHLO ${helo}`, 'EHLO after STARTTLS');
    return how;
}

/* dotStuff - the message as DATA content */
function dotStuff(body) {
    const lines = body.replace(/\r?\n/g, '\n').split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.map(l => (l.startsWith('.') ? `.${l}` : l)).join('\r\n') + '\r\n.';
}

/* session - one SMTP session over mx-connect's connection */
async function session(conn, o, body) {
    const r = new Replies(conn.socket);
    try {
        const exts = await hello(r, o.helo);
        const how = await secure(conn, r, exts, o.helo);
        await expect(r, `MAIL FROM:<${o.from}>`, 'MAIL FROM');
        await expect(r, `RCPT TO:<${o.rcpt}>`, 'RCPT TO');
        await expect(r, 'DATA', 'DATA');
        const rep = await expect(r, dotStuff(body), 'DATA body');
        await command(r, 'QUIT', 'QUIT').catch(() => {});
        return `${rep.text[rep.text.length - 1]} (${how})`;
    } finally {
        r.socket.destroy();
    }
}

/* attempt - one connection from mx-connect, one session; null if the
 * library found no host left */
async function attempt(o, body, tried, lastError) {
    let conn;
    try {
        conn = await mxConnect({
            target: o.rcpt.slice(o.rcpt.lastIndexOf('@') + 1),
            port: 25,
            maxConnectTime: 10000,
            localHostname: o.helo,
            ignoreMXHosts: tried,
            mxLastError: lastError || undefined,
            dane: daneOptions(o)
        });
    } catch (err) {
        const perm = err.code === 'ENULLMX' || (err.category === 'dns' && !err.temporary && /ENOTFOUND|No Mail Exchange/.test(`${err.code} ${err.message}`));
        say(`mx-connect: ${err.message}${err.code ? ` (${err.code})` : ''}`);
        return { done: true, outcome: perm ? 'bounced' : 'deferred', reason: err.message };
    }
    tried.push(conn.host);
    say(`connected to ${conn.hostname}[${conn.host}]:${conn.port} daneEnabled=${!!conn.daneEnabled} requireTls=${!!conn.requireTls} tlsa=${(conn.tlsaRecords || []).length}`);
    try {
        const how = await session(conn, o, body);
        return { done: true, outcome: 'delivered', reason: `${conn.hostname}[${conn.host}]: ${how}` };
    } catch (err) {
        const why = `${conn.hostname}[${conn.host}]: ${err.message}`;
        say(`session: ${why}`);
        if (err instanceof SmtpError && !err.temporary) return { done: true, outcome: 'bounced', reason: why };
        const e = new Error(why);
        e.temporary = true;
        return { done: false, error: e };
    }
}

async function main() {
    const o = parseArgs(process.argv.slice(2));
    const body = fs.readFileSync(o.message, 'latin1');
    const tried = [];
    let lastError = null;
    say(`options: dane.enabled=true dane.resolveTlsa=${o.tlsa === 'hook' ? 'dns-packet (AD bit)' : 'none (native: Node ' + process.versions.node + ')'} dane.checkDnssecSecure=${o.dnssecCheck ? 'dns-packet (AD bit)' : 'none'}`);
    for (let i = 0; i < MAX_HOSTS; i++) {
        const res = await attempt(o, body, tried, lastError);
        if (res.done) {
            const reason = res.outcome === 'deferred' && lastError ? lastError.message : res.reason;
            process.stdout.write(`${res.outcome} ${reason}\n`);
            return;
        }
        lastError = res.error;
    }
    process.stdout.write(`deferred ${lastError ? lastError.message : 'no host'} (gave up after ${MAX_HOSTS} hosts)\n`);
}

main().catch(err => {
    process.stderr.write(`mxc-send: internal error: ${err.stack || err}\n`);
    process.exit(1);
});
