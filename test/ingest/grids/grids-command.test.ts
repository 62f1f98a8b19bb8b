/** `sanshi grids import` as a child process on an embedded database folder: the summary, and a refusal. */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FixtureManifest, generateFixtures } from '../../../fixtures/generator/index.ts'
import type { GridsImportSummary } from '../../../src/cli/grids-command.ts'

const BIN = resolve('bin/sanshi.js')
let dir: string
let manifest: FixtureManifest

const sanshi = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((done, reject) => {
    const env = { ...process.env }
    for (const k of Object.keys(env)) if (k === 'DATABASE_URL' || k.startsWith('SANSHI_')) delete env[k]
    const child = spawn(process.execPath, [BIN, '--db', `file:${join(dir, 'db')}`, ...args], { env })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => done({ code, stdout, stderr }))
  })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sanshi-grids-cli-'))
  manifest = await generateFixtures({ persons: 300, seed: 3, out: join(dir, 'fx') })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sanshi grids import', () => {
  it('imports the three grid files and prints one summary with --json', async () => {
    const files = Object.values(manifest.grids).map((f) => join(dir, 'fx', f))
    const run = await sanshi('grids', 'import', ...files, '--json')
    expect(run.code, run.stderr).toBe(0)
    const summary = JSON.parse(run.stdout) as GridsImportSummary
    expect(summary.files.map((f) => [f.file, f.kind])).toEqual([
      ['grids.geojson', 'polygons'],
      ['grids.csv', 'coverage'],
      ['addresses.csv', 'addresses'],
    ])
    expect(summary.files[0]?.gridsCreated).toBeGreaterThan(0)
    expect(summary.files[1]?.coverage).toBeGreaterThan(0)
    expect(summary.files[2]?.points).toBeGreaterThan(0)
    // no department file was ingested yet: every place waits for its houses
    expect(summary.assignment).toMatchObject({ houses: 0, changed: 0 })
    expect(summary.assignment.unplaced).toBe(summary.files[1]?.coverage)
  }, 60_000)

  it('refuses a bad file whole, naming file, row and column, with exit code 1', async () => {
    const bad = join(dir, 'bad.csv')
    writeFileSync(bad, '网格编码,小区/地址\n不存在-01,颐和名苑\n')
    const run = await sanshi('grids', 'import', join(dir, 'fx', manifest.grids.polygons), bad)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/^SANSHI212 bad\.csv, row 2, column 网格编码: grid 不存在-01 is not known/m)
    expect(run.stdout).toBe('')
  }, 60_000)
})
