import type { Mention } from '../../schemas/mentions.ts'
import type { Problem } from '../../schemas/problem.ts'

/** Column lists and row builders for source_records and the three mention tables, in COPY order. */

export const RECORD_COLUMNS = [
  'id',
  'source',
  'record_id',
  'batch_id',
  'row_number',
  'raw',
  'data',
  'problems',
  'row_hash',
  'version',
]

/** A row's problems as the tables keep them: without the row number, which is the record's own. */
export const storedProblems = (problems: Problem[]): unknown[] =>
  problems.map(({ column, code, severity, detail }) => ({ column, code, severity, detail }))

export const PERSON_COLUMNS = [
  'source_record_id',
  'source',
  'record_id',
  'role',
  'name',
  'name_pinyin',
  'id_number',
  'id_valid',
  'other_document',
  'gender',
  'birth_date',
  'birth_precision',
  'ethnicity',
  'phones',
  'address_key',
  'address_building_key',
  'address_unit',
  'address_division',
  'hukou_address_key',
  'hukou_division',
  'category',
  'assistance',
  'household_no',
  'relation_to_head',
  'grid_code',
  'employer_name',
]

export const HOUSE_COLUMNS = [
  'source_record_id',
  'source',
  'record_id',
  'role',
  'address_raw',
  'division_code',
  'district_code',
  'street_code',
  'community_code',
  'road',
  'number',
  'compound',
  'building',
  'unit',
  'floor',
  'room',
  'depth',
  'key',
  'building_key',
  'usage',
  'grid_code',
  'lng',
  'lat',
]

export const UNIT_COLUMNS = [
  'source_record_id',
  'source',
  'record_id',
  'role',
  'credit_code',
  'credit_valid',
  'reg_no',
  'name',
  'sign_name',
  'kind',
  'legal_form',
  'status',
  'industry',
  'phones',
  'address_key',
  'address_building_key',
  'established',
]

/** Where one mention's row goes: the table's name and the row, in COPY order. */
export type MentionSink = (table: 'persons' | 'houses' | 'units', row: unknown[]) => void

/** Hands one source record's mentions, as rows of their tables, to the sink. */
export const pushMentionRows = (
  out: MentionSink,
  sourceRecordId: number,
  source: string,
  recordId: string,
  mentions: readonly Mention[],
): void => {
  for (const m of mentions) {
    // the four leading columns written out in each literal, not spread from an array made for each mention
    if (m.entity === 'person') {
      const p = m.data
      out('persons', [
        sourceRecordId,
        source,
        recordId,
        m.role,
        p.name,
        p.namePinyin,
        p.idNumber,
        p.idValid,
        p.otherDocument,
        p.gender,
        p.birthDate?.value ?? null,
        p.birthDate?.precision ?? null,
        p.ethnicity,
        p.phones,
        p.address?.key ?? null,
        p.address?.buildingKey ?? null,
        p.address?.unit ?? null,
        p.address?.divisionCode ?? null,
        p.hukouAddress?.key ?? null,
        p.hukouAddress?.divisionCode ?? null,
        p.category,
        p.assistance,
        p.householdNo,
        p.relationToHead,
        p.gridCode,
        p.employerName,
      ])
    } else if (m.entity === 'house') {
      const a = m.data.address
      out('houses', [
        sourceRecordId,
        source,
        recordId,
        m.role,
        a.raw,
        a.divisionCode,
        a.districtCode,
        a.streetCode,
        a.communityCode,
        a.road,
        a.number,
        a.compound,
        a.building,
        a.unit,
        a.floor,
        a.room,
        a.depth,
        a.key,
        a.buildingKey,
        m.data.usage,
        m.data.gridCode,
        null,
        null,
      ])
    } else {
      const u = m.data
      out('units', [
        sourceRecordId,
        source,
        recordId,
        m.role,
        u.creditCode,
        u.creditValid,
        u.regNo,
        u.name,
        u.signName,
        u.kind,
        u.legalForm,
        u.status,
        u.industry,
        u.phones,
        u.address?.key ?? null,
        u.address?.buildingKey ?? null,
        u.established?.value ?? null,
      ])
    }
  }
}
