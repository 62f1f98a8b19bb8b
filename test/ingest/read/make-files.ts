/** Builds the test inputs on the fly: CSV in each encoding, hand-written XLSX parts, legacy XLS. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strToU8, type Zippable, zipSync } from 'fflate'
import iconv from 'iconv-lite'
import type { RawRow, TableSource } from '../../../src/ingest/read/index.ts'

export interface TempDir {
  path: string
  file(name: string): string
  remove(): Promise<void>
}

export async function makeTempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'sanshi-read-'))
  return { path, file: (name) => join(path, name), remove: () => rm(path, { recursive: true, force: true }) }
}

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'gb18030' | 'utf-16le-bom'

export async function writeText(
  path: string,
  text: string,
  encoding: TextEncoding = 'utf-8',
): Promise<string> {
  const bytes =
    encoding === 'utf-8-bom'
      ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])
      : encoding === 'utf-16le-bom'
        ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
        : iconv.encode(text, encoding)
  await writeFile(path, bytes)
  return path
}

export async function readAll(source: TableSource): Promise<RawRow[]> {
  const rows: RawRow[] = []
  for await (const row of source.rows()) rows.push(row)
  return rows
}

export const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'

export interface XlsxSpec {
  /** Each sheet's <sheetData> inner XML, written by hand so tests control every attribute. */
  sheets: { name: string; rowsXml: string }[]
  /** Raw <si> elements, or plain strings wrapped in <si><t>. */
  sharedStrings?: string[]
  /** Custom number formats (id → code) and the numFmtId of each cellXfs entry. */
  numFmts?: [number, string][]
  cellXfs?: number[]
  date1904?: boolean
  /** Extra or replacement parts, by path. */
  extraParts?: Record<string, Uint8Array | string>
  level?: 0 | 6 | 9
}

/** A minimal but complete SpreadsheetML package, as Excel lays it out. */
export async function writeXlsx(path: string, spec: XlsxSpec): Promise<string> {
  const parts: Record<string, string | Uint8Array> = {
    '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL_NS}"><workbookPr${spec.date1904 ? ' date1904="1"' : ''}/><sheets>${spec.sheets
      .map((s, i) => `<sheet name="${xmlEscape(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join('')}</sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${spec.sheets
      .map(
        (_, i) =>
          `<Relationship Id="rId${i + 1}" Type="${REL_TYPE}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
      )
      .join(
        '',
      )}<Relationship Id="rIdS" Type="${REL_TYPE}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rIdT" Type="${REL_TYPE}/styles" Target="styles.xml"/></Relationships>`,
    'xl/styles.xml': `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${NS}"><numFmts>${(
      spec.numFmts ?? []
    )
      .map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${xmlEscape(code)}"/>`)
      .join('')}</numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs>${(spec.cellXfs ?? [0])
      .map((id) => `<xf numFmtId="${id}" xfId="0"/>`)
      .join('')}</cellXfs></styleSheet>`,
    'xl/sharedStrings.xml': `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}">${(
      spec.sharedStrings ?? []
    )
      .map((s) => (s.startsWith('<si>') ? s : `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`))
      .join('')}</sst>`,
  }
  spec.sheets.forEach((s, i) => {
    parts[`xl/worksheets/sheet${i + 1}.xml`] =
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}" xmlns:r="${REL_NS}"><sheetData>${s.rowsXml}</sheetData></worksheet>`
  })
  Object.assign(parts, spec.extraParts ?? {})
  await writeZip(path, parts, spec.level ?? 6)
  return path
}

export async function writeZip(
  path: string,
  parts: Record<string, string | Uint8Array>,
  level: 0 | 6 | 9 = 6,
) {
  const zippable: Zippable = {}
  for (const [name, data] of Object.entries(parts)) {
    zippable[name] = [typeof data === 'string' ? strToU8(data) : data, { level }]
  }
  await writeFile(path, zipSync(zippable))
}

/** One <row> from cell specs: [ref, type, value, extra XML inside <c>]. */
export function row(r: number, cells: [string, string | undefined, string, string?][], attrs = ''): string {
  return `<row r="${r}"${attrs}>${cells
    .map(
      ([ref, t, v, inner]) =>
        `<c r="${ref}"${t ? ` t="${t}"` : ''}>${inner ?? ''}${v === '' ? '' : `<v>${v}</v>`}</c>`,
    )
    .join('')}</row>`
}
