/**
 * `sanshi export links` and `sanshi eval` as child processes, on the embedded database folder and on
 * PostgreSQL: a generated district is ingested, every mention is linked to its truth entity by hand except
 * for one deliberate false merge and one split, and the command's figures must be exactly those evaluate()
 * gives over the same rows.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/index.ts'
import { type EntityType, evaluate, type Evaluation, type LinkRow } from '../../src/match/evaluate.ts'
import { readHubLinks } from '../../src/match/links.ts'
import { type DatabaseKind, openTestDatabase, unavailable } from '../support/databases.ts'

const BIN = resolve('bin/sanshi.js')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** The child's environment: no database or limits of the developer's own. */
const childEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  for (const k of Object.keys(env)) if (k === 'DATABASE_URL' || k.startsWith('SANSHI_')) delete env[k]
  return env
}

const sanshi = (...args: string[]): Promise<Run> =>
  new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolveRun({ code, stdout, stderr }))
  })

const ok = (run: Run): string => {
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  return run.stdout
}

const HEADER = ['source', 'record_id', 'role', 'entity_type', 'entity_id']
const csvRows = (text: string): string[][] => parse(text, { relax_column_count: false }) as string[][]
const toLinkRow = ([source, recordId, role, entityType, entityId]: string[]): LinkRow => ({
  source: source!,
  recordId: recordId!,
  role: role!,
  entityType: entityType as EntityType,
  entityId: entityId!,
})
const refOf = (r: { source: string; recordId: string; role: string }) => `${r.source}:${r.recordId}/${r.role}`

let work: string
let truthFile: string
let truth: LinkRow[]

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'sanshi-eval-'))
  ok(await sanshi('fixtures', '--persons', '300', '--seed', '11', '--out', join(work, 'fx')))
  truthFile = join(work, 'fx', 'truth.csv')
  const [header, ...body] = csvRows(readFileSync(truthFile, 'utf8'))
  expect(header).toEqual(HEADER)
  truth = body.map(toLinkRow)
}, 60_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

/** A database for the CLI: a fresh folder, or a fresh PostgreSQL database; plus a way to look inside. */
interface Target {
  url: string
  /** For the embedded folder: only while no CLI holds it. */
  inspect<T>(fn: (db: Database) => Promise<T>): Promise<T>
  dispose(): Promise<void>
}

const target = async (kind: DatabaseKind): Promise<Target> => {
  if (kind === 'pglite') {
    const url = `file:${join(work, 'db')}`
    return {
      url,
      async inspect(fn) {
        const db = await openDatabase(url)
        try {
          return await fn(db)
        } finally {
          await db.close()
        }
      },
      dispose: async () => {},
    }
  }
  const handle = await openTestDatabase('postgres')
  return { url: handle.url!, inspect: (fn) => fn(handle.database), dispose: () => handle.dispose() }
}

interface Mention {
  source_record_id: number
  source: string
  record_id: string
  role: string
  entity_type: EntityType
}

const MENTIONS = `SELECT source_record_id, source, record_id, role, 'person' AS entity_type FROM source_persons
  UNION ALL SELECT source_record_id, source, record_id, role, 'house' FROM source_houses
  UNION ALL SELECT source_record_id, source, record_id, role, 'unit' FROM source_units`

/**
 * The hub's links, made by hand: each mention gets its truth entity's id as golden id, except that the
 * two smallest persons of at least two mentions are glued into one cluster (a false merge), the next
 * person of at least three mentions loses one mention to a cluster of its own (a split), one person
 * mention stays unlinked, and mentions the truth does not know get clusters of their own.
 */
const linkByHand = (mentions: Mention[]) => {
  const truthOf = new Map(truth.map((t) => [refOf(t), t.entityId]))
  const ref = (m: Mention) => refOf({ source: m.source, recordId: m.record_id, role: m.role })
  const sizes = new Map<string, number>()
  for (const m of mentions) {
    const id = truthOf.get(ref(m))
    if (m.entity_type === 'person' && id) sizes.set(id, (sizes.get(id) ?? 0) + 1)
  }
  const persons = [...sizes].sort((a, b) => (a[0] < b[0] ? -1 : 1))
  const [kept, glued] = persons.filter(([, n]) => n >= 2).map(([id]) => id) as [string, string]
  const split = persons.find(([id, n]) => n >= 3 && id !== kept && id !== glued)![0]
  let splitDone = false
  let unlinked: string | undefined
  const links = mentions.map((m) => {
    const id = truthOf.get(ref(m))
    let golden = id ?? `X-${m.source_record_id}-${m.role}`
    if (id === glued) golden = kept
    else if (id === split && !splitDone) {
      golden = `${split}-split`
      splitDone = true
    } else if (m.entity_type === 'person' && id && id !== kept && id !== split && unlinked === undefined) {
      unlinked = ref(m)
      golden = ''
    }
    return { ...m, golden }
  })
  return { links, kept, glued, split, unlinked: unlinked! }
}

