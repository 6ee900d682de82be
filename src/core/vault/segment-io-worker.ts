// The thread that encrypts and writes a fast transcript's segment files (segment-pipeline.ts
// drives it). It is plain JavaScript run with `new Worker(source, { eval: true })` rather than a
// module file: the vault is loaded through tsx (CLI, tests) and through electron-vite's bundle
// (the app), and an eval'd source needs neither to know about a second entry point.
//
// One worker serves every pipelined writer of the process. Messages, in order, per writer:
//   begin  {w, control, key, port}                 control: Int32Array over a SharedArrayBuffer
//   adopt  {w, path, position}                     goes on writing a segment another writer began
//   open   {w, segment, path, dir, header}         syncs and closes the previous segment first
//   chunk  {w, slot, sab?, idx, size, aad}         encrypts slot bytes [0, size) as chunk idx
//   sync   {w, seq}                                fdatasync of the open segment, then ack seq
//   close  {w, seq}                                closes the open segment, then ack seq
// (an ack says that everything before it is done: written, and durable for a sync)
//   end    {w}                                     forgets the writer
// Replies go to the writer's own port (read with receiveMessageOnPort, so the writer can wait
// synchronously): opened {segment}, chunk {idx, size, tag, end}, error {code, errno, syscall,
// message}. A slot is marked free in control[slot] once its bytes are no longer needed; acks
// go to control[ACK]; control[FAILED] is set before an error is posted. After an error a
// writer's open, chunk and sync messages are skipped (acked, never written). workerData.ready
// is 1 once the thread runs and 2 once it has stopped.
//
// Every fdatasync runs in the background (libuv's thread pool) while this thread goes on
// encrypting and writing: one every few MiB written, so that the disk works all along and the
// one a flush asks for finds little left to write. A file is closed only when its fdatasyncs
// are done.

/** Indexes into a writer's control array after its slots. */
export const CONTROL_ACK = 0;
export const CONTROL_FAILED = 1;
export const CONTROL_FIELDS = 2;

export const SEGMENT_IO_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { dirname } = require('node:path');
const { createCipheriv, randomBytes } = require('node:crypto');

const SLOTS = workerData.slots;
const ACK = SLOTS + ${CONTROL_ACK};
const FAILED = SLOTS + ${CONTROL_FAILED};
const GC_EVERY_CHUNKS = 2;
const HINT_BYTES = 8 * 1024 * 1024;
const writers = new Map();

// V8 frees a dead Buffer's memory only when it collects the Buffer, and decides to collect by
// the JavaScript heap's growth or after 64 MB more of such memory: a thread that does nothing
// but encrypt allocates almost nothing on its heap, so up to 64 MB of written ciphertext would
// wait for a collection. A young-generation collection every few chunks frees it (a fraction
// of a millisecond on this thread's tiny heap). Without a gc function, V8 decides alone.
let collect = null;
try {
  require('node:v8').setFlagsFromString('--expose-gc');
  collect = require('node:vm').runInNewContext('gc');
} catch {
  collect = null;
}
let chunksSinceGc = 0;

