/**
 * npm run build (also run by `npm ci` and `npm install`, as `prepare`): compiles the sources to dist/ so
 * that `sanshi` runs as plain JavaScript, without tsx's loader thread in each process and worker, and
 * without the names tsx gives every function it creates (keepNames), which cost the hot paths of the
 * ingest and the API. The files the code reads beside itself (config/, migrations/, the connectors'
 * mappings, the worker bootstrap) are linked, not copied, so an edit to them counts at once.
 * bin/sanshi.js runs dist/ only while no source is newer than the build (see bin/fresh-build.js).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const DIST = join(ROOT, 'dist')

const tscPath = (): string | null => {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc')
  } catch {
    return null // installed without dev dependencies: sanshi runs its sources through tsx
  }
}

/** dist/<path> → <path>, as a relative link. */
const link = async (path: string): Promise<void> => {
  const at = join(DIST, path)
  await mkdir(dirname(at), { recursive: true })
  await symlink(relative(dirname(at), join(ROOT, path)), at)
}

const tsc = tscPath()
if (tsc === null) {
  console.log('build: TypeScript is not installed; sanshi will run its sources through tsx')
  process.exit(0)
}
await rm(DIST, { recursive: true, force: true })
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
  stdio: 'inherit',
})
if (compiled.status !== 0) {
  await rm(DIST, { recursive: true, force: true }) // never leave a half build for bin/sanshi.js to run
  process.exit(compiled.status ?? 1)
}
await link('config')
await link('migrations')
for (const f of readdirSync(join(ROOT, 'connectors')))
  if (f.endsWith('.yaml')) await link(join('connectors', f))
await link('src/ingest/read/worker-bootstrap.mjs')
if (!existsSync(join(DIST, 'src/cli.js'))) throw new Error('build: dist/src/cli.js is missing')
// written last: its time is the build's, which bin/fresh-build.js compares the sources with
await writeFile(join(DIST, '.built'), `${new Date().toISOString()}\n`)
