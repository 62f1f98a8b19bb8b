/** Coverage lists and standard-address lists: what a good table says, and how each bad one is refused. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, describe, expect, it } from 'vitest'
import { isGridTable, readGridFile, readGridTable } from '../../../src/ingest/grids/index.ts'
import { csvText } from '../support.ts'

const dir = mkdtempSync(join(tmpdir(), 'sanshi-grid-table-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
const file = (rows: string[][], encoding: 'utf-8' | 'gbk' = 'utf-8', name?: string): string => {
  const path = join(dir, name ?? `t${n++}.csv`)
  writeFileSync(path, iconv.encode(csvText(rows), encoding))
  return path
}
const read = (rows: string[][], encoding: 'utf-8' | 'gbk' = 'utf-8') =>
  readGridTable(file(rows, encoding), '320104')

describe('readGridTable: coverage lists', () => {
  it('reads compounds, buildings, door numbers and rooms at their level, in GBK', async () => {
    const t = await read(
      [
        ['网格编码', '网格名称', '小区/地址', '楼栋'],
        ['320104001001-01', '中牌楼社区第1网格', '颐和名苑', ''],
        ['320104001001-01', '中牌楼社区第1网格', '应天大街5号颐和名苑', '3'],
        ['320104001001-01', '', '颐和名苑', '十二'],
        ['320104001001-02', '', '长乐路88-2号', ''],
        ['320104001001-02', '', '秦淮区瑞金路6号9栋301室', ''],
        ['320104001001-02', '', '文华雅居', '5幢'],
        ['320104001001-02', '', '金鹰大楼', ''],
      ],
      'gbk',
    )
    expect(t.kind).toBe('coverage')
    expect(t.gridColumn).toBe('网格编码')
    expect(t.coverage.map(({ row, gridCode, level, key }) => [row, gridCode, level, key])).toEqual([
      [2, '320104001001-01', 'site', '320104|@颐和名苑||'],
      [3, '320104001001-01', 'building', '320104|应天大街|5|3|'],
      [4, '320104001001-01', 'building', '320104|@颐和名苑|12|'],
      [5, '320104001001-02', 'site', '320104|长乐路|88-2||'],
      [6, '320104001001-02', 'house', '320104|瑞金路|6|9|301'],
      [7, '320104001001-02', 'building', '320104|@文华雅居|5|'],
      // a bare name the parser reads only with a building after it
      [8, '320104001001-02', 'site', '320104|@金鹰大楼||'],
    ])
    expect(t.points).toEqual([])
    expect(t.grids).toEqual([
      { code: '320104001001-01', row: 2, name: '中牌楼社区第1网格', communityCode: null, workers: [] },
      { code: '320104001001-02', row: 5, name: null, communityCode: null, workers: [] },
    ])
  })

  it('takes header aliases, a title row above, community names, workers, and 经度/纬度 beside', async () => {
    const t = await read([
      ['秦淮区网格划分表'],
      ['网格编号', '所属社区', '网格员', '小区', '楼号', '经度', '纬度'],
      ['g-1', '中牌楼社区', '王芳/李娜', '颐和名苑', '', '118.781', '32.021'],
      ['g-1', '', '', '颐和名苑', '2', '', ''],
      ['g-1', '', '', '颐和名苑', '', '', ''],
    ])
    expect(t.grids).toEqual([
      { code: 'g-1', row: 3, name: null, communityCode: '320104001001', workers: ['王芳', '李娜'] },
    ])
    expect(t.coverage.map((c) => [c.level, c.key])).toEqual([
      ['site', '320104|@颐和名苑||'],
      ['building', '320104|@颐和名苑|2|'],
    ])
    expect(t.points).toEqual([
      { level: 'site', key: '320104|@颐和名苑||', row: 3, lng: 118.781, lat: 32.021 },
    ])
  })

  it.each([
    [
      'a blank grid code',
      [
        ['网格编码', '小区'],
        ['', '颐和名苑'],
      ],
      2,
      '网格编码',
      /the grid code is blank/,
    ],
    [
      'a grid code with a space',
      [
        ['网格编码', '小区'],
        ['g 1', '颐和名苑'],
      ],
      2,
      '网格编码',
      /holds spaces/,
    ],
    [
      'a bare road',
      [
        ['网格编码', '地址'],
        ['g1', '中山南路'],
      ],
      2,
      '地址',
      /names only a road/,
    ],
    [
      'no address',
      [
        ['网格编码', '地址'],
        ['g1', ''],
      ],
      2,
      '地址',
      /the address is blank/,
    ],
    [
      'a building without its compound',
      [
        ['网格编码', '小区', '楼栋'],
        ['g1', '', '3'],
      ],
      2,
      '楼栋',
      /楼栋 alone/,
    ],
    [
      'a building that is no building',
      [
        ['网格编码', '小区', '楼栋'],
        ['g1', '颐和名苑', '东边那栋楼的后面'],
      ],
      2,
      '小区',
      /cannot be read as a building/,
    ],
    [
      'an address elsewhere',
      [
        ['网格编码', '地址'],
        ['g1', '北京市海淀区中关村大街1号'],
      ],
      2,
      '地址',
      /outside district 320104/,
    ],
    [
      'an unknown community',
      [
        ['网格编码', '社区', '小区'],
        ['g1', '火星社区', '颐和名苑'],
      ],
      2,
      '社区',
      /names no community/,
    ],
    [
      'one place in two grids',
      [
        ['网格编码', '小区'],
        ['g1', '颐和名苑'],
        ['g2', '颐和名苑'],
      ],
      3,
      '网格编码',
      /this place is in grid g1 on row 2, here in g2/,
    ],
    [
      'a longitude that is text',
      [
        ['网格编码', '小区', '经度', '纬度'],
        ['g1', '颐和名苑', '东经118', '32'],
      ],
      2,
      '经度',
      /经度 is not a number/,
    ],
    [
      'swapped coordinates',
      [
        ['网格编码', '小区', '经度', '纬度'],
        ['g1', '颐和名苑', '32.02', '118.78'],
      ],
      2,
      '纬度',
      /outside ±90 \(经度 and 纬度 swapped\?\)/,
    ],
    [
      'half a coordinate',
      [
        ['网格编码', '小区', '经度', '纬度'],
        ['g1', '颐和名苑', '118.78', ''],
      ],
      2,
      '纬度',
      /纬度 is blank/,
    ],
  ])('refuses %s, naming row and column', async (_name, rows, row, column, message) => {
    await expect(read(rows)).rejects.toMatchObject({ code: 'SANSHI212', message, location: { row, column } })
  })

  it('counts the other problems of the file in the message', async () => {
    await expect(
      read([
        ['网格编码', '小区'],
        ['', 'a'],
        ['g1', '中山南路'],
        ['g1', '颐和名苑'],
        ['', ''],
      ]),
    ).rejects.toMatchObject({
      location: { row: 2 },
      message: /\(and 1 more problems in this file\)$/,
    })
  })

  it('refuses a header without 纬度 beside 经度', async () => {
    await expect(
      read([
        ['网格编码', '小区', '经度'],
        ['g1', '颐和名苑', '118.7'],
      ]),
    ).rejects.toMatchObject({
      code: 'SANSHI212',
      message: /no 纬度/,
      location: { row: 1 },
    })
  })
})

describe('readGridTable: standard-address lists', () => {
  it('reads 地址, 经度, 纬度 at each address level', async () => {
    const t = await read([
      ['标准地址', '经度', '纬度'],
      ['秦淮区应天大街5号颐和名苑', '118.781', '32.021'],
      ['颐和名苑3栋', '118.7812', '32.0211'],
      ['应天大街5号3栋1201室', '118.7812', '32.0211'],
      ['颐和名苑3栋', '118.7812', '32.0211'],
    ])
    expect(t.kind).toBe('addresses')
    expect(t.coverage).toEqual([])
    expect(t.points.map((p) => [p.row, p.level, p.key, p.lng, p.lat])).toEqual([
      [2, 'site', '320104|应天大街|5||', 118.781, 32.021],
      [3, 'building', '320104|@颐和名苑|3|', 118.7812, 32.0211],
      [4, 'house', '320104|应天大街|5|3|1201', 118.7812, 32.0211],
    ])
  })

  it.each([
    [
      'other coordinates for the same place',
      [
        ['地址', '经度', '纬度'],
        ['颐和名苑', '118.7', '32'],
        ['颐和名苑', '118.8', '32'],
      ],
      3,
      '经度',
      /other coordinates on row 2/,
    ],
    [
      'a blank longitude',
      [
        ['地址', '经度', '纬度'],
        ['颐和名苑', '', '32'],
      ],
      2,
      '经度',
      /经度 is blank/,
    ],
    [
      'a longitude past 180',
      [
        ['地址', '经度', '纬度'],
        ['颐和名苑', '1187', '32'],
      ],
      2,
      '经度',
      /outside ±180/,
    ],
  ])('refuses %s', async (_name, rows, row, column, message) => {
    await expect(read(rows)).rejects.toMatchObject({ code: 'SANSHI212', message, location: { row, column } })
  })
})

describe('readGridTable: files that are no grid table', () => {
  it('refuses a table with no grid header', async () => {
    await expect(
      read([
        ['姓名', '地址'],
        ['张三', '颐和名苑'],
      ]),
    ).rejects.toMatchObject({
      code: 'SANSHI212',
      message: /no grid header/,
    })
  })

  it('refuses a header with no rows', async () => {
    await expect(read([['网格编码', '小区']])).rejects.toMatchObject({ code: 'SANSHI202' })
  })

  it('refuses a 100 MB line with the reader’s line limit', async () => {
    const path = join(dir, 'long-line.csv')
    writeFileSync(
      path,
      Buffer.concat([Buffer.from('网格编码,小区\ng1,'), Buffer.alloc(100 * 1024 * 1024, 0x61)]),
    )
    await expect(readGridTable(path, '320104')).rejects.toMatchObject({
      code: 'SANSHI206',
      location: { row: 2 },
    })
  })

  it('refuses undecodable bytes in a grid column', async () => {
    const path = join(dir, 'bad-bytes.csv')
    writeFileSync(
      path,
      Buffer.concat([
        Buffer.from('\uFEFF网格编码,小区\ng1,颐和名苑\ng1,'),
        Buffer.from([0xff, 0xfe, 0x41]),
        Buffer.from('\n'),
      ]),
    )
    await expect(readGridTable(path, '320104')).rejects.toMatchObject({
      code: 'SANSHI212',
      message: /encoding cannot show/,
      location: { row: 3, column: '小区' },
    })
  })
})

describe('readGridFile and isGridTable', () => {
  it('tells GeoJSON from tables by extension or content', async () => {
    const geo = join(dir, 'layer.txt')
    writeFileSync(geo, ' {"type":"FeatureCollection","features":[]}')
    await expect(readGridFile(geo, '320104')).rejects.toMatchObject({ message: /no features/ })
    const t = await readGridFile(
      file([
        ['网格编码', '小区'],
        ['g1', '颐和名苑'],
      ]),
      '320104',
    )
    expect(t.kind).toBe('coverage')
    await expect(readGridFile(join(dir, 'missing.csv'), '320104')).rejects.toMatchObject({
      code: 'SANSHI101',
    })
  })

  it('knows a grid table among department files', async () => {
    expect(
      await isGridTable(
        file([
          ['网格编码', '小区/地址', '楼栋'],
          ['g1', '颐和名苑', '1'],
        ]),
      ),
    ).toBe(true)
    expect(
      await isGridTable(
        file(
          [
            ['地址', '经度', '纬度'],
            ['颐和名苑', '118.7', '32'],
          ],
          'gbk',
        ),
      ),
    ).toBe(true)
    // grid.visit carries 网格编码 too, but no place column of a grid list
    expect(
      await isGridTable(
        file([
          ['记录编号', '网格编码', '姓名', '房屋地址'],
          ['1', 'g1', '张三', '颐和名苑1-1-101'],
        ]),
      ),
    ).toBe(false)
    expect(
      await isGridTable(
        file([
          ['source', 'record_id'],
          ['a', 'b'],
        ]),
      ),
    ).toBe(false)
  })
})
