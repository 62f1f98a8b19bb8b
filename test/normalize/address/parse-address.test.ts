import { describe, expect, it } from 'vitest'
import { ParsedAddressSchema } from '../../../schemas/address.ts'
import { type AddressContext, parseAddress } from '../../../src/normalize/address/index.ts'

const QINHUAI: AddressContext = { defaultDistrict: '320104' }
const key = (raw: string, ctx: AddressContext = QINHUAI) => parseAddress(raw, ctx).value?.key ?? null

describe('one dwelling, three spellings (formats.md)', () => {
  const spellings = [
    '南京市秦淮区夫子庙街道贡院街12号3栋2单元301室',
    '秦淮区贡院街12号3幢301',
    '贡院街12-3-2-301',
  ]

  it.each(spellings)('%s → 320104|贡院街|12|3|301', (raw) => {
    expect(key(raw)).toBe('320104|贡院街|12|3|301')
  })

  it('keeps the unit as its own field, outside the key', () => {
    const [full, short, hyphen] = spellings.map((raw) => parseAddress(raw, QINHUAI).value!)
    expect(full?.unit).toBe('2')
    expect(short?.unit).toBeNull()
    expect(hyphen?.unit).toBe('2')
    expect(full?.buildingKey).toBe('320104|贡院街|12|3')
    expect(new Set([full?.buildingKey, short?.buildingKey, hyphen?.buildingKey]).size).toBe(1)
  })

  it('gives the full spelling every part and the street as its division', () => {
    const r = parseAddress(spellings[0]!, QINHUAI)
    expect(r.problem).toBeUndefined()
    expect(r.value).toEqual({
      raw: '南京市秦淮区夫子庙街道贡院街12号3栋2单元301室',
      divisionCode: '320104002000',
      divisionLevel: 'street',
      districtCode: '320104',
      streetCode: '320104002',
      communityCode: null,
      road: '贡院街',
      number: '12',
      compound: null,
      building: '3',
      unit: '2',
      floor: null,
      room: '301',
      depth: 'room',
      key: '320104|贡院街|12|3|301',
      buildingKey: '320104|贡院街|12|3',
    })
    expect(ParsedAddressSchema.parse(r.value)).toEqual(r.value)
  })
})

describe('division prefixes', () => {
  it.each([
    // raw, ctx, districtCode, divisionCode, divisionLevel, road
    ['江苏省南京市秦淮区夫子庙街道贡院街12号', {}, '320104', '320104002000', 'street', '贡院街'],
    ['江苏南京秦淮区贡院街12号', {}, '320104', '320104000000', 'district', '贡院街'],
    ['南京市秦淮区贡院街12号', {}, '320104', '320104000000', 'district', '贡院街'],
    ['南京秦淮区贡院街12号', {}, '320104', '320104000000', 'district', '贡院街'],
    ['秦淮区贡院街12号', {}, '320104', '320104000000', 'district', '贡院街'],
    ['中国江苏省南京市秦淮区贡院街12号', {}, '320104', '320104000000', 'district', '贡院街'],
    ['夫子庙街道贡院街12号', QINHUAI, '320104', '320104002000', 'street', '贡院街'],
    ['夫子庙街道办事处贡院街12号', QINHUAI, '320104', '320104002000', 'street', '贡院街'],
    ['夫子庙街道贡院街12号', {}, '320104', '320104002000', 'street', '贡院街'], // a unique street name
    ['贡院街12号', QINHUAI, '320104', '320104000000', 'district', '贡院街'],
    ['南京市贡院街12号', QINHUAI, '320104', '320104000000', 'district', '贡院街'], // the city agrees
    ['贡院街12号', {}, null, null, null, '贡院街'],
    ['北京市朝阳区建国路12号', {}, '110105', '110105000000', 'district', '建国路'],
    ['吉林市船营区北京路12号', {}, '220204', '220204000000', 'district', '北京路'], // 吉林 the city
    ['东区路12号', QINHUAI, '320104', '320104000000', 'district', '东区路'], // not the county 东区
  ] as const)('%s %o', (raw, ctx, district, division, level, road) => {
    const v = parseAddress(raw, ctx).value!
    expect([v.districtCode, v.divisionCode, v.divisionLevel, v.road, v.number]).toEqual([
      district,
      division,
      level,
      road,
      '12',
    ])
  })

  it('settles a district name shared across China by the hub district (鼓楼区 → Nanjing)', () => {
    expect(parseAddress('鼓楼区中山路1号', QINHUAI).value?.districtCode).toBe('320106')
    expect(parseAddress('鼓楼区中山路1号', { defaultDistrict: '350102' }).value?.districtCode).toBe('350102')
  })

  it('does not read a road named after a city as the city (南京路)', () => {
    const v = parseAddress('南京路100号', {}).value!
    expect([v.road, v.number, v.districtCode]).toEqual(['南京路', '100', null])
  })

  it('flags an address in another district, still parsed', () => {
    const r = parseAddress('北京市朝阳区建国路88号', QINHUAI)
    expect(r.problem).toEqual({ code: 'ADDRESS_OUTSIDE', severity: 'warning' })
    expect(r.value?.key).toBe('110105|建国路|88||')
    expect(parseAddress('鼓楼区中山路1号', QINHUAI).problem?.code).toBe('ADDRESS_OUTSIDE')
    expect(parseAddress('秦淮区贡院街1号', QINHUAI).problem).toBeUndefined()
  })
})

