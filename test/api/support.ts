import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/api/app.ts'
import { loadClients } from '../../src/api/policy/index.ts'
import { createApiKey } from '../../src/api/repositories/api-keys-repository.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/index.ts'
import { residentIdCheckDigit } from '../../src/normalize/resident-id.ts'

export const clients = loadClients()
export const CLIENT_IDS = clients.clients.map((c) => c.id)

export interface TestApp {
  app: FastifyInstance
  /** a valid key per default client */
  keys: Record<string, string>
}

/** The app over a test database, with a key minted for every default client. */
export const testApp = async (db: Database, env: Record<string, string> = {}): Promise<TestApp> => {
  const app = await buildApp({ db, clients, config: loadConfig(env) })
  const keys: Record<string, string> = {}
  for (const id of CLIENT_IDS) keys[id] = await createApiKey(db, clients, id)
  return { app, keys }
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

/** A multipart body as a browser would send it, built by the platform's own FormData. */
export const multipart = async (
  fileName: string,
  content: string | Buffer,
  fields: Record<string, string> = {},
): Promise<{ payload: Buffer; headers: Record<string, string> }> => {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  form.append('file', new Blob([content]), fileName)
  const request = new Request('http://localhost/', { method: 'POST', body: form })
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type')! },
  }
}

export const residentId = (first17: string): string => first17 + residentIdCheckDigit(first17)

/** Ids and phones in the test file, to check none of them leaks into an error or a log. */
export const SECRET_IDS = [
  residentId('32010419800101123'),
  residentId('32010419900215234'),
  residentId('32010420010316768'),
]
export const SECRET_PHONES = ['13812345678', '13987654321', '18651103125']

/** A police.hukou export: three good rows and one refused (blank name) at file row 5. */
export const hukouCsv = (): string =>
  [
    '记录编号,姓名,性别,民族,出生日期,公民身份号码,户号,与户主关系,户籍地址,现住地址,联系电话,登记日期',
    `HJ001,张小明,男,汉族,1980-01-01,${SECRET_IDS[0]},H001,户主,秦淮区应天大街9号1号楼201室,秦淮区应天大街9号1号楼201室,${SECRET_PHONES[0]},2020-01-01`,
    `HJ002,李华,女,汉族,1990-02-15,${SECRET_IDS[1]},H001,妻,秦淮区应天大街9号1号楼201室,秦淮区应天大街9号1号楼201室,${SECRET_PHONES[1]},2020-01-01`,
    `HJ003,王芳,女,汉族,2001-03-16,${SECRET_IDS[2]},H002,户主,秦淮区扇骨里5号楼1单元501室,秦淮区扇骨里5号楼1单元501室,${SECRET_PHONES[2]},2020-01-01`,
    `HJ004,,女,汉族,2001-03-16,${residentId('32010420010316769')},H002,女,秦淮区扇骨里5号楼1单元501室,秦淮区扇骨里5号楼1单元501室,13700001111,2020-01-01`,
    '',
  ].join('\n')
