import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const cli = (args: string[]) =>
  run('node', ['bin/sanshi.js', ...args], { cwd: new URL('../..', import.meta.url).pathname }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  )

const COMMANDS = [
  'migrate',
  'fixtures',
  'ingest',
  'match',
  'grids',
  'refused',
  'export',
  'eval',
  'explain',
  'keys',
  'audit',
  'serve',
  'demo',
]

// src/cli.ts loads only the module of the command it runs
describe('sanshi commands', () => {
  it('lists every command in its help', async () => {
    const { code, stdout } = await cli(['--help'])
    expect(code).toBe(0)
    const listed = [...stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1])
    expect(listed).toEqual([...COMMANDS, 'help'])
  })

  it('finds the command after global options and their values', async () => {
    const { code, stdout } = await cli(['--db', 'memory:', '--lang', 'en', 'export', 'persons', '--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('Usage: sanshi export persons [options]')
  })

  it('names an unknown command and the one meant', async () => {
    const { code, stderr } = await cli(['expor'])
    expect(code).not.toBe(0)
    expect(stderr).toContain("unknown command 'expor'")
    expect(stderr).toContain('export')
  })
})
