// Whether dist/ (npm run build) holds the current sources: it exists, and no file or folder of the sources
// it was compiled from changed after it was written. A checkout, a pull or an edit makes it stale, and
// the sources run through tsx until the next build. About 350 stats, a few milliseconds.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const SOURCES = ['src', 'connectors', 'schemas', 'fixtures/generator', 'tsconfig.json', 'tsconfig.build.json']

const newerThan = (path, time) => {
  const s = statSync(path, { throwIfNoEntry: false })
  if (!s) return false
  if (s.mtimeMs > time) return true
  return s.isDirectory() && readdirSync(path).some((name) => newerThan(join(path, name), time))
}

export function freshBuild(root) {
  const built = statSync(join(root, 'dist', '.built'), { throwIfNoEntry: false })
  return built !== undefined && !SOURCES.some((p) => newerThan(join(root, p), built.mtimeMs))
}
