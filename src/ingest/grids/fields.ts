/**
 * The fields grid files carry, by whatever name an export gives them (GeoJSON properties and table
 * headers alike), and how their values are read: grid codes, communities, workers, coordinates.
 */
import { headerKey } from '../../../connectors/index.ts'
import { communitiesOfDistrict } from '../../normalize/address/divisions.ts'

export const GRID_FIELDS = {
  gridCode: ['网格编码', '网格代码', '网格编号', '网格号', 'code', 'gridcode', 'grid_code'],
  gridName: ['网格名称', '网格名', 'name', 'gridname', 'grid_name'],
  community: [
    '社区',
    '所属社区',
    '社区编码',
    '社区代码',
    '社区名称',
    'community',
    'communitycode',
    'community_code',
  ],
  workers: ['网格员', '专职网格员', '网格员姓名', 'workers', 'worker'],
  site: [
    '小区/地址',
    '小区',
    '小区名称',
    '住宅小区',
    '地址',
    '标准地址',
    '门牌地址',
    '小区地址',
    'address',
    'compound',
  ],
  building: ['楼栋', '楼栋号', '楼号', '栋', '幢', 'building'],
  lng: ['经度', 'lng', 'lon', 'longitude'],
  lat: ['纬度', 'lat', 'latitude'],
} as const

export type GridField = keyof typeof GRID_FIELDS

const FIELD_OF = new Map<string, GridField>()
for (const [field, names] of Object.entries(GRID_FIELDS) as [GridField, readonly string[]][])
  for (const name of names) FIELD_OF.set(headerKey(name), field)

/** The field a header or property name stands for, or null. */
export const fieldOf = (name: string): GridField | null => FIELD_OF.get(headerKey(name)) ?? null

const MAX_CODE_LENGTH = 64

/** Why a grid code cannot be one, or null: codes are ids other systems join on, so no spaces or controls. */
export function gridCodeProblem(code: string): string | null {
  if (code === '') return 'is blank'
  if (code.length > MAX_CODE_LENGTH) return `is longer than ${MAX_CODE_LENGTH} characters`
  if (/[\s\p{C}]/u.test(code)) return 'holds spaces or control characters'
  return null
}

/** A grid code as written: NFKC (全角 digits and dashes), trimmed. */
export const cleanCode = (text: string): string => text.normalize('NFKC').trim()

/** 张三、李四 / 张三,李四 / ["张三", "李四"]: the workers of a grid, blanks dropped, order kept. */
export function splitWorkers(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? value.split(/[、,，;；/|]+/) : value
  return [...new Set(items.map((w) => w.normalize('NFKC').trim()).filter((w) => w !== ''))]
}

const SUFFIX = /(社区居委会|居委会|村委会|社区|村)$/

/**
 * A community by its 12-digit code, or by its name (中牌楼社区, 中牌楼社区居委会, 中牌楼) among the
 * district's communities. Returns the code, or a reason it cannot.
 */
export function resolveCommunity(
  text: string,
  district: string,
): { code: string; problem?: never } | { code?: never; problem: string } {
  const value = text.normalize('NFKC').trim()
  if (/^\d{12}$/.test(value)) return { code: value }
  const stem = value.replace(SUFFIX, '')
  if (stem === '') return { problem: 'is neither a 12-digit community code nor a community name' }
  const found = communitiesOfDistrict(district).filter((c) => c.name.replace(SUFFIX, '') === stem)
  if (found.length === 1) return { code: (found[0] as { code: string }).code }
  return found.length === 0
    ? { problem: `names no community of district ${district}` }
    : { problem: `names ${found.length} communities of district ${district}: give its 12-digit code` }
}

/** A longitude or latitude as a number, or a reason it is not one. */
export function readCoordinate(text: string, axis: 'lng' | 'lat'): { value: number } | { problem: string } {
  const t = text.normalize('NFKC').trim()
  const n = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : Number.NaN
  if (!Number.isFinite(n)) return { problem: 'is not a number' }
  const limit = axis === 'lng' ? 180 : 90
  if (Math.abs(n) > limit)
    return { problem: `is outside ±${limit}${axis === 'lat' ? ' (经度 and 纬度 swapped?)' : ''}` }
  return { value: n }
}
