import { describe, expect, it } from 'vitest'
import { communitiesOf, divisionName, findDivision, streetsOf } from '../../../src/normalize/address/index.ts'
import { communityCommonName } from '../../../src/normalize/address/villages.ts'

describe('division lookups against the real list', () => {
  it('finds divisions at every level by code', () => {
    expect(findDivision('32')).toMatchObject({ name: '江苏省', level: 'province', parentCode: null })
    expect(findDivision('3201')).toMatchObject({ name: '南京市', level: 'city', parentCode: '32' })
    expect(findDivision('320104')).toEqual({
      code: '320104',
      name: '秦淮区',
      commonName: '秦淮区',
      level: 'district',
      parentCode: '3201',
    })
    expect(findDivision('320104002')).toMatchObject({
      name: '夫子庙街道',
      level: 'street',
      parentCode: '320104',
    })
    expect(findDivision('320104002005')).toEqual({
      code: '320104002005',
      name: '乌衣巷社区居委会',
      commonName: '乌衣巷社区',
      level: 'community',
      parentCode: '320104002',
    })
  })

  it('reads zero-padded 12-digit codes at their real level', () => {
    expect(findDivision('320104000000')?.name).toBe('秦淮区')
    expect(findDivision('320104002000')?.name).toBe('夫子庙街道')
    expect(findDivision('320000000000')?.name).toBe('江苏省')
  })

  it('names codes, and knows unknown ones are unknown', () => {
    expect(divisionName('320104')).toBe('秦淮区')
    expect(divisionName('320104002')).toBe('夫子庙街道')
    expect(divisionName('329999')).toBeNull()
    expect(divisionName('320104002999')).toBeNull()
    expect(findDivision('abc')).toBeNull()
  })

  it('lists the streets of a district', () => {
    const streets = streetsOf('320104')
    expect(streets.map((s) => s.code)).toContain('320104002')
    expect(streets[0]).toMatchObject({ code: '320104001', name: '秦虹街道' })
    expect(streets.every((s) => s.parentCode === '320104' && s.level === 'street')).toBe(true)
    expect(streets).toHaveLength(16)
    expect(streetsOf('320104002')).toEqual([])
  })

  it('lists the communities of a street, only that street, in code order', () => {
    const communities = communitiesOf('320104002')
    expect(communities.slice(0, 3).map((c) => [c.code, c.commonName])).toEqual([
      ['320104002001', '莲子营社区'],
      ['320104002002', '东水关社区'],
      ['320104002005', '乌衣巷社区'],
    ])
    expect(communities).toHaveLength(8)
    expect(communities.every((c) => c.parentCode === '320104002')).toBe(true)
    // the first and last streets of the file are found too (binary search edges)
    expect(communitiesOf('110101001')[0]).toMatchObject({ code: '110101001001', name: '多福巷社区居委会' })
    expect(communitiesOf('999999999')).toEqual([])
  })

  it.each([
    ['莲子营社区居委会', '莲子营社区'],
    ['新兴里居委会', '新兴里社区'],
    ['芍药居五社区居民居委会', '芍药居五社区'],
    ['小红门村民委员会', '小红门村'],
    ['牌坊村村民委员会', '牌坊村'],
    ['楼梓庄村委会', '楼梓庄村'],
    ['程庄路16号院社区', '程庄路16号院社区'],
  ])('%s is written %s', (name, common) => {
    expect(communityCommonName(name)).toBe(common)
  })
})
