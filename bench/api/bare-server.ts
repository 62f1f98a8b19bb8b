/**
 * The yardstick of the API benchmark: a bare fastify + pg route running the same SQL as
 * GET /v1/persons?id_number= for a client that reads every person whole — no key, no scope, no field
 * view, no access log, no schema. `node --import tsx bench/api/bare-server.ts PORT DATABASE_URL`.
 */
import Fastify from 'fastify'
import pg from 'pg'
import { REGISTERS } from '../../src/api/registers/records.ts'

const [port, url] = process.argv.slice(2)
const pool = new pg.Pool({ connectionString: url, max: 10 })
const reg = REGISTERS.person
const sql = `select ${reg.select} from ${reg.from} where t.id_number = $1 order by t.id limit 51`

const app = Fastify({ logger: false })
app.get('/persons', async (request) => {
  const { id_number: id } = request.query as { id_number: string }
  // prepared, as the hub's own lookup is (db.queryPrepared): the same SQL over the same protocol
  const { rows } = await pool.query({ name: 'person_by_id', text: sql, values: [id] })
  return { items: rows.map((r) => reg.toRecord(r)), next: null }
})
await app.listen({ port: Number(port), host: '127.0.0.1' })
console.log('ready')
