import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const cli = (args: string[]) =>
  run('node', ['bin/sanshi.js', ...args], { cwd: new URL('../..', import.meta.url).pathname }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  )

describe('sanshi ingest flags', () => {
  it.each([['50'], ['abc'], ['-0.1'], ['']])(
    'refuses --max-refused %j with a clear message',
    async (value) => {
      const { code, stderr } = await cli(['ingest', 'README.md', '--db', 'memory:', '--max-refused', value])
      expect(code).toBe(1)
      expect(stderr).toContain('SANSHI101 --max-refused must be a share from 0 to 1')
    },
  )

  it.each([['two'], ['-1'], ['17'], ['1.5']])('refuses --workers %j with a clear message', async (value) => {
    const { code, stderr } = await cli(['ingest', 'README.md', '--db', 'memory:', '--workers', value])
    expect(code).toBe(1)
    expect(stderr).toContain('SANSHI101 --workers must be auto or a whole number from 0 to 16')
  })
})