describe('communities', () => {
  it.each([
    ['江苏省南京市秦淮区夫子庙街道乌衣巷社区贡院街12号', {}, '320104002005'],
    ['夫子庙街道乌衣巷社区居委会贡院街12号', QINHUAI, '320104002005'],
    ['秦淮区乌衣巷社区贡院街12号', {}, '320104002005'], // no street: searched in the district
    ['乌衣巷社区贡院街12号', QINHUAI, '320104002005'],
    ['北京市朝阳区小红门地区小红门村1号', {}, '110105027200'], // 小红门村民委员会 written 小红门村
    ['北京市朝阳区小红门村1号', {}, '110105027200'],
  ] as const)('%s → %s', (raw, ctx, community) => {
    const v = parseAddress(raw, ctx).value!
    expect(v.communityCode).toBe(community)
    expect(v.divisionCode).toBe(community)
    expect(v.divisionLevel).toBe('community')
    expect(v.streetCode).toBe(community.slice(0, 9))
  })

  it('reads the official committee name too, and writes the common one', () => {
    const v = parseAddress('北京市朝阳区小红门地区小红门村民委员会3号', {}).value!
    expect([v.communityCode, v.compound, v.building]).toEqual(['110105027200', '小红门村', '3'])
  })

  it('drops an unknown community before the road', () => {
    expect(key('钞库街社区贡院街12号')).toBe('320104|贡院街|12||')
  })

  it('a village with house numbers and no road: the village stands for the compound', () => {
    const v = parseAddress('北京市朝阳区小红门地区小红门村1号', {}).value!
    expect([v.road, v.compound, v.number, v.building, v.key]).toEqual([
      null,
      '小红门村',
      null,
      '1',
      '110105|@小红门村|1|',
    ])
  })
})

