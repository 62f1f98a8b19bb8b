import { readFileSync } from 'node:fs'
import iconv from 'iconv-lite'
const text = iconv.decode(readFileSync('bench/out/police.hukou-200000.csv'), 'gbk')
const lines = text.split('\n').filter(Boolean)
const header = lines[0].split(',')
const rows = lines.slice(1).map((l) => l.split(','))
const keys = header.map((h) => JSON.stringify(h) + ':')
const buf = Buffer.alloc(1 << 26)
function ropeJson(cells) {
  let json = '{'
  for (let i = 0; i < cells.length; i++) { const c = cells[i]; if (c === '') continue; if (json.length > 1) json += ','; json += keys[i] + JSON.stringify(c) }
  return json + '}'
}
function joinJson(cells) {
  const parts = []
  for (let i = 0; i < cells.length; i++) { const c = cells[i]; if (c === '') continue; parts.push(keys[i] + JSON.stringify(c)) }
  return '{' + parts.join(',') + '}'
}
const esc = (j) => (j.includes('\\') ? j.replace(/\\/g, '\\\\') : j)
for (const [name, f] of [['rope', ropeJson], ['join', joinJson], ['rope', ropeJson], ['join', joinJson], ['rope-noesc', null]]) {
  const fn = f ?? ropeJson
  let used = 0; let t0 = performance.now(); let tb = 0, te = 0, tw = 0
  for (let k = 0; k < rows.length; k++) {
    const a = performance.now(); const j = fn(rows[k]); const b = performance.now(); const e = f ? esc(j) : j; const c = performance.now()
    if (used > buf.length - 4096) used = 0
    used += buf.write(e, used, 'utf8'); const d = performance.now(); tb += b - a; te += c - b; tw += d - c
  }
  console.log(name, 'total', (performance.now() - t0).toFixed(0), 'build', tb.toFixed(0), 'esc', te.toFixed(0), 'write', tw.toFixed(0), 'µs/row', ((performance.now() - t0) * 1000 / rows.length).toFixed(2))
}