function fsyncPath(path) {
  const fd = fs.openSync(path, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}

function mkdirDurable(dir) {
  if (fs.existsSync(dir)) return;
  mkdirDurable(dirname(dir));
  fs.mkdirSync(dir, { mode: 0o700 });
  fsyncPath(dirname(dir));
}

function writeAll(file, parts, position) {
  let total = 0;
  for (const p of parts) total += p.length;
  let done = 0;
  while (done < total) {
    let left = done;
    const rest = [];
    for (const p of parts) {
      if (left >= p.length) { left -= p.length; continue; }
      rest.push(left ? p.subarray(left) : p);
      left = 0;
    }
    done += fs.writevSync(file.fd, rest, position + done);
  }
  return total;
}

let lastOp = 0;

/**
 * Starts an fdatasync of the file in the background (libuv's thread pool): this thread goes on
 * encrypting and writing meanwhile. Every sync and close is acked only once each fdatasync
 * started before it has finished (settleAcks), and an error any of them met fails the writer
 * first: an fdatasync error is reported once, maybe to another call than the flush's own.
 */
function startSync(w, file) {
  lastOp += 1;
  const id = lastOp;
  w.inflight.add(id);
  file.ops += 1;
  fs.fdatasync(file.fd, (error) => {
    if (error && !w.syncError) w.syncError = error;
    w.inflight.delete(id);
    file.ops -= 1;
    if (file.ops === 0 && file.closing) { try { fs.closeSync(file.fd); } catch {} }
    settleAcks(w);
  });
}

/** Acks seq once every fdatasync started so far has finished. */
function queueAck(w, seq) {
  w.acks.push({ seq, after: lastOp });
  settleAcks(w);
}

function settleAcks(w) {
  let oldest = Infinity;
  for (const id of w.inflight) if (id < oldest) oldest = id;
  while (w.acks.length > 0 && w.acks[0].after < oldest) {
    const { seq } = w.acks.shift();
    if (w.syncError) fail(w, w.syncError);
    ack(w, seq);
  }
}

/** Closes the open segment once its background fdatasyncs are done. */
function closeFile(w) {
  const file = w.file;
  if (!file) return;
  w.file = null;
  if (file.ops > 0) file.closing = true;
  else fs.closeSync(file.fd);
}

/** Starts making everything written to the open segment durable (nothing to do if it is clean). */
function syncFile(w) {
  if (w.file && w.file.dirty) {
    w.file.dirty = false;
    startSync(w, w.file);
  }
}

function ack(w, seq) {
  Atomics.store(w.control, ACK, seq);
  Atomics.notify(w.control, ACK);
}

function freeSlot(w, slot) {
  Atomics.store(w.control, slot, 0);
  Atomics.notify(w.control, slot);
}

function fail(w, error) {
  if (w.failed) return;
  w.failed = true;
  // Posted before the flag is set: a writer that sees the flag finds the error on its port.
  w.port.postMessage({ op: 'error', code: error && error.code, errno: error && error.errno, syscall: error && error.syscall, message: String(error && error.message || error) });
  Atomics.store(w.control, FAILED, 1);
}

function open(w, m) {
  if (w.file) { syncFile(w); closeFile(w); }
  mkdirDurable(m.dir);
  const fd = fs.openSync(m.path, 'wx', 0o600);
  w.file = { fd, position: 0, dirty: true, ops: 0, closing: false, sinceHint: 0 };
  w.port.postMessage({ op: 'opened', segment: m.segment });
  w.file.position = writeAll(w.file, [Buffer.from(m.header)], 0);
  fsyncPath(m.dir);
}

function adopt(w, m) {
  const fd = fs.openSync(m.path, 'r+');
  w.file = { fd, position: m.position, dirty: true, ops: 0, closing: false, sinceHint: 0 };
}

function chunk(w, m) {
  const slot = w.slots[m.slot];
  const file = w.file;
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', w.key, nonce);
  cipher.setAAD(Buffer.from(m.aad.buffer, m.aad.byteOffset, m.aad.byteLength));
  const lead = Buffer.alloc(16);
  lead.writeUInt32BE(m.size, 0);
  nonce.copy(lead, 4);
  const parts = [lead];
  if (m.size > 0) parts.push(cipher.update(slot.subarray(0, m.size)));
  const last = cipher.final();
  if (last.length) parts.push(last);
  const tag = cipher.getAuthTag();
  parts.push(tag);
  freeSlot(w, m.slot);
  file.position += writeAll(file, parts, file.position);
  file.dirty = true;
  file.sinceHint += m.size;
  w.port.postMessage({ op: 'chunk', idx: m.idx, size: m.size, tag, end: file.position });
  if (file.sinceHint >= HINT_BYTES) {
    file.sinceHint = 0;
    startSync(w, file);
  }
  chunksSinceGc += 1;
  if (collect && chunksSinceGc >= GC_EVERY_CHUNKS) {
    chunksSinceGc = 0;
    collect({ type: 'minor', execution: 'sync' });
  }
}

parentPort.on('message', (m) => {
  if (m.op === 'begin') {
    writers.set(m.w, { control: new Int32Array(m.control), key: Buffer.from(m.key), port: m.port, slots: [], file: null, failed: false, inflight: new Set(), syncError: null, acks: [] });
    return;
  }
  const w = writers.get(m.w);
  if (!w) return;
  if (m.sab) w.slots[m.slot] = Buffer.from(m.sab);
  try {
    if (m.op === 'open') { if (!w.failed) open(w, m); }
    else if (m.op === 'adopt') { if (!w.failed) adopt(w, m); }
    else if (m.op === 'chunk') { if (w.failed) freeSlot(w, m.slot); else chunk(w, m); }
    else if (m.op === 'sync') { if (!w.failed) syncFile(w); }
    else if (m.op === 'close') closeFile(w);
    else if (m.op === 'end') { closeFile(w); w.port.close(); writers.delete(m.w); return; }
  } catch (error) {
    if (m.op === 'chunk') freeSlot(w, m.slot);
    fail(w, error);
  }
  if (m.op === 'sync' || m.op === 'close') queueAck(w, m.seq);
});
const state = new Int32Array(workerData.ready);
// 2: stopped. A writer waiting for this thread stops waiting and fails instead of hanging.
process.on('exit', () => {
  Atomics.store(state, 0, 2);
  for (const w of writers.values()) {
    for (let i = 0; i < SLOTS + 2; i += 1) Atomics.notify(w.control, i);
  }
});
Atomics.store(state, 0, 1);
`;
