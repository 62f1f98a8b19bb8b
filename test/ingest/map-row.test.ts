import { describe, expect, it } from 'vitest'
import type { HeaderMatch } from '../../connectors/index.ts'
import { RowMapper } from '../../src/ingest/map-row.ts'

const noBindings: HeaderMatch = { rowIndex: 0, bindings: [], unknown: [], missingRequired: [] }
const mapper = (headers: string[]) => new RowMapper(headers, noBindings, {})

describe('RowMapper.rowHash', () => {
  const cells = ['王伟', '32010419800101123X', '', '夫子庙旁', '多出的一列']

  it('gives the hashes earlier versions stored, so a re-export of unchanged rows stays unchanged', () => {
    // pinned: computed by the code that wrote the hashes already in source_records
    expect(mapper(['姓名', '身份证号码', '备注', '备注']).rowHash(cells)).toBe('eidJ5x3BesseoxxsWsrkw0')
    expect(mapper(['姓名', '身份证号码', '备注', '备注']).rowHash(['王伟', '32010419800101123X'])).toBe(
      'Rc1rXW4CANNLqZmzSr8+lJ',
    )
  })

  it('does not change when the columns come in another order', () => {
    const shuffled = mapper(['备注', '身份证号码', '姓名', '备注']).rowHash([
      '',
      '32010419800101123X',
      '王伟',
      '夫子庙旁',
      '多出的一列',
    ])
    expect(shuffled).toBe('eidJ5x3BesseoxxsWsrkw0')
  })

  it('changes with any cell, and tells a value from the same text under another header', () => {
    const m = mapper(['姓名', '身份证号码', '备注', '备注'])
    const base = m.rowHash(cells)
    expect(m.rowHash(['王伟', '32010419800101123X', '', '夫子庙', '多出的一列'])).not.toBe(base)
    expect(m.rowHash(['王伟', '32010419800101123X', '夫子庙旁', '', '多出的一列'])).not.toBe(base)
  })
})

describe('RowMapper.rawJson', () => {
  it('keeps the file order, skips blank cells, names repeated headers apart and escapes as JSON', () => {
    const m = mapper(['姓名', '身份证号码', '备注', '备注'])
    const json = m.rawJson(['王伟', '32010419800101123X', '', 'a"b\\c\td'])
    expect(json).toBe('{"姓名":"王伟","身份证号码":"32010419800101123X","备注#2":"a\\"b\\\\c\\td"}')
    expect(Object.keys(JSON.parse(json) as object)).toEqual(['姓名', '身份证号码', '备注#2'])
  })
})
