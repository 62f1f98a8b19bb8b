/** Finds the workbook part, its sheets in order, and where the sheet, shared strings and styles live. */
import { posix } from 'node:path'
import { SanshiError } from '../../../errors.ts'
import { attribute, parseXmlPart } from './xml.ts'
import type { ZipReader } from './zip.ts'

/** Workbook, relationship and style parts are small; anything bigger is not a real workbook. */
export const MAX_METADATA_PART_BYTES = 32 * 1024 * 1024

export interface SheetRef {
  name: string
  path: string
}

export interface Workbook {
  sheets: SheetRef[]
  date1904: boolean
  sharedStringsPath?: string
  stylesPath?: string
}

interface Relationship {
  id: string
  type: string
  target: string
}

const OFFICE_DOCUMENT = /\/officeDocument$/
const WORKSHEET = /\/worksheet$/
const SHARED_STRINGS = /\/sharedStrings$/
const STYLES = /\/styles$/

export async function readWorkbook(zip: ZipReader): Promise<Workbook> {
  const rootRels = await readRelationships(zip, '_rels/.rels', '')
  const workbookPath = rootRels.find((r) => OFFICE_DOCUMENT.test(r.type))?.target ?? 'xl/workbook.xml'
  const workbookEntry = zip.get(workbookPath)
  if (!workbookEntry) throw zip.refuse('not an Excel workbook: the zip has no workbook part')

  const declared: { name: string; relId: string }[] = []
  let date1904 = false
  await parseXmlPart(zip, workbookEntry, MAX_METADATA_PART_BYTES, {
    open(name, tag) {
      if (name === 'workbookPr') {
        const value = attribute(tag, 'date1904')
        date1904 = value === '1' || value === 'true'
      } else if (name === 'sheet') {
        declared.push({ name: attribute(tag, 'name') ?? '', relId: attribute(tag, 'id') ?? '' })
      }
    },
    close() {},
  })

  const baseDir = posix.dirname(workbookPath)
  const relsPath = posix.join(baseDir, '_rels', `${posix.basename(workbookPath)}.rels`)
  const rels = await readRelationships(zip, relsPath, baseDir)
  const byId = new Map(rels.map((r) => [r.id, r]))
  const sheets: SheetRef[] = []
  for (const sheet of declared) {
    const rel = byId.get(sheet.relId)
    // Chart sheets and dialog sheets have no cells.
    if (rel && WORKSHEET.test(rel.type)) sheets.push({ name: sheet.name, path: rel.target })
  }
  if (sheets.length === 0) throw zip.refuse('the workbook has no worksheet')
  return {
    sheets,
    date1904,
    sharedStringsPath: rels.find((r) => SHARED_STRINGS.test(r.type))?.target,
    stylesPath: rels.find((r) => STYLES.test(r.type))?.target,
  }
}

/** Sheet by name or 0-based position; the first worksheet when not told. */
export function chooseSheet(workbook: Workbook, wanted: string | number | undefined, file: string): SheetRef {
  const found =
    wanted === undefined
      ? workbook.sheets[0]
      : typeof wanted === 'number'
        ? workbook.sheets[wanted]
        : workbook.sheets.find((s) => s.name === wanted)
  if (!found) {
    throw new SanshiError(
      'SANSHI207',
      'the requested sheet is not in the workbook',
      { file },
      `sheets: ${workbook.sheets.length}`,
    )
  }
  return found
}

async function readRelationships(zip: ZipReader, path: string, baseDir: string): Promise<Relationship[]> {
  const entry = zip.get(path)
  if (!entry) return []
  const out: Relationship[] = []
  await parseXmlPart(zip, entry, MAX_METADATA_PART_BYTES, {
    open(name, tag) {
      if (name !== 'Relationship') return
      if (attribute(tag, 'TargetMode') === 'External') return
      const target = attribute(tag, 'Target') ?? ''
      out.push({
        id: attribute(tag, 'Id') ?? '',
        type: attribute(tag, 'Type') ?? '',
        // Targets are relative to the source part's folder, or absolute from the package root.
        target: target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join(baseDir, target)),
      })
    },
    close() {},
  })
  return out
}
