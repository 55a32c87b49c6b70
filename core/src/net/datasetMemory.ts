/**
 * Memory that received data sets are assembled in, reused from one object to the next. A fresh
 * Buffer per object cost more than the copy into it: for 5 MB objects the kernel's page faults
 * on new memory, for 40 KB ones the garbage collections that external memory drives
 * (docs/benchmarks.md, DICOM network). A connection takes a buffer when a data set begins,
 * grows it as fragments arrive, lends it to the store handler and gives it back here when
 * the handler has settled; an idle association holds none.
 */

/** Buffers larger than this are not kept: one rare huge object must not stay in memory. */
const KEEP_AT_MOST_BYTES = 16 << 20;
/** All kept buffers together, whatever the number of associations. */
const POOL_BYTES = 64 << 20;
/** Capacity of a buffer made for a data set that has just begun. */
const FIRST_CAPACITY = 64 << 10;

const pool: Buffer[] = [];
let pooledBytes = 0;

/** A buffer of at least `bytes` (its contents are not defined), from the pool when one fits. */
export function takeDatasetMemory(bytes: number): Buffer {
  for (let i = pool.length - 1; i >= 0; i--) {
    if (pool[i].length >= bytes) {
      const b = pool[i];
      pool.splice(i, 1);
      pooledBytes -= b.length;
      return b;
    }
  }
  // allocUnsafeSlow: never a slice of Node's shared pool, so the whole buffer is ours to lend.
  return Buffer.allocUnsafeSlow(Math.max(bytes, FIRST_CAPACITY));
}

/** `b` grown to hold at least `bytes`, its first `used` bytes kept; at most `limit` bytes. */
export function growDatasetMemory(b: Buffer, used: number, bytes: number, limit: number): Buffer {
  if (b.length >= bytes) return b;
  const next = takeDatasetMemory(Math.max(bytes, Math.min(limit, b.length * 2)));
  b.copy(next, 0, 0, used);
  giveBackDatasetMemory(b);
  return next;
}

/** Returns a buffer to the pool; nothing may use it afterwards. */
export function giveBackDatasetMemory(b: Buffer): void {
  if (b.length > KEEP_AT_MOST_BYTES) return;
  while (pool.length && pooledBytes + b.length > POOL_BYTES) pooledBytes -= pool.shift()!.length;
  pool.push(b);
  pooledBytes += b.length;
}