for (const kind of ['pglite', 'postgres'] as const) {
  const suite = unavailable(kind) ? describe.skip : describe
  suite(`sanshi export links and sanshi eval [${kind}]`, () => {
    let t: Target
    let hub: LinkRow[]
    let plan: ReturnType<typeof linkByHand>

    beforeAll(async () => {
      t = await target(kind)
      const ingested = ok(await sanshi('ingest', join(work, 'fx'), '--db', t.url, '--json'))
      expect(ingested.trim().split('\n')).toHaveLength(8)
      await t.inspect(async (db) => {
        plan = linkByHand(await db.query<Mention>(MENTIONS))
        const linked = plan.links.filter((l) => l.golden !== '')
        await db.query(
          `INSERT INTO entity_links (entity_type, source_record_id, role, golden_id, method)
           SELECT t, id, r, g, 'rule' FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(t, id, r, g)`,
          [
            linked.map((l) => l.entity_type),
            linked.map((l) => l.source_record_id),
            linked.map((l) => l.role),
            linked.map((l) => l.golden),
          ],
        )
      })
      hub = plan.links.map((l) => ({
        source: l.source,
        recordId: l.record_id,
        role: l.role,
        entityType: l.entity_type,
        entityId: l.golden,
      }))
    }, 90_000)

    afterAll(async () => {
      await t?.dispose()
    })

    it('reads the links a page at a time, each mention once, whatever the page size', async () => {
      const sorted = (rows: LinkRow[]) => rows.map((r) => JSON.stringify(r)).sort()
      const pages = await t.inspect(async (db) => {
        const read = async (pageSize: number) => {
          const rows: LinkRow[] = []
          for await (const r of readHubLinks(db, { pageSize })) rows.push(r)
          return rows
        }
        return { small: await read(7), one: await read(1), whole: await read(100_000) }
      })
      expect(sorted(pages.small)).toEqual(sorted(hub))
      expect(pages.one).toEqual(pages.small)
      expect(pages.whole).toEqual(pages.small)
    })

    it('export links writes one row for every role of every accepted source record', async () => {
      const out = join(work, `links-${kind}.csv`)
      const summary = JSON.parse(
        ok(await sanshi('export', 'links', '--db', t.url, '--out', out, '--json')),
      ) as {
        rows: number
        out: string
      }
      const text = readFileSync(out, 'utf8')
      const [header, ...body] = csvRows(text)
      expect(header).toEqual(HEADER)
      expect(summary).toEqual({ rows: hub.length, out })
      expect(body).toHaveLength(hub.length)
      expect(body.map(toLinkRow)).toEqual(expect.arrayContaining(hub))
      // standard output: the same file, and nothing else on it
      expect(ok(await sanshi('export', 'links', '--db', t.url, '--json'))).toBe(text)
      expect(ok(await sanshi('export', 'links', '--db', t.url, '--out', '-'))).toBe(text)
    })

    it('eval --json gives exactly the figures of evaluate() over the same rows', async () => {
      const got = JSON.parse(
        ok(await sanshi('eval', '--truth', truthFile, '--db', t.url, '--json')),
      ) as Evaluation
      const expected = evaluate(truth, hub)
      expect(got).toEqual(expected)

      // and what that means, literally
      const { person, house, unit } = got
      expect(person.pairwise.precision).toBeLessThan(1)
      expect(person.pairwise.recall).toBeLessThan(1)
      expect(person.bcubed.precision).toBeLessThan(1)
      expect(person.worstMerges[0]).toMatchObject({
        hubId: plan.kept,
        entityCount: 2,
        entities: expect.arrayContaining([
          expect.objectContaining({ id: plan.kept }),
          expect.objectContaining({ id: plan.glued }),
        ]),
      })
      expect(person.worstMerges).toHaveLength(1)
      expect(person.worstSplits.map((s) => s.truthId)).toEqual([plan.split])
      expect(person.worstSplits[0]!.clusters).toContainEqual({ id: `${plan.split}-split`, mentions: 1 })
      expect(person.unlinked).toBe(1)
      expect(person.truthOnly).toBe(0)
      for (const other of [house, unit]) {
        expect(other.pairwise).toMatchObject({ precision: 1, recall: 1, f1: 1 })
        expect(other.bcubed).toEqual({ precision: 1, recall: 1, f1: 1 })
      }
      const mentionsOf = (type: EntityType) => truth.filter((r) => r.entityType === type).length
      expect(person.mentions).toBe(mentionsOf('person') - 1) // the unlinked one is not compared
      expect(house.mentions).toBe(mentionsOf('house'))
      expect(unit.mentions).toBe(mentionsOf('unit'))
      expect(unit.hubOnly).toBe(hub.filter((h) => h.entityType === 'unit').length - mentionsOf('unit'))
    })

    it('eval prints a table and the worst examples by ref and id only, never names, ids or phones', async () => {
      const text = ok(await sanshi('eval', '--truth', truthFile, '--db', t.url))
      expect(text).toMatch(/^\s+person\s+house\s+unit$/m)
      expect(text).toMatch(/^pairwise precision\s+0\.\d{4}\s+1\.0000\s+1\.0000$/m)
      expect(text).toMatch(/^B-cubed F1\s+0\.\d{4}\s+1\.0000\s+1\.0000$/m)
      expect(text).toContain('person: worst merges')
      expect(text).toContain(`${plan.kept}: `)
      expect(text).toContain('person: worst splits')
      const personal = await t.inspect((db) =>
        db.query<{ v: string }>(
          `SELECT DISTINCT v FROM (
             SELECT name AS v FROM source_persons UNION ALL SELECT id_number FROM source_persons
             UNION ALL SELECT unnest(phones) FROM source_persons UNION ALL SELECT name FROM source_units
           ) x WHERE v IS NOT NULL AND length(v) > 1`,
        ),
      )
      expect(personal.length).toBeGreaterThan(100)
      for (const { v } of personal) expect(text).not.toContain(v)
    })
  })
}

