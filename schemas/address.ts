import { z } from 'zod'

/** How deep an address text reached: a house is a room; shallower addresses are partial. */
export const AddressDepth = z.enum(['division', 'road', 'number', 'compound', 'building', 'unit', 'room'])
export type AddressDepth = z.infer<typeof AddressDepth>

/**
 * A standard address (一标): the parsed parts of a free-text address.
 * `key` is canonical: every spelling of one dwelling gives the same key
 * (南京市秦淮区夫子庙街道贡院街12号3栋2单元301室 / 秦淮区贡院街12号3幢301 / 贡院街12-3-2-301).
 */
export const ParsedAddressSchema = z.object({
  raw: z.string(),
  divisionCode: z.string().nullable(), // 12-digit 统计用区划代码, zero-padded at the deepest level known
  divisionLevel: z.enum(['province', 'city', 'district', 'street', 'community']).nullable(),
  districtCode: z.string().nullable(), // 6 digits
  streetCode: z.string().nullable(), // 9 digits
  communityCode: z.string().nullable(), // 12 digits
  road: z.string().nullable(), // 贡院街
  number: z.string().nullable(), // 12 (门牌号, may be 12-1)
  compound: z.string().nullable(), // 小区/大院 name
  building: z.string().nullable(), // 3 (栋/幢/号楼)
  unit: z.string().nullable(), // 2 (单元)
  floor: z.string().nullable(),
  room: z.string().nullable(), // 301
  depth: AddressDepth,
  key: z.string(), // canonical key, e.g. 320104|贡院街|12|3|2|301
  buildingKey: z.string().nullable(), // key cut at building level, for same-building comparisons
})
export type ParsedAddress = z.infer<typeof ParsedAddressSchema>
