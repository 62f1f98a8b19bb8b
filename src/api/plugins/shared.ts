import type { FastifyPluginAsync } from 'fastify'

/**
 * Marks a plugin as one that decorates its parent instead of a child context, as fastify-plugin
 * does: the application layer's db, policy and auth must be visible to the routes registered
 * after them. Two symbols are not worth a dependency.
 */
export const shared = <T extends Record<string, unknown>>(
  name: string,
  plugin: FastifyPluginAsync<T>,
): FastifyPluginAsync<T> =>
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name })
