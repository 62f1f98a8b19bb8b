/** The shared string table: one string per <si>, rich-text runs concatenated, phonetic hints (<rPh>) left out. */
import { parseXmlPart } from './xml.ts'
import type { ZipReader } from './zip.ts'

export async function readSharedStrings(zip: ZipReader, path: string | undefined): Promise<string[]> {
  const entry = path === undefined ? zip.get('xl/sharedStrings.xml') : zip.get(path)
  if (!entry) return []
  const strings: string[] = []
  let current: string[] = []
  let inItem = false
  let inText = false
  let phoneticDepth = 0
  await parseXmlPart(zip, entry, zip.limits.maxSharedStringsBytes, {
    open(name) {
      if (name === 'si') {
        inItem = true
        current = []
      } else if (name === 'rPh') phoneticDepth++
      else if (name === 't' && inItem && phoneticDepth === 0) inText = true
    },
    close(name) {
      if (name === 'si') {
        strings.push(current.join(''))
        inItem = false
      } else if (name === 'rPh') phoneticDepth--
      else if (name === 't') inText = false
    },
    text(text) {
      if (inText) current.push(text)
    },
  })
  return strings
}
