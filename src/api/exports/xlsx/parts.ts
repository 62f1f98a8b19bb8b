/** The XML of an XLSX package besides the cells: the fewest parts Excel opens without a repair prompt. */

const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships'
const TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml'

// Escaped: XML's own three; CR, which a parser would read as LF, as a character reference; what XML 1.0
// cannot carry at all (C0 controls, U+FFFE, U+FFFF) as Excel's _xHHHH_; lone surrogates; and a literal
// _xHHHH_, which Excel would otherwise decode. A surrogate pair (𠀀 in a name) matches nothing: the u
// flag sees one code point.
const NEEDS_ESCAPE = /[&<>\x00-\x08\x0B-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]|_(?=x[0-9A-Fa-f]{4}_)/u
const ESCAPES = new RegExp(NEEDS_ESCAPE.source, 'gu')

const escapeOne = (ch: string): string => {
  if (ch === '&') return '&amp;'
  if (ch === '<') return '&lt;'
  if (ch === '>') return '&gt;'
  if (ch === '\r') return '&#13;'
  if (ch === '_') return '_x005F_'
  const code = ch.charCodeAt(0)
  if (code >= 0xd800 && code <= 0xdfff) return '\uFFFD' // half a character: nothing to keep
  return `_x${code.toString(16).toUpperCase().padStart(4, '0')}_` // Excel's own escape (ST_Xstring)
}

/** Text as element content that Excel reads back to the same string. */
export const xmlText = (s: string): string => (NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, escapeOne) : s)

const xmlAttr = (s: string): string => xmlText(s).replace(/"/g, '&quot;')

const KEEP_SPACE = /^\s|\s$|[\t\n\r]/

/** An inline string cell: never a formula, whatever the text starts with. */
export const stringCell = (ref: string, s: string, style = ''): string =>
  `<c r="${ref}"${style} t="inlineStr"><is><t${KEEP_SPACE.test(s) ? ' xml:space="preserve"' : ''}>${xmlText(s)}</t></is></c>`

/** A, B, … Z, AA, AB, … as Excel names columns. */
export const columnLetters = (index: number): string => {
  let n = index + 1
  let letters = ''
  while (n > 0) {
    const r = (n - 1) % 26
    letters = String.fromCharCode(65 + r) + letters
    n = (n - 1 - r) / 26
  }
  return letters
}

export const ROOT_RELS = `${DECL}<Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`

// style 1 is the header's bold font
export const STYLES = `${DECL}<styleSheet xmlns="${MAIN}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

export const HEADER_STYLE = ' s="1"'

export const sheetPath = (i: number): string => `xl/worksheets/sheet${i + 1}.xml`

/** A sheet up to its first data row: the header row frozen, columns as wide as the widths given. */
export const sheetHead = (widths: readonly number[], header: string): string =>
  `${DECL}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${widths
    .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`)
    .join('')}</cols><sheetData><row r="1">${header}</row>`

export const SHEET_TAIL = '</sheetData></worksheet>'

export const workbook = (sheets: readonly string[]): string =>
  `${DECL}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><bookViews><workbookView/></bookViews><sheets>${sheets
    .map((name, i) => `<sheet name="${xmlAttr(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('')}</sheets></workbook>`

export const workbookRels = (sheets: number): string =>
  `${DECL}<Relationships xmlns="${PKG_REL}">${Array.from(
    { length: sheets },
    (_, i) =>
      `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join('')}<Relationship Id="rId${sheets + 1}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`

export const contentTypes = (sheets: number): string =>
  `${DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="${TYPE}.sheet.main+xml"/>${Array.from(
    { length: sheets },
    (_, i) => `<Override PartName="/${sheetPath(i)}" ContentType="${TYPE}.worksheet+xml"/>`,
  ).join('')}<Override PartName="/xl/styles.xml" ContentType="${TYPE}.styles+xml"/></Types>`
