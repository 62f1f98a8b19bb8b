/** Which grid polygon each located house no coverage list names lies in: PostGIS, or the fallback. */
import type { Tx } from '../../db/types.ts'
import { containsPoint, type GridGeometry, type PreparedPolygon, preparePolygon } from './point-in-polygon.ts'
import { CHUNK, insertChunks } from './work-tables.ts'

/** Where grids overlap, the lowest code: both paths break the tie alike. */
export async function hitsByPostgis(tx: Tx): Promise<void> {
  await tx.query(
    `insert into grid_hits (house_id, grid_code)
     select distinct on (t.id) t.id, g.code
       from house_targets t
       join grids g on g.geom is not null and ST_Contains(g.geom, ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326))
      where t.grid_code is null and t.lng is not null and t.lat is not null
      order by t.id, g.code`,
  )
}

/** The bounding boxes narrow the grids in SQL, page by page of houses; the polygons decide in TypeScript. */
export async function hitsByFallback(tx: Tx): Promise<void> {
  const polygons = new Map<string, PreparedPolygon>()
  for (const g of await tx.query<{ code: string; polygon: GridGeometry }>(
    `select code, polygon from grids where polygon is not null`,
  ))
    polygons.set(g.code, preparePolygon(g.polygon))
  let last = ''
  for (;;) {
    const rows = await tx.query<{ id: string; lng: number; lat: number; code: string | null }>(
      `with page as (
         select id, lng, lat from house_targets
          where id > $1 and grid_code is null and lng is not null and lat is not null
          order by id limit ${CHUNK})
       select p.id, p.lng, p.lat, g.code from page p
         left join grids g on g.polygon is not null and p.lng between g.min_lng and g.max_lng
                          and p.lat between g.min_lat and g.max_lat
        order by p.id, g.code`,
      [last],
    )
    if (rows.length === 0) return
    const houses: string[] = []
    const codes: string[] = []
    for (const r of rows) {
      last = r.id
      if (r.code === null || houses[houses.length - 1] === r.id) continue
      const polygon = polygons.get(r.code)
      if (polygon && containsPoint(polygon, Number(r.lng), Number(r.lat))) {
        houses.push(r.id)
        codes.push(r.code)
      }
    }
    await insertChunks(tx, 'grid_hits', ['house_id', 'grid_code'], ['text', 'text'], [houses, codes])
  }
}