describe('below the divisions', () => {
  it.each([
    // compounds without road
    [
      '翠苑小区5栋302室',
      '320104|@翠苑小区|5|302',
      'room',
      { compound: '翠苑小区', building: '5', room: '302' },
    ],
    [
      '金陵世纪花园3幢1单元502',
      '320104|@金陵世纪花园|3|502',
      'room',
      { building: '3', unit: '1', room: '502' },
    ],
    ['武定新村12号301室', '320104|@武定新村|12|301', 'room', { compound: '武定新村', building: '12' }],
    // a street named like a compound (…湾, …村), with a door number and then a building
    ['七家湾8号1号楼102室', '320104|七家湾|8|1|102', 'room', { road: '七家湾', number: '8', building: '1' }],
    ['七家湾8号2栋一单元102', '320104|七家湾|8|2|102', 'room', { unit: '1' }],
    ['七家湾8号白鹭新村8幢1单元102室', '320104|七家湾|8|8|102', 'room', { compound: '白鹭新村' }],
    ['七家湾8-8-1-102', '320104|七家湾|8|8|102', 'room', { road: '七家湾', unit: '1' }],
    ['七家湾8号白鹭新村8-1-102', '320104|七家湾|8|8|102', 'room', { compound: '白鹭新村', unit: '1' }],
    ['白鹭新村8幢1单元102室', '320104|@白鹭新村|8|102', 'room', { compound: '白鹭新村' }],
    ['翠苑小区3-2-301', '320104|@翠苑小区|3|301', 'room', { building: '3', unit: '2', room: '301' }],
    ['翠苑小区5栋', '320104|@翠苑小区|5|', 'building', { room: null }],
    // road and compound both written: a door number puts the road in the key, else the compound
    ['贡院街翠苑小区5栋302', '320104|@翠苑小区|5|302', 'room', { road: '贡院街', compound: '翠苑小区' }],
    ['中山路18号国际贸易中心3栋2单元1201', '320104|中山路|18|3|1201', 'room', { compound: '国际贸易中心' }],
    // Chinese numerals
    ['贡院街十二号三栋三单元三〇一室', '320104|贡院街|12|3|301', 'room', { unit: '3' }],
    ['翠苑小区二十三栋二单元一〇一', '320104|@翠苑小区|23|101', 'room', { unit: '2' }],
    ['三条巷5号', '320104|三条巷|5||', 'number', { road: '三条巷' }],
    ['贡院街一百零一号', '320104|贡院街|101||', 'number', {}],
    // full-width digits and letters
    ['贡院街１２号３栋２单元３０１室', '320104|贡院街|12|3|301', 'room', { unit: '2' }],
    ['翠苑小区Ａ座１２０３', '320104|@翠苑小区|A|1203', 'room', { building: 'A' }],
    ['翠苑小区b座1203', '320104|@翠苑小区|B|1203', 'room', { building: 'B' }],
    // 号楼, 栋, 幢, 座, #
    ['翠苑小区3号楼502', '320104|@翠苑小区|3|502', 'room', { building: '3' }],
    ['翠苑小区3幢502', '320104|@翠苑小区|3|502', 'room', { building: '3' }],
    ['翠苑小区3#502', '320104|@翠苑小区|3|502', 'room', { building: '3' }],
    ['翠苑小区第3栋502', '320104|@翠苑小区|3|502', 'room', { building: '3' }],
    // rooms with and without 室, leading zeros
    ['贡院街12号3栋301', '320104|贡院街|12|3|301', 'room', { room: '301' }],
    ['贡院街12号3栋0301室', '320104|贡院街|12|3|301', 'room', { room: '301' }],
    ['贡院街12号301室', '320104|贡院街|12||301', 'room', { building: null }],
    // floors
    ['贡院街12号5楼501', '320104|贡院街|12||501', 'room', { floor: '5' }],
    ['翠苑小区3栋2单元5层502室', '320104|@翠苑小区|3|502', 'room', { floor: '5', unit: '2' }],
    ['贡院街12号三楼', '320104|贡院街|12||', 'number', { floor: '3' }],
    // road and number only (a shop), door-number variants
    ['贡院街15号', '320104|贡院街|15||', 'number', { building: null, room: null }],
    ['贡院街12-1号', '320104|贡院街|12-1||', 'number', { number: '12-1' }],
    ['贡院街12-3', '320104|贡院街|12-3||', 'number', { number: '12-3' }],
    ['贡院街12-3-301', '320104|贡院街|12|3|301', 'room', { unit: null }],
    ['长乐路123弄4号601室', '320104|长乐路123弄|4||601', 'room', { road: '长乐路123弄' }],
    ['贡院街', '320104|贡院街|||', 'road', { number: null }],
    // dirt: spaces, brackets, punctuation
    ['贡院街 12号 3栋（夫子庙旁）301', '320104|贡院街|12|3|301', 'room', {}],
    ['贡院街12号，3栋－2单元－301', '320104|贡院街|12|3|301', 'room', {}],
  ] as const)('%s → %s', (raw, expectedKey, depth, parts) => {
    const r = parseAddress(raw, QINHUAI)
    expect(r.problem).toBeUndefined()
    expect(r.value?.key).toBe(expectedKey)
    expect(r.value?.depth).toBe(depth)
    expect(r.value).toMatchObject(parts)
  })

  it('cuts the building key after the building, or after the door number on a road', () => {
    expect(parseAddress('翠苑小区5栋302室', QINHUAI).value?.buildingKey).toBe('320104|@翠苑小区|5')
    expect(parseAddress('贡院街15号', QINHUAI).value?.buildingKey).toBe('320104|贡院街|15|')
    expect(parseAddress('贡院街', QINHUAI).value?.buildingKey).toBeNull()
  })

  it('writes ? for an unknown district', () => {
    expect(key('金陵世纪花园3幢1单元502', {})).toBe('?|@金陵世纪花园|3|502')
  })
})

