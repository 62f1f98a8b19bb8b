#!/usr/bin/env node
// The `sanshi` command: runs the TypeScript sources through tsx so `npx sanshi` works right after `npm ci`.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli.ts')
