import type { Mapping, RoleMapping } from '../../connectors/index.ts'
import type { ParsedAddress } from '../../schemas/address.ts'
import type {
  HouseMention,
  Mention,
  PartialDate,
  PersonMention,
  Role,
  UnitMention,
} from '../../schemas/mentions.ts'
import type { Problem } from '../../schemas/problem.ts'
import type { CreditCode } from '../normalize/credit-code.ts'
import { pinyinKey } from '../normalize/pinyin.ts'
import type { IdentityDocument } from './parse-value.ts'
import type { ResidentId } from '../normalize/resident-id.ts'

type Values = ReadonlyMap<string, unknown>

/**
 * Reads mention field `target` of a role: a mapped column's value, else the role's constant. A plain
 * function rather than a reader object per role and row: this runs a dozen times on every row.
 */
function get<T>(role: RoleMapping, values: Values, target: string): T | null {
  const field = role.fields[target]
  const v = field === undefined ? undefined : values.get(field)
  if (v !== undefined) return v as T
  const constant = role.set[target]
  return constant === undefined ? null : (constant as T)
}

const CATEGORIES = new Set(['户籍', '流动', '境外'])
/** The record keeps an unknown 人员类型 as written; the person's category is only one the schema knows. */
const personCategory = (v: string | null): PersonMention['category'] =>
  v !== null && CATEGORIES.has(v) ? (v as PersonMention['category']) : null

const asStrings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []

const datesAgree = (a: PartialDate, day: string): boolean => day.startsWith(a.value)

const person = (
  role: RoleMapping,
  values: Values,
  row: number,
  problems: Problem[],
  headerOf?: (field: string) => string | undefined,
): PersonMention => {
  const idValue = get<ResidentId | IdentityDocument>(role, values, 'idNumber')
  const id = idValue && 'value' in idValue ? idValue : null
  const otherDocument = idValue && 'document' in idValue ? idValue.document : null
  const name = get<string>(role, values, 'name')
  let gender = get<'M' | 'F'>(role, values, 'gender')
  let birthDate = get<PartialDate>(role, values, 'birthDate')
  if (id?.valid) {
    // a problem names the column as the file heads it, not the mapping's field name
    const field = role.fields.idNumber
    const column = field === undefined ? null : (headerOf?.(field) ?? field)
    if (gender && gender !== id.gender)
      problems.push({ row, column, code: 'GENDER_CONFLICT', severity: 'warning' })
    if (birthDate && !datesAgree(birthDate, id.birthDate))
      problems.push({ row, column, code: 'BIRTHDATE_CONFLICT', severity: 'warning' })
    // the id is the register's key, so what it encodes fills the blanks
    gender ??= id.gender
    birthDate ??= { value: id.birthDate, precision: 'day' }
  }
  return {
    name,
    namePinyin: name ? pinyinKey(name) : null,
    idNumber: id?.value ?? null,
    idValid: id ? id.valid : null,
    otherDocument,
    gender,
    birthDate,
    ethnicity: get<string>(role, values, 'ethnicity'),
    phones: asStrings(get(role, values, 'phones')),
    hukouAddress: get<ParsedAddress>(role, values, 'hukouAddress'),
    address: get<ParsedAddress>(role, values, 'address'),
    category: personCategory(get<string>(role, values, 'category')),
    assistance: asStrings(get(role, values, 'assistance')),
    householdNo: get<string>(role, values, 'householdNo'),
    relationToHead: get<string>(role, values, 'relationToHead'),
    gridCode: get<string>(role, values, 'gridCode'),
    employerName: get<string>(role, values, 'employerName'),
  }
}

const house = (role: RoleMapping, values: Values): HouseMention | null => {
  const address = get<ParsedAddress>(role, values, 'address')
  if (!address) return null
  return {
    address,
    usage: get<HouseMention['usage']>(role, values, 'usage'),
    gridCode: get<string>(role, values, 'gridCode'),
  }
}

/** 个体工商户 is a kind of its own; every other registered market form is an enterprise. */
const unitKind = (
  legalForm: string | null,
  constant: string | null,
  source: Mapping,
): UnitMention['kind'] => {
  if (constant === '企业' || constant === '个体工商户' || constant === '社会组织') return constant
  if (legalForm?.includes('个体')) return '个体工商户'
  if (source.department === 'market' && legalForm) return '企业'
  return null
}

const unit = (role: RoleMapping, values: Values, mapping: Mapping): UnitMention => {
  const code = get<CreditCode>(role, values, 'creditCode')
  const legalForm = get<string>(role, values, 'legalForm')
  return {
    creditCode: code?.kind === 'uscc' ? code.value : null,
    creditValid: code ? code.valid : null,
    regNo: code?.kind === 'regno' ? code.value : null,
    name: get<string>(role, values, 'name'),
    signName: get<string>(role, values, 'signName'),
    kind: unitKind(legalForm, role.set.kind ?? null, mapping),
    legalForm,
    status: get<string>(role, values, 'status'),
    industry: get<string>(role, values, 'industry'),
    phones: asStrings(get(role, values, 'phones')),
    address: get<ParsedAddress>(role, values, 'address'),
    established: get<PartialDate>(role, values, 'established'),
  }
}

/** The fields whose presence says a row describes a role: its `when` list, else all its fields. */
const presenceFields = new WeakMap<RoleMapping, string[]>()

/** Whether the row describes this role at all: a rental row without a tenant has no tenant mention. */
const rolePresent = (role: RoleMapping, values: Values): boolean => {
  let fields = presenceFields.get(role)
  if (fields === undefined) {
    fields = role.when ?? Object.values(role.fields)
    presenceFields.set(role, fields)
  }
  for (const f of fields) if (values.has(f)) return true
  return false
}

/** The entities one accepted row describes, one mention per role (formats.md). */
export const assembleMentions = (
  mapping: Mapping,
  values: Values,
  row: number,
  problems: Problem[],
  headerOf?: (field: string) => string | undefined,
): Mention[] => {
  const out: Mention[] = []
  for (const role of mapping.roles) {
    if (!rolePresent(role, values)) continue
    const name = role.role as Role
    if (role.entity === 'person')
      out.push({ entity: 'person', role: name, data: person(role, values, row, problems, headerOf) })
    else if (role.entity === 'unit')
      out.push({ entity: 'unit', role: name, data: unit(role, values, mapping) })
    else {
      const h = house(role, values)
      if (h) out.push({ entity: 'house', role: name, data: h })
    }
  }
  return out
}
