import pg from 'pg'

/*
 * Server-level statements (CREATE/DROP DATABASE) for the test harness. They cannot run inside a
 * transaction or against the database they touch, so they get their own short-lived client.
 */

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

const quote = (name: string) => '"' + name.replace(/"/g, '""') + '"'

export async function cloneDatabase(url: string, template: string, name: string): Promise<void> {
  await adminQuery(url, `create database ${quote(name)} template ${quote(template)}`)
}

export async function createEmptyDatabase(url: string, name: string): Promise<void> {
  // template0 with the template's locale settings left to the server default.
  await adminQuery(url, `create database ${quote(name)} template template0`)
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  await adminQuery(url, `drop database if exists ${quote(name)} with (force)`)
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = '/' + encodeURIComponent(database)
  return u.toString()
}
