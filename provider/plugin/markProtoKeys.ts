import { REFUSED_PROTO_KEY_ON_WIRE } from "../../wire/labelRules";

const PROTO_KEY = Buffer.from("__proto__", "latin1");
const MARKER = Buffer.from(REFUSED_PROTO_KEY_ON_WIRE, "utf8");

/**
 * google-protobuf decodes a Struct's fields into a plain object (and a map
 * held in one), where a `__proto__` key sets the prototype instead of adding
 * an entry: a label a YAML or Python program declares under that key would
 * vanish before `check` saw it, and the session would be made without it.
 * The key is swapped, in the request's bytes, for a marker of the same length
 * that `check` refuses by name.
 *
 * Only a key of a Struct's map entry is swapped, found by reading the wire
 * format: the request's length-delimited fields (olds, news, properties, args)
 * that parse as a Struct, or the bytes themselves when they are one, are walked
 * entry by entry, Value by Value, into nested Structs and lists. A string is
 * never looked into, so a label value holding the same bytes ("a\n\t__proto__"
 * has them: newline, tab, then the key) reaches the runtime as written; a
 * search of the raw bytes changed it and the session got a different value.
 */
export function markProtoKeys(bytes: Buffer): Buffer {
  // Nearly every request holds no such bytes at all: no walk for them.
  if (bytes.indexOf(PROTO_KEY) < 0) return bytes;
  const keys: number[] = [];
  if (!readStruct(bytes, 0, bytes.length, keys, 0)) {
    keys.length = 0;
    readFields(bytes, keys);
  }
  if (keys.length === 0) return bytes;
  const marked = Buffer.from(bytes);
  for (const at of keys) MARKER.copy(marked, at);
  return marked;
}

/** A varint's value and where it ends, or undefined past `end` (a value over 2^53 is inexact: only skipped). */
function varint(buf: Buffer, pos: number, end: number): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = pos; i < end && i < pos + 10; i++) {
    const byte = buf[i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, i + 1];
    scale *= 128;
  }
  return undefined;
}

/** A length-delimited field's body: [start, end], or undefined when it overruns. */
function body(buf: Buffer, pos: number, end: number): [number, number] | undefined {
  const length = varint(buf, pos, end);
  if (!length || length[1] + length[0] > end) return undefined;
  return [length[1], length[1] + length[0]];
}

const MAX_DEPTH = 64;

/** A request's top-level fields: each length-delimited one that parses as a Struct is walked. */
function readFields(buf: Buffer, keys: number[]): void {
  let pos = 0;
  while (pos < buf.length) {
    const tag = varint(buf, pos, buf.length);
    if (!tag) return;
    pos = tag[1];
    switch (tag[0] & 7) {
      case 0: {
        const skipped = varint(buf, pos, buf.length);
        if (!skipped) return;
        pos = skipped[1];
        break;
      }
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        const span = body(buf, pos, buf.length);
        if (!span) return;
        const found: number[] = [];
        if (readStruct(buf, span[0], span[1], found, 0)) keys.push(...found);
        pos = span[1];
        break;
      }
      default:
        return;
    }
  }
}

/** google.protobuf.Struct: field 1, repeated map entries { 1: key, 2: Value }. False when the bytes are not one. */
function readStruct(buf: Buffer, start: number, end: number, keys: number[], depth: number): boolean {
  return depth <= MAX_DEPTH && readRepeated(buf, start, end, (from, to) => readEntry(buf, from, to, keys, depth));
}

/** A message of field 1 repeated, each occurrence read by `item`. False when the bytes are not one. */
function readRepeated(buf: Buffer, start: number, end: number, item: (from: number, to: number) => boolean): boolean {
  let pos = start;
  while (pos < end) {
    const tag = varint(buf, pos, end);
    if (!tag || tag[0] !== 0x0a) return false;
    const span = body(buf, tag[1], end);
    if (!span || !item(span[0], span[1])) return false;
    pos = span[1];
  }
  return pos === end;
}

function readEntry(buf: Buffer, start: number, end: number, keys: number[], depth: number): boolean {
  let pos = start;
  while (pos < end) {
    const tag = varint(buf, pos, end);
    if (!tag || (tag[0] !== 0x0a && tag[0] !== 0x12)) return false;
    const span = body(buf, tag[1], end);
    if (!span) return false;
    if (tag[0] === 0x0a) {
      if (span[1] - span[0] === PROTO_KEY.length && buf.subarray(span[0], span[1]).equals(PROTO_KEY)) keys.push(span[0]);
    } else if (!readValue(buf, span[0], span[1], keys, depth + 1)) {
      return false;
    }
    pos = span[1];
  }
  return true;
}

/** google.protobuf.Value: 1 null, 2 number, 3 string (never looked into), 4 bool, 5 Struct, 6 ListValue. */
function readValue(buf: Buffer, start: number, end: number, keys: number[], depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  let pos = start;
  while (pos < end) {
    const tag = varint(buf, pos, end);
    if (!tag) return false;
    pos = tag[1];
    if (tag[0] === 0x08 || tag[0] === 0x20) {
      const skipped = varint(buf, pos, end);
      if (!skipped) return false;
      pos = skipped[1];
    } else if (tag[0] === 0x11) {
      pos += 8;
      if (pos > end) return false;
    } else if (tag[0] === 0x1a || tag[0] === 0x2a || tag[0] === 0x32) {
      const span = body(buf, pos, end);
      if (!span) return false;
      if (tag[0] === 0x2a && !readStruct(buf, span[0], span[1], keys, depth + 1)) return false;
      if (tag[0] === 0x32 && !readList(buf, span[0], span[1], keys, depth + 1)) return false;
      pos = span[1];
    } else {
      return false;
    }
  }
  return true;
}

/** google.protobuf.ListValue: field 1, repeated Value. */
function readList(buf: Buffer, start: number, end: number, keys: number[], depth: number): boolean {
  return readRepeated(buf, start, end, (from, to) => readValue(buf, from, to, keys, depth));
}
