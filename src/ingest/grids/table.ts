/**
 * Grid tables (CSV in UTF-8 or GBK, or a spreadsheet), read with the department files' reader:
 *   a coverage list:        网格编码, 小区/地址[, 楼栋][, 网格名称, 社区, 网格员][, 经度, 纬度]
 *   a standard-address list: 地址, 经度, 纬度
 * Every row is checked; the first problem is thrown (SANSHI212, with file, row and column) and the
 * count of the others, so one run of the command shows how much of the file needs fixing.
 */
import { basename } from 'node:path'
import { SanshiError } from '../../errors.ts'
import { openTable, type RawRow } from '../read/index.ts'
import {
  cleanCode,
  fieldOf,
  GRID_FIELDS,
  type GridField,
  gridCodeProblem,
  readCoordinate,
  resolveCommunity,
  splitWorkers,
} from './fields.ts'
import { readPlace } from './places.ts'
import type { CoverageRow, GridFacts, GridTable, PointRow } from './types.ts'

const HEADER_SEARCH_ROWS = 20

interface Header {
  row: number
  columns: Map<GridField, { index: number; name: string }>
}

/** The header row of a grid table among its first rows, or null when it has none. */
export function findGridHeader(rows: readonly RawRow[]): Header | null {
  for (const r of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const columns = new Map<GridField, { index: number; name: string }>()
    r.cells.forEach((cell, index) => {
      const field = fieldOf(cell)
      if (field && !columns.has(field)) columns.set(field, { index, name: cell.trim() })
    })
    const coverage = columns.has('gridCode') && (columns.has('site') || columns.has('building'))
    const points = columns.has('site') && columns.has('lng') && columns.has('lat')
    if (coverage || points) return { row: r.row, columns }
  }
  return null
}

interface Problem {
  row: number
  column: string | undefined
  message: string
}

export async function readGridTable(path: string, district: string): Promise<GridTable> {
  const file = basename(path)
  const table = await openTable(path)
  const head: RawRow[] = []
  let header: Header | null = null
  const problems: Problem[] = []
  const coverage: CoverageRow[] = []
  const points: PointRow[] = []
  const grids = new Map<string, GridFacts>()
  const placed = new Map<string, { row: number; grid?: string; lng?: number; lat?: number }>()

  const fail = (): never => {
    const first = problems[0] as Problem
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems in this file)` : ''
    throw new SanshiError('SANSHI212', first.message + more, {
      file,
      row: first.row,
      ...(first.column ? { column: first.column } : {}),
    })
  }

  const readRow = (h: Header, r: RawRow) => {
    const col = (f: GridField) => h.columns.get(f)
    const cell = (f: GridField): string => {
      const c = col(f)
      return c ? (r.cells[c.index] ?? '').trim() : ''
    }
    const problem = (f: GridField | null, message: string) =>
      problems.push({ row: r.row, column: f ? col(f)?.name : undefined, message })
    const bad = r.badColumns?.find((i) => [...h.columns.values()].some((c) => c.index === i))
    if (bad !== undefined) {
      const name = [...h.columns.values()].find((c) => c.index === bad)?.name
      problems.push({ row: r.row, column: name, message: 'holds characters the encoding cannot show' })
      return
    }

    let grid: string | null = null
    if (col('gridCode')) {
      grid = cleanCode(cell('gridCode'))
      const p = gridCodeProblem(grid)
      if (p) return problem('gridCode', `the grid code ${p}`)
      if (!grids.has(grid)) {
        const community = cell('community')
        const resolved = community === '' ? null : resolveCommunity(community, district)
        if (resolved?.problem) return problem('community', `community ${resolved.problem}`)
        grids.set(grid, {
          code: grid,
          row: r.row,
          name: cell('gridName').normalize('NFKC') || null,
          communityCode: resolved?.code ?? null,
          workers: splitWorkers(cell('workers')),
        })
      }
    }

    const site = cell('site')
    const building = cell('building')
    const where = site === '' && building !== '' ? 'building' : 'site'
    if (site === '' && building !== '')
      return problem('building', '楼栋 alone names no place: give the compound or door number')
    const read = readPlace(site, building, district)
    if (read.problem) return problem(where, `the address ${read.problem}`)
    const place = read.place as NonNullable<typeof read.place>

    let lng: number | undefined
    let lat: number | undefined
    if (col('lng') && col('lat')) {
      const [x, y] = [cell('lng'), cell('lat')]
      if (x !== '' || y !== '' || !grid) {
        const rx = readCoordinate(x, 'lng')
        if ('problem' in rx) return problem('lng', `经度 ${x === '' ? 'is blank' : rx.problem}`)
        const ry = readCoordinate(y, 'lat')
        if ('problem' in ry) return problem('lat', `纬度 ${y === '' ? 'is blank' : ry.problem}`)
        ;[lng, lat] = [rx.value, ry.value]
      }
    }

    // one place, one grid and one position within a file: a second row may only repeat the first
    const id = `${place.level}|${place.key}`
    const seen = placed.get(id) ?? { row: r.row }
    if (grid && seen.grid && seen.grid !== grid)
      return problem('gridCode', `this place is in grid ${seen.grid} on row ${seen.row}, here in ${grid}`)
    if (lng !== undefined && seen.lng !== undefined && (seen.lng !== lng || seen.lat !== lat))
      return problem('lng', `this place has other coordinates on row ${seen.row}`)
    if (grid && !seen.grid) {
      seen.grid = grid
      coverage.push({ ...place, row: r.row, gridCode: grid })
    }
    if (lng !== undefined && lat !== undefined && seen.lng === undefined) {
      Object.assign(seen, { lng, lat })
      points.push({ ...place, row: r.row, lng, lat })
    }
    placed.set(id, seen)
  }

  for await (const r of table.rows()) {
    if (!header) {
      head.push(r)
      header = findGridHeader(head)
      if (!header && head.length >= HEADER_SEARCH_ROWS) break
      continue
    }
    readRow(header, r)
  }
  if (!header)
    throw new SanshiError(
      'SANSHI212',
      `no grid header: a coverage list needs ${GRID_FIELDS.gridCode[0]} and ${GRID_FIELDS.site[0]}, ` +
        `a standard-address list ${GRID_FIELDS.site[4]}, ${GRID_FIELDS.lng[0]} and ${GRID_FIELDS.lat[0]}`,
      { file },
    )
  const h = header
  if (h.columns.has('lng') !== h.columns.has('lat')) {
    const missing = h.columns.has('lng') ? '纬度' : '经度'
    throw new SanshiError('SANSHI212', `the header has no ${missing} beside the other coordinate`, {
      file,
      row: h.row,
    })
  }
  if (problems.length > 0) fail()
  if (coverage.length === 0 && points.length === 0)
    throw new SanshiError('SANSHI202', 'the table has a header but no rows', { file })
  return {
    kind: h.columns.has('gridCode') ? 'coverage' : 'addresses',
    file,
    gridColumn: h.columns.get('gridCode')?.name ?? null,
    grids: [...grids.values()],
    coverage,
    points,
  }
}
