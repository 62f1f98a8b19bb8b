/*
 * One-off COPY throughput measurement (not a vitest suite):
 *   npx tsx test/db/bench-copy.ts [postgresRows=1000000] [pgliteRows=100000]
 * Uses SANSHI_BENCH_DATABASE_URL if set, else starts a throw-away cluster with durable settings
 * (fsync on). Rows are synthetic; only counts and timings are printed.
 */
import { type Database, openDatabase } from '../../src/db/index.ts'
import { startCluster } from '../support/pg-cluster.ts'

const COLUMNS = [
  'source_record_id',
  'source',
  'record_id',
  'role',
  'name',
  'name_pinyin',
  'id_number',
  'id_valid',
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
  'data',
]
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴']
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇']

function* rows(n: number): Generator<unknown[]> {
  for (let i = 0; i < n; i++) {
    const name = SURNAMES[i % 10]! + GIVEN[(i >> 3) % 12]!
    const building = `320104|贡院街|${i % 97}|${i % 13}`
    yield [
      i + 1,
      'police_hukou',
      `R${i}`,
      'person',
      name,
      'wangwei',
      `3201041985${String(i % 1_000_000).padStart(6, '0')}1X`,
      i % 50 !== 0,
      i % 2 ? 'M' : 'F',
      '1985-03-02',
      'day',
      '汉族',
      [`138${String(i).padStart(8, '0')}`],
      `${building}|${i % 6}|${i % 40}01`,
      building,
      String(i % 6),
      '320104001001',
      building,
      '320104',
      '户籍',
      i % 20 === 0 ? ['低保'] : [],
      `H${i >> 2}`,
      i % 4 ? '子' : '户主',
      `G${i % 300}`,
      null,
      { name, note: 'tab\there', n: i },
    ]
  }
}

async function bench(db: Database, n: number, label: string) {
  const t0 = performance.now()
  const count = await db.transaction((tx) => db.copyInto(tx, 'source_persons', COLUMNS, rows(n)))
  const seconds = (performance.now() - t0) / 1000
  const [check] = await db.query<{ n: number }>('select count(*) as n from source_persons')
  console.log(
    `${label}: ${count} rows in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} rows/s (table has ${check?.n})`,
  )
}

const pgRows = Number(process.argv[2] ?? 1_000_000)
const pgliteRows = Number(process.argv[3] ?? 100_000)

// SANSHI_BENCH_FAST=1: fsync off, as the test clusters run; default is a durable server.
const fast = process.env.SANSHI_BENCH_FAST === '1'
const cluster = process.env.SANSHI_BENCH_DATABASE_URL ? undefined : await startCluster({ fast })
try {
  const pg = await openDatabase(process.env.SANSHI_BENCH_DATABASE_URL ?? cluster!.url('postgres'))
  await pg.query('truncate source_persons')
  const [idx] = await pg.query<{ n: number }>(
    "select count(*) as n from pg_indexes where tablename = 'source_persons'",
  )
  await bench(pg, pgRows, `postgres (${idx?.n} indexes on source_persons, fsync ${fast ? 'off' : 'on'})`)
  await pg.close()
} finally {
  await cluster?.stop()
}

const t0 = performance.now()
const lite = await openDatabase('memory:')
console.log(`pglite open + migrate: ${Math.round(performance.now() - t0)} ms`)
await bench(lite, pgliteRows, 'pglite (in memory)')
await lite.close()
