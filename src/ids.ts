import { randomFillSync } from 'node:crypto'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * Random bytes drawn 4 KiB at a time: one ULID per request made randomBytes(10) — a call into the
 * system's generator each time — 4% of a lookup's CPU.
 */
const POOL_BYTES = 4096
const pool = Buffer.alloc(POOL_BYTES)
let poolAt = POOL_BYTES

const takeRandom = (n: number): number => {
  if (poolAt + n > POOL_BYTES) {
    randomFillSync(pool)
    poolAt = 0
  }
  const at = poolAt
  poolAt += n
  return at
}

/** A ULID: 48-bit time + 80 random bits, Crockford base32, so ids sort by creation time. */
export const ulid = (now = Date.now()): string => {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time
    t = Math.floor(t / 32)
  }
  const at = takeRandom(10)
  let rand = ''
  // 80 bits → 16 base32 characters, 5 bits at a time
  let acc = 0
  let bits = 0
  for (let i = at; i < at + 10; i++) {
    acc = (acc << 8) | pool[i]!
    bits += 8
    while (bits >= 5) {
      bits -= 5
      rand += CROCKFORD[(acc >> bits) & 31]
    }
    acc &= (1 << bits) - 1
  }
  return time + rand
}
