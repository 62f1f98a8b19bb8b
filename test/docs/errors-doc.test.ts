import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ProblemCodes } from '../../schemas/problem.ts'
import { ErrorCodes } from '../../src/errors.ts'

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')

describe('docs/errors.md', () => {
  it.each(Object.keys(ErrorCodes))('lists error %s', (code) => {
    expect(doc).toMatch(new RegExp(`^\\| ${code} +\\|`, 'm'))
  })
  it.each(Object.keys(ProblemCodes))('lists problem %s', (code) => {
    expect(doc).toMatch(new RegExp(`^\\| ${code} +\\|`, 'm'))
  })
})
