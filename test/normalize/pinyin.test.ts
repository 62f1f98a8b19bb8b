import { describe, expect, test } from 'vitest'
import { pinyinInitials, pinyinKey } from '../../src/normalize/pinyin.ts'

describe('pinyinKey', () => {
  test.each([
    ['张晓明', 'zhangxiaoming'],
    ['张小明', 'zhangxiaoming'], // homophone typo: one key
    ['王伟', 'wangwei'],
    ['王玮', 'wangwei'],
    ['李娜', 'lina'],
    ['吕布', 'lvbu'], // ü as v
    // Polyphonic characters read as surnames at the head of a name
    ['曾小明', 'zengxiaoming'],
    ['单田芳', 'shantianfang'],
    ['解缙', 'xiejin'],
    ['仇英', 'qiuying'],
    ['区志坚', 'ouzhijian'],
    ['朴树', 'piaoshu'],
    ['查理', 'zhali'],
    // …and by their common reading elsewhere
    ['张曾', 'zhangceng'],
    ['曾曾', 'zengceng'],
    // Compound surnames
    ['欧阳靖', 'ouyangjing'],
    ['尉迟恭', 'yuchigong'],
    ['长孙无忌', 'zhangsunwuji'],
    ['万俟卨', 'moqixie'],
    // Middle dots, spaces and Latin letters
    ['阿卜杜·买买提', 'abudumaimaiti'],
    ['JOHN SMITH', 'johnsmith'],
    ['王 伟', 'wangwei'],
    ['', ''],
  ])('%s → %s', (name, expected) => {
    expect(pinyinKey(name)).toBe(expected)
  })

  test('the same name gives the same key on every call (cache)', () => {
    expect(pinyinKey('单单')).toBe('shandan')
    expect(pinyinKey('单单')).toBe('shandan')
    expect(pinyinKey('简单')).toBe('jiandan')
  })
})

describe('pinyinInitials', () => {
  test.each([
    ['张晓明', 'zxm'],
    ['曾小明', 'zxm'],
    ['单田芳', 'stf'],
    ['欧阳靖', 'oyj'],
    ['JOHN SMITH', 'js'],
    ['', ''],
  ])('%s → %s', (name, expected) => {
    expect(pinyinInitials(name)).toBe(expected)
  })
})
