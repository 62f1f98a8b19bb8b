/**
 * ingestFile end to end on both databases: raw cells kept verbatim with batch and row number, mentions per
 * role, warnings kept, refused rows located, identical files skipped, changed records versioned, a batch
 * refused whole past the limit, the source found three ways, and a ninth format added by a mapping file.
 */
import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { allMappings, MappingError, parseMapping } from '../../connectors/index.ts'
import type { Database } from '../../src/db/index.ts'
import { forEachDatabase } from '../support/databases.ts'
import { makeTempDir, type TempDir, writeText, writeXlsx } from './read/make-files.ts'
import { countRows, csvText, ingest, inlineRows, residentId, sanshiError } from './support.ts'

let dir: TempDir
beforeAll(async () => {
  dir = await makeTempDir()
})
afterAll(async () => {
  await dir.remove()
})

const ID_A = residentId('320104', '19850302', 12, 'M') // 32010419850302121X
const ID_B = residentId('320104', '19900715', 34, 'F')
const ID_C = residentId('320106', '19721111', 56, 'M')
const ID_D = residentId('320104', '20010203', 78, 'F')

const HUKOU_HEADER = ['记录编号', '姓名', '性别', '公民身份号码', '现住地址', '联系电话']
const RENTAL_HEADER = [
  '记录编号',
  '房屋地址',
  '房主姓名',
  '房主身份证号',
  '房主电话',
  '承租人姓名',
  '承租人身份证号',
  '承租人电话',
  '出租用途',
  '租赁起始日期',
  '登记日期',
]

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex')

interface RecordRow {
  record_id: string
  batch_id: string
  row_number: number
  raw: Record<string, string>
  data: Record<string, unknown>
  problems: unknown[]
  version: number
}

const recordsOf = (db: Database, source: string) =>
  db.query<RecordRow>(
    'SELECT record_id, batch_id, row_number, raw, data, problems, version FROM source_records WHERE source = $1 ORDER BY record_id',
    [source],
  )

const batchRow = async (db: Database, id: string) =>
  (
    await db.query<{
      source: string
      file_name: string
      file_sha256: string
      format: string
      encoding: string | null
      status: string
      rows: number
      accepted: number
      rejected: number
      warnings: number
      refused_reason: string | null
      options: Record<string, unknown>
    }>(
      `SELECT source, file_name, file_sha256, format, encoding, status, rows, accepted, rejected, warnings,
              refused_reason, options FROM batches WHERE id = $1`,
      [id],
    )
  )[0]

const refusedOf = (db: Database, batchId: string) =>
  db.query<{
    row_number: number
    record_id: string | null
    raw: Record<string, string>
    problems: unknown[]
  }>(
    'SELECT row_number, record_id, raw, problems FROM refused_rows WHERE batch_id = $1 ORDER BY row_number',
    [batchId],
  )

