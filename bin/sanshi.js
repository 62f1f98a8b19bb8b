#!/usr/bin/env node
// The `sanshi` command: runs the compiled sources (dist/, built by `npm ci` or `npm run build`) while they
// are current, and otherwise the TypeScript sources through tsx, so `npx sanshi` works right after
// `npm ci` and after any edit.
import { fileURLToPath } from 'node:url'
import { freshBuild } from './fresh-build.js'

if (freshBuild(fileURLToPath(new URL('..', import.meta.url)))) {
  await import('../dist/src/cli.js')
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli.ts')
}
