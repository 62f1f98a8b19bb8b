import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshBuild as fresh } from '../../bin/fresh-build.js'

describe('freshBuild', () => {
  let root: string
  const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds)
  const file = (path: string, seconds: number) => {
    writeFileSync(join(root, path), '')
    at(path, seconds)
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sanshi-fresh-'))
    for (const d of ['src/api', 'connectors', 'schemas', 'fixtures/generator', 'fixtures/connectors', 'dist'])
      mkdirSync(join(root, d), { recursive: true })
    file('src/api/app.ts', 1_000)
    file('connectors/police.hukou.yaml', 1_000)
    for (const d of ['src/api', 'src', 'connectors', 'schemas', 'fixtures/generator', 'fixtures'])
      at(d, 1_000)
    file('dist/.built', 2_000)
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('is fresh when nothing changed after the build', () => {
    expect(fresh(root)).toBe(true)
  })

  it('is stale without a build, or with a build that did not finish', () => {
    rmSync(join(root, 'dist/.built'))
    expect(fresh(root)).toBe(false)
    rmSync(join(root, 'dist'), { recursive: true })
    expect(fresh(root)).toBe(false)
  })

  it('is stale once a source is edited, however deep', () => {
    at('src/api/app.ts', 3_000)
    expect(fresh(root)).toBe(false)
  })

  it('is stale once a file is added or removed (its folder changes)', () => {
    at('src/api', 3_000)
    expect(fresh(root)).toBe(false)
  })

  it('is stale once a mapping or the compiler options change', () => {
    at('connectors/police.hukou.yaml', 3_000)
    expect(fresh(root)).toBe(false)
    at('connectors/police.hukou.yaml', 1_000)
    file('tsconfig.json', 3_000)
    expect(fresh(root)).toBe(false)
  })

  it('does not look at what the build does not compile (tests, test fixtures)', () => {
    file('fixtures/connectors/typical.csv', 3_000)
    mkdirSync(join(root, 'test'))
    file('test/x.test.ts', 3_000)
    expect(fresh(root)).toBe(true)
  })
})
