/** Which cell styles format numbers as dates: only those numbers become 'YYYY-MM-DD'. */
import { isDateFormat } from './cell-value.ts'
import { MAX_METADATA_PART_BYTES } from './workbook.ts'
import { attribute, parseXmlPart } from './xml.ts'
import type { ZipReader } from './zip.ts'

/** Index = the cell's `s` attribute; true when that style's number format shows a date. */
export async function readDateStyles(zip: ZipReader, path: string | undefined): Promise<boolean[]> {
  const entry = path === undefined ? zip.get('xl/styles.xml') : zip.get(path)
  if (!entry) return []
  const customFormats = new Map<number, string>()
  const styleFormatIds: number[] = []
  let inCellXfs = false
  await parseXmlPart(zip, entry, MAX_METADATA_PART_BYTES, {
    open(name, tag) {
      if (name === 'numFmt') {
        const id = Number(attribute(tag, 'numFmtId'))
        if (Number.isInteger(id)) customFormats.set(id, attribute(tag, 'formatCode') ?? '')
      } else if (name === 'cellXfs') {
        inCellXfs = true
      } else if (name === 'xf' && inCellXfs) {
        // cellStyleXfs also holds <xf> elements; only cellXfs is what `s` indexes.
        styleFormatIds.push(Number(attribute(tag, 'numFmtId') ?? 0))
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false
    },
  })
  return styleFormatIds.map((id) => isDateFormat(id, customFormats.get(id)))
}
