import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { workerModule } from '../../../src/ingest/read/worker-module.ts'

describe('workerModule', () => {
  it('names a TypeScript worker beside a TypeScript caller (sanshi run from its sources)', () => {
    expect(workerModule('./xlsx-worker', 'file:///app/src/ingest/read/xlsx/index.ts').href).toBe(
      'file:///app/src/ingest/read/xlsx/xlsx-worker.ts',
    )
  })

  it('names a JavaScript worker beside a compiled caller (dist/)', () => {
    expect(workerModule('./prepare-worker', 'file:///app/dist/src/ingest/prepare-pool.js').href).toBe(
      'file:///app/dist/src/ingest/prepare-worker.js',
    )
  })

  it('names the three workers as they are in the sources', () => {
    for (const [dir, name] of [
      ['../../../src/ingest/', './prepare-worker'],
      ['../../../src/ingest/read/', './xls-worker'],
      ['../../../src/ingest/read/xlsx/', './xlsx-worker'],
    ] as const) {
      const caller = new URL(`${dir}caller.ts`, import.meta.url).href
      expect(existsSync(fileURLToPath(workerModule(name, caller)))).toBe(true)
    }
  })
})