forEachDatabase('ingestFile', (getDb) => {
  it('keeps every cell verbatim under its header, unknown columns included, numbered as the file shows it', async () => {
    const db = getDb()
    const path = dir.file('police.hukou-verbatim.csv')
    const text =
      '秦淮区实有人口登记表\n' +
      '导出单位：夫子庙派出所,,,\n' +
      `${[...HUKOU_HEADER, '备注', '备注', '', '自定义列'].join(',')}\n` +
      `V-0001, 王 伟 ,男,${ID_A.toLowerCase()},南京市秦淮区夫子庙街道贡院街12号3栋2单元301室,138-0013-8000,  楼长 ,第二备注,无名列的值,=SUM(A1)\n` +
      '\n' +
      `V-0002,李娜,女,${ID_B},秦淮区贡院街12号3幢302,,,,,,多出的格\n`
    await writeText(path, text)
    const summary = await ingest(db, path)
    expect(summary).toMatchObject({
      source: 'police.hukou',
      file: 'police.hukou-verbatim.csv',
      status: 'committed',
      rows: 2,
      accepted: 2,
      rejected: 0,
      inserted: 2,
      updated: 0,
      unchanged: 0,
    })

    const records = await recordsOf(db, 'police.hukou')
    expect(records.map((r) => [r.record_id, r.row_number, r.batch_id, r.version])).toEqual([
      ['V-0001', 4, summary.batchId, 1],
      ['V-0002', 6, summary.batchId, 1],
    ])
    expect(records[0]!.raw).toEqual({
      记录编号: 'V-0001',
      姓名: ' 王 伟 ',
      性别: '男',
      公民身份号码: ID_A.toLowerCase(),
      现住地址: '南京市秦淮区夫子庙街道贡院街12号3栋2单元301室',
      联系电话: '138-0013-8000',
      备注: '  楼长 ',
      '备注#2': '第二备注',
      列9: '无名列的值',
      自定义列: '=SUM(A1)',
    })
    expect(records[1]!.raw).toEqual({
      记录编号: 'V-0002',
      姓名: '李娜',
      性别: '女',
      公民身份号码: ID_B,
      现住地址: '秦淮区贡院街12号3幢302',
      列11: '多出的格',
    })
    // the normalised values sit beside the raw ones
    expect(records[0]!.data).toMatchObject({
      record_id: 'V-0001',
      name: '王伟',
      gender: 'M',
      id_number: ID_A,
      phone: ['13800138000'],
    })

    const batch = await batchRow(db, summary.batchId)
    expect(batch).toEqual({
      source: 'police.hukou',
      file_name: 'police.hukou-verbatim.csv',
      file_sha256: await sha256(path),
      format: 'csv',
      encoding: 'utf-8',
      status: 'committed',
      rows: 2,
      accepted: 2,
      rejected: 0,
      warnings: 0,
      refused_reason: null,
      options: {
        headers: [...HUKOU_HEADER, '备注', '备注#2', '列9', '自定义列'],
        headerRow: 3,
        delimiter: ',',
        sheet: null,
      },
    })
  })

  it('stores every row of a batch written in several chunks, on the main thread and in a worker', async () => {
    const db = getDb()
    // 25,000 rows: the writer's 10,000-row chunks fill three times, the third in the buffers of the first
    const rows = 25_000
    const id = (n: number) =>
      residentId('320104', `19${String(50 + (n % 50))}0101`, n % 100, n % 2 ? 'M' : 'F')
    const body = (workers: number) =>
      Array.from({ length: rows }, (_, i) => [
        `M${workers}-${String(i).padStart(6, '0')}`,
        `王${'伟娜强磊'[i % 4]}`,
        i % 2 ? '男' : '女',
        id(i),
        `贡院街${1 + (i % 90)}号${1 + (i % 7)}栋${101 + (i % 300)}室`,
        `139${String(i).padStart(8, '0')}`,
      ])
    for (const workers of [0, 1]) {
      const cells = body(workers)
      const path = await writeText(
        dir.file(`police.hukou-chunks-${workers}.csv`),
        csvText([HUKOU_HEADER, ...cells]),
      )
      const summary = await ingest(db, path, { workers })
      expect(summary).toMatchObject({ rows, accepted: rows, rejected: 0, inserted: rows })
      const stored = await db.query<{ record_id: string; row_number: number; name: string; phone: string }>(
        `SELECT record_id, row_number, raw->>'姓名' AS name, raw->>'联系电话' AS phone
         FROM source_records WHERE batch_id = $1 ORDER BY row_number`,
        [summary.batchId],
      )
      expect(stored.map((r) => [r.record_id, r.row_number, r.name, r.phone])).toEqual(
        cells.map((c, i) => [c[0], i + 2, c[1], c[5]]),
      )
      const [persons] = await db.query<{ n: number; ids: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT p.source_record_id)::int AS ids FROM source_persons p
         JOIN source_records r ON r.id = p.source_record_id WHERE r.batch_id = $1`,
        [summary.batchId],
      )
      expect(persons).toEqual({ n: rows, ids: rows })
    }
  }, 120_000)

  it('reads GBK as the clerk wrote it and counts an XLSX title row', async () => {
    const db = getDb()
    const gbk = await writeText(
      dir.file('police.hukou-gbk.csv'),
      csvText([HUKOU_HEADER, ['G-0001', '張曉明', '男', ID_C, '贡院街12号', '025-84561234']]),
      'gbk',
    )
    const s1 = await ingest(db, gbk)
    expect(s1).toMatchObject({ status: 'committed', rows: 1, accepted: 1 })
    expect((await batchRow(db, s1.batchId))?.encoding).toBe('gb18030')

    const xlsx = await writeXlsx(dir.file('police.hukou-title.xlsx'), {
      sheets: [
        {
          name: '户籍人口',
          rowsXml: inlineRows([
            ['秦淮区实有人口登记表'],
            [...HUKOU_HEADER, '备注'],
            [
              'X-0001',
              '王伟',
              '男',
              ID_A,
              '南京市秦淮区夫子庙街道贡院街12号3栋2单元301室',
              '',
              '<b>楼长</b>',
            ],
            null,
            ['X-0002', '李娜', '女', ID_B, '秦淮区贡院街12号3幢302'],
          ]),
        },
      ],
    })
    const s2 = await ingest(db, xlsx)
    expect(s2).toMatchObject({ source: 'police.hukou', status: 'committed', rows: 2, accepted: 2 })
    const rows = (await recordsOf(db, 'police.hukou')).filter((r) =>
      [s1.batchId, s2.batchId].includes(r.batch_id),
    )
    expect(rows.map((r) => [r.record_id, r.row_number])).toEqual([
      ['G-0001', 2],
      ['X-0001', 3],
      ['X-0002', 5],
    ])
    expect(rows[0]!.raw).toEqual({
      记录编号: 'G-0001',
      姓名: '張曉明',
      性别: '男',
      公民身份号码: ID_C,
      现住地址: '贡院街12号',
      联系电话: '025-84561234',
    })
    expect(rows[0]!.data).toMatchObject({ name: '张晓明', phone: ['025-84561234'] })
    expect(rows[1]!.raw).toMatchObject({ 记录编号: 'X-0001', 备注: '<b>楼长</b>' })
    expect(await batchRow(db, s2.batchId)).toMatchObject({
      format: 'xlsx',
      options: { headers: [...HUKOU_HEADER, '备注'], headerRow: 2, sheet: '户籍人口', delimiter: null },
    })
  })

  it('writes one mention per role: a rental row yields its house, its owner and its tenant', async () => {
    const db = getDb()
    const path = dir.file('police.rental.csv')
    await writeText(
      path,
      csvText([
        RENTAL_HEADER,
        [
          'R-1',
          '南京市秦淮区夫子庙街道贡院街12号3栋2单元301室',
          '王伟',
          ID_A,
          '138 0013 8000',
          '李娜',
          ID_B,
          '+86 139-0013-9000',
          '住宅',
          '2024/3/1',
          '2024年3月2日',
        ],
        ['R-2', '秦淮区贡院街12号3幢302', '张 伟', ID_C, '', '', '', '', '居住', '20240301', '2024.03.02'],
      ]),
    )
    const summary = await ingest(db, path)
    expect(summary).toMatchObject({ source: 'police.rental', status: 'committed', accepted: 2, rejected: 0 })

    const houses = await db.query(
      `SELECT h.record_id, h.role, h.key, h.building_key, h.usage, h.district_code, h.road, h.room
       FROM source_houses h WHERE h.source = 'police.rental' ORDER BY h.record_id`,
    )
    expect(houses).toEqual([
      {
        record_id: 'R-1',
        role: 'house',
        key: '320104|贡院街|12|3|301',
        building_key: '320104|贡院街|12|3',
        usage: '出租',
        district_code: '320104',
        road: '贡院街',
        room: '301',
      },
      {
        record_id: 'R-2',
        role: 'house',
        key: '320104|贡院街|12|3|302',
        building_key: '320104|贡院街|12|3',
        usage: '出租',
        district_code: '320104',
        road: '贡院街',
        room: '302',
      },
    ])
    const persons = await db.query(
      `SELECT record_id, role, name, name_pinyin, id_number, id_valid, gender, birth_date, birth_precision, phones, address_key
       FROM source_persons WHERE source = 'police.rental' ORDER BY record_id, role`,
    )
    expect(persons).toEqual([
      {
        record_id: 'R-1',
        role: 'owner',
        name: '王伟',
        name_pinyin: 'wangwei',
        id_number: ID_A,
        id_valid: true,
        gender: 'M',
        birth_date: '1985-03-02',
        birth_precision: 'day',
        phones: ['13800138000'],
        address_key: null,
      },
      {
        record_id: 'R-1',
        role: 'tenant',
        name: '李娜',
        name_pinyin: 'lina',
        id_number: ID_B,
        id_valid: true,
        gender: 'F',
        birth_date: '1990-07-15',
        birth_precision: 'day',
        phones: ['13900139000'],
        address_key: '320104|贡院街|12|3|301',
      },
      {
        // no tenant on this row, so no tenant mention
        record_id: 'R-2',
        role: 'owner',
        name: '张伟',
        name_pinyin: 'zhangwei',
        id_number: ID_C,
        id_valid: true,
        gender: 'M',
        birth_date: '1972-11-11',
        birth_precision: 'day',
        phones: [],
        address_key: null,
      },
    ])
    // every mention points at its own source record
    const orphans = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT source_record_id, source, record_id FROM source_persons UNION ALL
         SELECT source_record_id, source, record_id FROM source_houses UNION ALL
         SELECT source_record_id, source, record_id FROM source_units) m
       LEFT JOIN source_records r ON r.id = m.source_record_id AND r.source = m.source AND r.record_id = m.record_id
       WHERE r.id IS NULL`,
    )
    expect(orphans[0]!.n).toBe(0)
    expect(
      await db.query(`SELECT count(*)::int AS n FROM source_units WHERE source = 'police.rental'`),
    ).toEqual([{ n: 0 }])
  })

  it('keeps an accepted row with its warnings, and refuses rows naming row, column and code', async () => {
    const db = getDb()
    const path = dir.file('police.hukou-problems.csv')
    const good = (id: string, name: string) => [id, name, '男', ID_A, '贡院街12号3栋301', '13800138000']
    await writeText(
      path,
      csvText([
        HUKOU_HEADER,
        ['P-01', '王伟', '女', ID_A, '贡院街12号3栋301', '12345'], // 2: gender disagrees with id, phone unreadable
        ['P-02', '', '男', ID_C, '贡院街12号', ''], // 3: required name blank
        ['', '赵六', '男', ID_C, '贡院街12号', ''], // 4: required record id blank
        good('P-03', '钱七'), // 5
        good('P-03', '钱七'), // 6: repeats row 5
        good('P-03', '孙八'), // 7: same record id as row 5, other content
        ['P-04', '··', '男', ID_C, '贡院街12号', ''], // 8: a name with nothing readable
        ['P-05', '周九', '', 'A1234567', '', ''], // 9: a passport number: kept as a document, no warning
      ]),
    )
    const summary = await ingest(db, path, { maxRefusedShare: 1 })
    expect(summary).toMatchObject({ status: 'committed', rows: 8, accepted: 3, rejected: 5, warnings: 2 })

    const kept = (await recordsOf(db, 'police.hukou')).filter((r) => r.batch_id === summary.batchId)
    expect(kept.map((r) => [r.record_id, r.row_number, r.problems])).toEqual([
      [
        'P-01',
        2,
        [
          { column: '联系电话', code: 'PHONE_FORMAT', severity: 'warning' },
          { column: '公民身份号码', code: 'GENDER_CONFLICT', severity: 'warning' },
        ],
      ],
      ['P-03', 5, []],
      ['P-05', 9, []],
    ])
    expect(kept[0]!.data).not.toHaveProperty('phone')
    expect(kept[0]!.raw).toMatchObject({ 联系电话: '12345', 性别: '女' })

    const refused = await refusedOf(db, summary.batchId)
    expect(refused.map((r) => [r.row_number, r.record_id, r.problems])).toEqual([
      [3, 'P-02', [{ column: '姓名', code: 'REQUIRED', severity: 'error' }]],
      [4, null, [{ column: '记录编号', code: 'REQUIRED', severity: 'error' }]],
      [6, 'P-03', [{ column: null, code: 'DUPLICATE_ROW', severity: 'error', detail: '5' }]],
      [7, 'P-03', [{ column: null, code: 'DUPLICATE_RECORD_ID', severity: 'error', detail: '5' }]],
      [8, 'P-04', [{ column: '姓名', code: 'BAD_CHARACTERS', severity: 'error' }]],
    ])
    // a refused row keeps its raw cells too, so the clerk's report can be rebuilt
    expect(refused[1]!.raw).toEqual({ 姓名: '赵六', 性别: '男', 公民身份号码: ID_C, 现住地址: '贡院街12号' })
    expect(await batchRow(db, summary.batchId)).toMatchObject({
      rows: 8,
      accepted: 3,
      rejected: 5,
      warnings: 2,
    })
  })

  it('tells a repeat from a clash even when the first row was refused or the record came before', async () => {
    const db = getDb()
    const first = dir.file('police.hukou-dup-first.csv')
    await writeText(first, csvText([HUKOU_HEADER, ['D-01', '吴一', '男', ID_A, '贡院街12号', '']]))
    await ingest(db, first)
    const path = dir.file('police.hukou-dup-second.csv')
    await writeText(
      path,
      csvText([
        HUKOU_HEADER,
        ['D-02', '', '男', ID_B, '贡院街12号', ''], // 2: refused, blank name
        ['D-02', '', '男', ID_B, '贡院街12号', ''], // 3: the same refused row again
        ['D-01', '', '男', ID_A, '贡院街12号', ''], // 4: a record of the earlier batch, refused here
        ['D-01', '吴一', '男', ID_A, '贡院街12号', ''], // 5: its earlier content, a clash with row 4
      ]),
    )
    const summary = await ingest(db, path, { maxRefusedShare: 1 })
    expect(summary).toMatchObject({ rows: 4, accepted: 0, rejected: 4 })
    const refused = await refusedOf(db, summary.batchId)
    expect(
      refused.map((r) => [r.row_number, (r.problems as Array<{ code: string }>).map((p) => p.code)]),
    ).toEqual([
      [2, ['REQUIRED']],
      [3, ['REQUIRED', 'DUPLICATE_ROW']],
      [4, ['REQUIRED']],
      [5, ['DUPLICATE_RECORD_ID']],
    ])
  })

  it('skips an unchanged record of an earlier batch, and still refuses its repeat', async () => {
    const db = getDb()
    const first = dir.file('police.hukou-skip-first.csv')
    await writeText(first, csvText([HUKOU_HEADER, ['K-01', '郑一', '男', ID_A, '贡院街12号', '']]))
    await ingest(db, first)
    const path = dir.file('police.hukou-skip-second.csv')
    await writeText(
      path,
      csvText([
        HUKOU_HEADER,
        ['K-01', '郑一', '男', ID_A, '贡院街12号', ''], // 2: as stored: skipped
        ['K-01', '郑一', '男', ID_A, '贡院街12号', ''], // 3: a repeat of row 2
        ['K-02', '郑二', '女', ID_B, '贡院街12号', ''], // 4: new
      ]),
    )
    const summary = await ingest(db, path, { maxRefusedShare: 1 })
    expect(summary).toMatchObject({
      rows: 3,
      accepted: 2,
      rejected: 1,
      inserted: 1,
      unchanged: 1,
      updated: 0,
    })
    const refused = await refusedOf(db, summary.batchId)
    expect(refused.map((r) => [r.row_number, r.problems])).toEqual([
      [3, [{ column: null, code: 'DUPLICATE_ROW', severity: 'error', detail: '2' }]],
    ])
  })

  it('treats an identical file again as a no-op, whatever its name', async () => {
    const db = getDb()
    const rows = [HUKOU_HEADER, ['S-01', '王伟', '男', ID_A, '贡院街12号3栋301', '13800138000']]
    const path = await writeText(dir.file('police.hukou-same.csv'), csvText(rows))
    const first = await ingest(db, path)
    expect(first).toMatchObject({ status: 'committed', inserted: 1 })
    const before = await countRows(db)

    const again = await ingest(db, path)
    expect(again).toMatchObject({
      batchId: first.batchId,
      status: 'unchanged',
      rows: 1,
      accepted: 1,
      rejected: 0,
      inserted: 0,
      updated: 0,
      unchanged: 1,
      message: 'identical file already ingested',
    })
    const copy = await writeText(dir.file('police.hukou-same-copy.csv'), csvText(rows))
    expect(await ingest(db, copy)).toMatchObject({ batchId: first.batchId, status: 'unchanged' })
    expect(await countRows(db)).toEqual(before)
  })

  it('updates a record seen before, keeping its old version in history and rebuilding its mentions', async () => {
    const db = getDb()
    const header = ['记录编号', '房屋地址', '房主姓名', '房主身份证号', '承租人姓名', '承租人身份证号']
    const v1 = await writeText(
      dir.file('police.rental-v1.csv'),
      csvText([
        header,
        ['U-1', '贡院街12号3栋301', '王伟', ID_A, '李娜', ID_B],
        ['U-2', '贡院街12号3栋302', '张伟', ID_C, '', ''],
        ['U-3', '贡院街12号3栋303', '赵敏', ID_D, '', ''],
      ]),
    )
    const s1 = await ingest(db, v1)
    expect(s1).toMatchObject({ status: 'committed', inserted: 3, updated: 0, unchanged: 0 })
    const idsBefore = await db.query<{ id: number; record_id: string }>(
      `SELECT id, record_id FROM source_records WHERE record_id LIKE 'U-%' ORDER BY record_id`,
    )

    // U-1 the same, U-2 has a tenant now, U-4 is new; U-3 is not in this export and stays as it was
    const v2 = await writeText(
      dir.file('police.rental-v2.csv'),
      csvText([
        header,
        ['U-1', '贡院街12号3栋301', '王伟', ID_A, '李娜', ID_B],
        ['U-2', '贡院街12号3栋302', '张伟', ID_C, '钱七', ID_D],
        ['U-4', '贡院街12号3栋304', '孙八', ID_B, '', ''],
      ]),
    )
    const s2 = await ingest(db, v2)
    expect(s2).toMatchObject({
      status: 'committed',
      rows: 3,
      accepted: 3,
      inserted: 1,
      updated: 1,
      unchanged: 1,
    })

    const records = await db.query<{
      id: number
      record_id: string
      batch_id: string
      row_number: number
      version: number
    }>(
      `SELECT id, record_id, batch_id, row_number, version FROM source_records WHERE record_id LIKE 'U-%' ORDER BY record_id`,
    )
    expect(records.map((r) => [r.record_id, r.batch_id, r.version])).toEqual([
      ['U-1', s1.batchId, 1],
      ['U-2', s2.batchId, 2],
      ['U-3', s1.batchId, 1],
      ['U-4', s2.batchId, 1],
    ])
    // an update keeps the record's id: links to it stay valid
    expect(records.slice(0, 3).map((r) => r.id)).toEqual(idsBefore.map((r) => r.id))

    const history = await db.query(
      `SELECT h.version, h.batch_id, h.row_number, h.raw, h.replaced_by_batch
       FROM source_record_history h JOIN source_records r ON r.id = h.source_record_id WHERE r.record_id LIKE 'U-%'`,
    )
    expect(history).toEqual([
      {
        version: 1,
        batch_id: s1.batchId,
        row_number: 3,
        raw: { 记录编号: 'U-2', 房屋地址: '贡院街12号3栋302', 房主姓名: '张伟', 房主身份证号: ID_C },
        replaced_by_batch: s2.batchId,
      },
    ])
    const mentions = await db.query(
      `SELECT record_id, role, name FROM source_persons WHERE record_id LIKE 'U-%'
       UNION ALL SELECT record_id, role, key FROM source_houses WHERE record_id LIKE 'U-%' ORDER BY 1, 2`,
    )
    expect(mentions).toEqual([
      { record_id: 'U-1', role: 'house', name: '320104|贡院街|12|3|301' },
      { record_id: 'U-1', role: 'owner', name: '王伟' },
      { record_id: 'U-1', role: 'tenant', name: '李娜' },
      { record_id: 'U-2', role: 'house', name: '320104|贡院街|12|3|302' },
      { record_id: 'U-2', role: 'owner', name: '张伟' },
      { record_id: 'U-2', role: 'tenant', name: '钱七' },
      { record_id: 'U-3', role: 'house', name: '320104|贡院街|12|3|303' },
      { record_id: 'U-3', role: 'owner', name: '赵敏' },
      { record_id: 'U-4', role: 'house', name: '320104|贡院街|12|3|304' },
      { record_id: 'U-4', role: 'owner', name: '孙八' },
    ])

    // the same rows with the columns shuffled: another file, but no record changed
    const order = [5, 3, 0, 1, 4, 2]
    const v3 = await writeText(
      dir.file('police.rental-v3.csv'),
      csvText(
        [
          header,
          ['U-1', '贡院街12号3栋301', '王伟', ID_A, '李娜', ID_B],
          ['U-2', '贡院街12号3栋302', '张伟', ID_C, '钱七', ID_D],
          ['U-4', '贡院街12号3栋304', '孙八', ID_B, '', ''],
        ].map((r) => order.map((i) => r[i]!)),
      ),
    )
    const before = await countRows(db)
    const s3 = await ingest(db, v3)
    expect(s3).toMatchObject({ status: 'committed', accepted: 3, inserted: 0, updated: 0, unchanged: 3 })
    expect(await countRows(db)).toEqual({ ...before, batches: before.batches + 1 })
  })

  it('refuses a batch whole when its refused share passes the limit, keeping the refused rows', async () => {
    const db = getDb()
    const path = await writeText(
      dir.file('police.hukou-mostly-bad.csv'),
      csvText([
        HUKOU_HEADER,
        ['M-01', '王伟', '男', ID_A, '贡院街12号', ''],
        ['M-02', '', '男', ID_A, '贡院街12号', ''],
        ['M-03', '', '女', ID_B, '贡院街12号', ''],
        ['M-04', '', '男', ID_C, '贡院街12号', ''],
      ]),
    )
    const before = await countRows(db)
    const refused = await ingest(db, path, { maxRefusedShare: 0.5 })
    expect(refused).toMatchObject({
      status: 'refused',
      rows: 4,
      accepted: 0,
      rejected: 3,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      message: '3 of 4 rows refused, more than the limit of 50%: nothing was taken',
    })
    expect(await batchRow(db, refused.batchId)).toMatchObject({
      status: 'refused',
      rows: 4,
      accepted: 0,
      rejected: 3,
      refused_reason: '3 of 4 rows refused, more than the limit of 50%: nothing was taken',
    })
    expect((await refusedOf(db, refused.batchId)).map((r) => [r.row_number, r.record_id])).toEqual([
      [3, 'M-02'],
      [4, 'M-03'],
      [5, 'M-04'],
    ])
    expect(await db.query(`SELECT record_id FROM source_records WHERE record_id LIKE 'M-%'`)).toEqual([])
    expect(await countRows(db)).toEqual({
      ...before,
      batches: before.batches + 1,
      refused_rows: before.refused_rows + 3,
    })
    // the message names counts, never a value from the file
    expect(refused.message).not.toMatch(/3201|王伟|贡院街/)

    // a refused batch does not make the file "already ingested": with a looser limit it is taken
    const taken = await ingest(db, path, { maxRefusedShare: 0.75 })
    expect(taken).toMatchObject({ status: 'committed', accepted: 1, rejected: 3, inserted: 1 })
    expect(taken.batchId).not.toBe(refused.batchId)
  })

  it('takes a batch whose refused share equals the limit exactly', async () => {
    const db = getDb()
    const path = await writeText(
      dir.file('police.hukou-half.csv'),
      csvText([HUKOU_HEADER, ['E-01', '王伟', '男', ID_A, '', ''], ['E-02', '', '男', ID_A, '', '']]),
    )
    expect(await ingest(db, path, { maxRefusedShare: 0.5 })).toMatchObject({
      status: 'committed',
      accepted: 1,
      rejected: 1,
    })
  })

  it('takes the source from --source, else the file name, else the headers', async () => {
    const db = getDb()
    const hukou = csvText([HUKOU_HEADER, ['Q-01', '王伟', '男', ID_A, '贡院街12号', '']])
    const given = await writeText(dir.file('export-2026-10.csv'), hukou)
    expect(await ingest(db, given, { source: 'police.hukou' })).toMatchObject({
      source: 'police.hukou',
      status: 'committed',
      accepted: 1,
    })

    const floating = await writeText(
      dir.file('police.floating-2026-10.csv'),
      csvText([
        ['记录编号', '姓名', '身份证号', '居住地址', '服务处所'],
        ['F-01', '李娜', ID_B, '贡院街12号3栋301', '秦淮区某某餐饮店'],
      ]),
    )
    const byName = await ingest(db, floating)
    expect(byName).toMatchObject({ source: 'police.floating', status: 'committed', accepted: 1 })
    expect(
      await db.query(`SELECT role, employer_name, category FROM source_persons WHERE record_id = 'F-01'`),
    ).toEqual([{ role: 'person', employer_name: '秦淮区某某餐饮店', category: '流动' }])

    const rental = await writeText(
      dir.file('upload.csv'),
      csvText([
        ['出租房屋地址', '出租人姓名', '出租人证件号码', '记录编号', '承租人姓名'],
        ['贡院街12号3栋301', '王伟', ID_A, 'T-01', '李娜'],
      ]),
    )
    expect(await ingest(db, rental)).toMatchObject({
      source: 'police.rental',
      status: 'committed',
      accepted: 1,
    })

    const unknown = await sanshiError(ingest(db, given, { source: 'police.nothing' }))
    expect(unknown.code).toBe('SANSHI204')
    expect(unknown.location).toEqual({ file: 'export-2026-10.csv' })
  })

  it('ingests a ninth format from a mapping file, with no code', async () => {
    const db = getDb()
    const mappingPath = dir.file('housing.property.yaml')
    const yaml = [
      '# 物业登记 — a format the hub does not ship',
      'source: housing.property',
      'title: 物业登记',
      'department: housing',
      'columns:',
      '  - { field: record_id, header: 记录编号, parser: text, required: true }',
      '  - { field: address, header: 房屋地址, aliases: [物业地址], parser: address, required: true }',
      '  - { field: owner_name, header: 业主姓名, parser: person_name }',
      '  - { field: owner_id, header: 业主身份证号, parser: resident_id }',
      '  - { field: owner_phone, header: 业主电话, parser: phone }',
      '  - { field: company, header: 物业公司, parser: org_name }',
      '  - { field: company_code, header: 物业公司信用代码, parser: credit_code }',
      'roles:',
      '  - { role: house, entity: house, fields: { address: address } }',
      '  - role: owner',
      '    entity: person',
      '    fields: { name: owner_name, idNumber: owner_id, phones: owner_phone, address: address }',
      '    when: [owner_name, owner_id]',
      '  - role: unit',
      '    entity: unit',
      '    fields: { name: company, creditCode: company_code }',
      '    set: { kind: 企业 }',
      '    when: [company]',
      '',
    ].join('\n')
    await writeFile(mappingPath, yaml)
    const parsed = parseMapping(yaml, mappingPath)
    expect(parsed.source).toBe('housing.property')
    expect(parsed.columns.map((c) => c.field)).toEqual([
      'record_id',
      'address',
      'owner_name',
      'owner_id',
      'owner_phone',
      'company',
      'company_code',
    ])
    const mappings = allMappings([mappingPath])
    expect(mappings.map((m) => m.source)).toContain('housing.property')
    expect(mappings).toHaveLength(9)

    const path = await writeText(
      dir.file('housing.property-2026.csv'),
      csvText([
        ['记录编号', '物业地址', '业主姓名', '业主身份证号', '业主电话', '物业公司', '车位'],
        ['W-1', '贡院街12号3栋301', '王伟', ID_A, '13800138000', '南京某某物业管理有限公司', 'B2-17'],
        ['W-2', '', '李娜', ID_B, '', '', ''],
      ]),
    )
    const summary = await ingest(db, path, { mappings })
    expect(summary).toMatchObject({
      source: 'housing.property',
      status: 'committed',
      rows: 2,
      accepted: 1,
      rejected: 1,
    })
    const [record] = await recordsOf(db, 'housing.property')
    expect(record).toMatchObject({
      record_id: 'W-1',
      row_number: 2,
      raw: { 车位: 'B2-17', 物业地址: '贡院街12号3栋301' },
    })
    expect(
      await db.query(
        `SELECT 'person' AS t, role, name, phones FROM source_persons WHERE source = 'housing.property'
         UNION ALL SELECT 'unit', role, name || '/' || kind, phones FROM source_units WHERE source = 'housing.property'
         UNION ALL SELECT 'house', role, key, NULL FROM source_houses WHERE source = 'housing.property' ORDER BY 1`,
      ),
    ).toEqual([
      { t: 'house', role: 'house', name: '320104|贡院街|12|3|301', phones: null },
      { t: 'person', role: 'owner', name: '王伟', phones: ['13800138000'] },
      { t: 'unit', role: 'unit', name: '南京某某物业管理有限公司/企业', phones: [] },
    ])
    expect((await refusedOf(db, summary.batchId)).map((r) => r.problems)).toEqual([
      [{ column: '物业地址', code: 'REQUIRED', severity: 'error' }],
    ])
    // without the mapping file the hub cannot tell the format
    const unknown = await sanshiError(ingest(db, path))
    expect(unknown.code).toBe('SANSHI204')

    // the same mapping, broken, is refused with the place of every problem
    expect(() =>
      parseMapping(
        yaml
          .replace('parser: org_name', 'parser: org')
          .replace('fields: { address: address } }', 'fields: { addr: address } }'),
        mappingPath,
      ),
    ).toThrow(MappingError)
  })
})
