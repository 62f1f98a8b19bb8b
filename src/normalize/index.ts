/** Value normalisers: pure functions from a raw cell to a `Normalized<T>` (schemas/problem.ts). */
export * from './credit-code.ts'
export * from './date.ts'
export * from './ethnicity.ts'
export * from './gender.ts'
export * from './name.ts'
export * from './phone.ts'
export * from './pinyin.ts'
export * from './resident-id.ts'
export * from './text.ts'
// Addresses are another engineer's module (src/normalize/address/); uncomment when it lands:
export * from './address/index.ts'
