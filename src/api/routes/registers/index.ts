import type { FastifyInstance } from 'fastify'
import { gridRoutes } from './grids.ts'
import { houseRoutes } from './houses.ts'
import { personRoutes } from './persons.ts'
import { unitRoutes } from './units.ts'
import { visitRoutes } from '../visits.ts'

/** The three registers and the grids, read by scope (src/api/registers, src/api/policy). */
export const registerRoutes = async (app: FastifyInstance, opts: { district: string }): Promise<void> => {
  await app.register(personRoutes, opts)
  await app.register(houseRoutes, opts)
  await app.register(unitRoutes, opts)
  await app.register(gridRoutes)
  await app.register(visitRoutes, opts)
}