describe('sanshi eval refuses a bad truth file, naming file, row and column', () => {
  const bad = async (name: string, content: string) => {
    const file = join(work, name)
    await writeFile(file, content)
    const run = await sanshi('eval', '--truth', file, '--db', 'memory:', '--json')
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    return { file, stderr: run.stderr.trim() }
  }
  const head = HEADER.join(',')

  it('an unknown entity type', async () => {
    const { file, stderr } = await bad(
      'type.csv',
      `${head}\npolice.hukou,1,person,person,P1\npolice.hukou,2,person,people,P2\n`,
    )
    expect(stderr).toBe(`SANSHI302 ${file}, row 3, column entity_type: must be person, house or unit`)
  })

  it('a blank value, and a row too short', async () => {
    const blank = await bad('blank.csv', `${head}\npolice.hukou,,person,person,P1\n`)
    expect(blank.stderr).toBe(`SANSHI302 ${blank.file}, row 2, column record_id: the value is blank`)
    const short = await bad('short.csv', `${head}\npolice.hukou,1,person\n`)
    expect(short.stderr).toBe(
      `SANSHI302 ${short.file}, row 2: the row has 3 fields, fewer than the header's 5`,
    )
  })

  it('a header without the truth columns', async () => {
    const { file, stderr } = await bad('header.csv', `source,record,role,type,entity\na,1,person,person,P1\n`)
    expect(stderr).toBe(
      `SANSHI302 ${file}, row 1: the header lacks record_id, entity_type, entity_id: a truth file has the columns ${head}`,
    )
  })

  it('a mention given twice with different entities', async () => {
    const { file, stderr } = await bad(
      'twice.csv',
      `${head}\npolice.hukou,1,person,person,P1\npolice.hukou,1,person,person,P2\n`,
    )
    expect(stderr).toBe(
      `SANSHI302 ${file}, row 3, column entity_id: police.hukou:1/person is given before with another entity id`,
    )
  })

  it('a file that is missing, empty, or not CSV', async () => {
    const missing = join(work, 'missing.csv')
    const run = await sanshi('eval', '--truth', missing, '--db', 'memory:')
    expect([run.code, run.stderr.trim()]).toEqual([
      1,
      `SANSHI201 ${missing}: the file cannot be read (ENOENT)`,
    ])
    const empty = await bad('empty.csv', '')
    expect(empty.stderr).toBe(`SANSHI202 ${empty.file}: the truth file is empty`)
    const quote = await bad('quote.csv', `${head}\npolice.hukou,"1,person,person,P1\n`)
    expect(quote.stderr).toMatch(new RegExp(`^SANSHI205 ${quote.file}, row \\d+: the CSV cannot be parsed`))
  })
})