describe('what cannot be parsed', () => {
  it.each(['不详', '无', '???', '12345', '3栋301'])('%s → null, ADDRESS_UNPARSED', (raw) => {
    expect(parseAddress(raw, QINHUAI)).toEqual({
      value: null,
      problem: { code: 'ADDRESS_UNPARSED', severity: 'warning' },
    })
  })

  it('keeps a division-only address at depth division, with a warning', () => {
    const r = parseAddress('江苏省南京市秦淮区夫子庙街道', QINHUAI)
    expect(r.problem).toEqual({ code: 'ADDRESS_UNPARSED', severity: 'warning' })
    expect(r.value).toMatchObject({
      depth: 'division',
      key: '320104|#320104002',
      buildingKey: null,
      road: null,
    })
  })

  it('returns nothing, and no problem, for a blank value', () => {
    expect(parseAddress('', QINHUAI)).toEqual({ value: null })
    expect(parseAddress('  　 ', QINHUAI)).toEqual({ value: null })
  })

  it('refuses more than 200 characters with TOO_LONG', () => {
    expect(parseAddress('贡院街12号'.padEnd(201, '号'), QINHUAI).problem).toMatchObject({
      code: 'TOO_LONG',
      severity: 'error',
    })
    expect(parseAddress('贡院街12号'.padEnd(200, '室'), QINHUAI).problem?.code).not.toBe('TOO_LONG')
  })

  it('returns at once on a 10 KB string and on 200 characters of scanner bait', () => {
    const t0 = performance.now()
    expect(parseAddress('贡院街12号3栋'.repeat(1300), QINHUAI).problem?.code).toBe('TOO_LONG')
    for (const bait of [
      '1-'.repeat(100),
      '南京'.repeat(100),
      '一十'.repeat(100),
      '社区'.repeat(100),
      '号1'.repeat(100),
    ]) {
      parseAddress(bait, QINHUAI)
      parseAddress(bait, {})
    }
    expect(performance.now() - t0).toBeLessThan(200)
  })
})

describe('parseAddress: traditional characters', () => {
  it('keys 秦淮區貢院街12號3棟301室 as the simplified spelling does', () => {
    const trad = parseAddress('秦淮區貢院街12號3棟301室', { defaultDistrict: '320104' })
    const simp = parseAddress('秦淮区贡院街12号3栋301室', { defaultDistrict: '320104' })
    expect(trad.value?.key).toBe('320104|贡院街|12|3|301')
    expect(trad.value?.key).toBe(simp.value?.key)
    expect(trad.value?.raw).toBe('秦淮區貢院街12號3棟301室')
  })
})

describe('parseAddress: communities outside the hub’s district', () => {
  const text = '北京市东城区东华门街道多福巷社区银闸胡同5号'
  it('stops at the street unless asked', () => {
    const a = parseAddress(text, { defaultDistrict: '320104' }).value
    expect(a?.streetCode).toBe('110101001')
    expect(a?.communityCode).toBeNull()
  })
  it('resolves the community when asked', () => {
    const a = parseAddress(text, { defaultDistrict: '320104', communitiesOutside: true }).value
    expect(a?.communityCode).toBe('110101001001')
  })
})
