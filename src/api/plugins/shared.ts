import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'

/**
 * A plugin that decorates its parent instead of a child context: the application layer's db, policy
 * and auth must be visible to the routes registered after them.
 */
export const shared = <T extends Record<string, unknown>>(
  name: string,
  plugin: FastifyPluginAsync<T>,
): FastifyPluginAsync<T> => fp(plugin, { name, fastify: '5.x' })
