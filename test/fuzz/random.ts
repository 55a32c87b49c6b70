/** A small seeded generator (mulberry32): the same seed gives the same campaign, input for input. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A 32-bit unsigned integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** 0 <= n < max (max >= 1). */
  int(max: number): number {
    return max <= 1 ? 0 : this.u32() % max;
  }

  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A size that is usually small and sometimes large: 1..max, log-uniform. */
  size(max: number): number {
    return Math.max(1, Math.floor(Math.exp((this.u32() / 0x1_0000_0000) * Math.log(max))));
  }
}

/** The generator of input n of target `name`: a hash of the three, so inputs do not depend on order. */
export function inputRandom(seed: number, name: string, n: number): Random {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const c of `${name}#${n}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return new Random(h);
}
