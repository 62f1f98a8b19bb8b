import { describe, expect, it } from 'vitest'
import {
  builtinMappings,
  detectSource,
  findHeader,
  headerKey,
  MappingError,
  parseMapping,
  sourceFromFileName,
} from '../../connectors/index.ts'

const SOURCES = [
  'civil.assistance',
  'civil.socialorg',
  'grid.visit',
  'market.entity',
  'police.floating',
  'police.hukou',
  'police.rental',
  'urban.shopfront',
]

const mapping = (source: string) => {
  const m = builtinMappings().find((x) => x.source === source)
  if (!m) throw new Error(`no mapping ${source}`)
  return m
}

describe('built-in connectors', () => {
  it('load all eight formats of formats.md', () => {
    expect(builtinMappings().map((m) => m.source)).toEqual(SOURCES)
  })

  it.each(SOURCES)('%s declares 记录编号 as its required record id', (source) => {
    const id = mapping(source).columns.find((c) => c.field === 'record_id')
    expect(id?.header).toBe('记录编号')
    expect(id?.required).toBe(true)
  })

  it('police.rental yields a house, an owner and a tenant', () => {
    expect(mapping('police.rental').roles.map((r) => `${r.role}:${r.entity}`)).toEqual([
      'house:house',
      'owner:person',
      'tenant:person',
    ])
  })
})

describe('headerKey', () => {
  it.each([
    ['公民身份号码', '公民身份号码'],
    [' 姓 名 ', '姓名'],
    ['*姓名', '姓名'],
    ['姓名(必填)', '姓名'],
    ['姓名（必填）', '姓名'],
    ['联系电话：', '联系电话'],
    ['ＩＤ', 'id'],
  ])('%s → %s', (input, expected) => {
    expect(headerKey(input)).toBe(expected)
  })
})

describe('findHeader', () => {
  const hukou = mapping('police.hukou')

  it('finds the header below a title row and keeps unknown columns', () => {
    const rows = [
      ['秦淮区实有人口登记表'],
      [],
      ['记录编号', '姓名', '身份证号', '备注', '现居住地址'],
      ['H1', '王伟', '11010519491231002X', '', '贡院街12号'],
    ]
    const m = findHeader(rows, hukou)
    expect(m?.rowIndex).toBe(2)
    expect(m?.bindings.map((b) => [b.index, b.column.field])).toEqual([
      [0, 'record_id'],
      [1, 'name'],
      [2, 'id_number'],
      [4, 'current_address'],
    ])
    expect(m?.unknown).toEqual([{ index: 3, header: '备注' }])
    expect(m?.missingRequired).toEqual([])
  })

  it('reports a missing required column', () => {
    const m = findHeader([['编号X', '姓名', '身份证号']], hukou)
    expect(m?.missingRequired.map((c) => c.field)).toEqual(['record_id'])
  })

  it('returns null when no row names two columns', () => {
    expect(
      findHeader(
        [
          ['a', 'b'],
          ['1', '2'],
        ],
        hukou,
      ),
    ).toBeNull()
  })
})

describe('detectSource', () => {
  const all = builtinMappings()
  it.each([
    [['记录编号', '房屋地址', '房主姓名', '房主身份证号', '承租人姓名'], 'police.rental'],
    [['记录编号', '统一社会信用代码', '名称', '市场主体类型', '法定代表人', '住所'], 'market.entity'],
    [['记录编号', '店招名称', '经营者姓名', '门店地址', '经营类别'], 'urban.shopfront'],
    [['记录编号', '姓名', '身份证号码', '救助类别', '家庭住址'], 'civil.assistance'],
    [['记录编号', '网格编码', '姓名', '身份证号', '房屋地址', '人员类型'], 'grid.visit'],
    [['记录编号', '姓名', '公民身份号码', '户号', '与户主关系', '户籍地址', '现住地址'], 'police.hukou'],
    [['记录编号', '姓名', '公民身份号码', '居住地址', '居住事由', '服务处所'], 'police.floating'],
  ])('%j → %s', (header, expected) => {
    expect(detectSource([header], all)?.mapping.source).toBe(expected)
  })

  it('gives up on headers of no known format', () => {
    expect(detectSource([['source', 'record_id', 'role', 'entity_type', 'entity_id']], all)).toBeNull()
  })
})

describe('sourceFromFileName', () => {
  const all = builtinMappings()
  it.each([
    ['police.hukou.csv', 'police.hukou'],
    ['police.hukou-2026-10.xlsx', 'police.hukou'],
    ['POLICE.RENTAL.XLSX', 'police.rental'],
    ['hukou.csv', null],
    ['truth.csv', null],
  ])('%s → %s', (name, expected) => {
    expect(sourceFromFileName(name, all)?.source ?? null).toBe(expected)
  })
})

describe('an operator mapping file', () => {
  const ninth = `
source: housing.property
title: 不动产登记
department: housing
columns:
  - { field: record_id, header: 记录编号, parser: text, required: true }
  - { field: owner, header: 权利人, parser: person_name, required: true }
  - { field: owner_id, header: 权利人证件号, parser: resident_id }
  - { field: address, header: 坐落, parser: address, required: true }
roles:
  - { role: house, entity: house, fields: { address: address } }
  - { role: owner, entity: person, fields: { name: owner, idNumber: owner_id } }
`
  it('loads a ninth format without code', () => {
    const m = parseMapping(ninth, 'property.yaml')
    expect(m.source).toBe('housing.property')
    expect(findHeader([['坐落', '权利人', '记录编号']], m)?.bindings).toHaveLength(3)
  })

  const broken: Array<[string, string, RegExp]> = [
    ['not YAML', 'source: [unclosed', /line 1/],
    ['no record id', ninth.replace('field: record_id', 'field: rid'), /record_id/],
    [
      'unknown mention field',
      ninth.replace('idNumber: owner_id', 'passport: owner_id'),
      /roles\.1\.fields\.passport: person has no field passport/,
    ],
    [
      'role field with no column',
      ninth.replace('address: address } }', 'address: addr } }'),
      /no column declares field addr/,
    ],
    ['unknown parser', ninth.replace('parser: resident_id', 'parser: magic'), /columns\.2\.parser/],
    ['header claimed twice', ninth.replace('header: 坐落', 'header: 权利人'), /claimed by both/],
    ['enum without values', ninth.replace('parser: resident_id', 'parser: enum'), /needs `values`/],
    ['extra key', ninth.replace('department: housing', 'department: housing\nowner: me'), /owner/],
  ]
  it.each(broken)('refuses a mapping with %s, saying where', (_label, text, message) => {
    expect(() => parseMapping(text, 'bad.yaml')).toThrow(MappingError)
    try {
      parseMapping(text, 'bad.yaml')
    } catch (e) {
      expect((e as MappingError).message).toMatch(/^bad\.yaml: /)
      expect((e as MappingError).issues.join('\n')).toMatch(message)
    }
  })

  it('refuses YAML alias bombs', () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n`
    expect(() => parseMapping(bomb, 'bomb.yaml')).toThrow(MappingError)
  })
})
