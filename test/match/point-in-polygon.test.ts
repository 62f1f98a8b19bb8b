/** The embedded fallback's point in polygon: the ST_Contains answer for interiors, edges, holes, parts. */
import { describe, expect, it } from 'vitest'
import {
  containsPoint,
  type GridGeometry,
  preparePolygon,
} from '../../src/match/grid-assignment/point-in-polygon.ts'

const square = (x0: number, y0: number, x1: number, y1: number, clockwise = false): number[][] => {
  const ring = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ]
  return clockwise ? ring.reverse() : ring
}

const withHole: GridGeometry = {
  type: 'Polygon',
  coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6, true)],
}
// an L: concave, so a ray leaves and re-enters it
const ell: GridGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [6, 0],
      [6, 2],
      [2, 2],
      [2, 6],
      [0, 6],
      [0, 0],
    ],
  ],
}
const twoParts: GridGeometry = {
  type: 'MultiPolygon',
  coordinates: [[square(0, 0, 2, 2)], [square(5, 5, 7, 7), square(5.5, 5.5, 6.5, 6.5, true)]],
}
const diamond: GridGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [0, -1],
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ],
  ],
}
// real-world degrees: a grid near 秦淮区 written clockwise, as some GIS exports do
const degrees: GridGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [118.7402, 31.981],
      [118.7402, 31.984],
      [118.745, 31.9848],
      [118.7458, 31.981],
      [118.7402, 31.981],
    ],
  ],
}

describe('containsPoint', () => {
  it.each([
    ['inside the outer ring', withHole, 1, 1, true],
    ['in the hole', withHole, 5, 5, false],
    ['on the hole edge', withHole, 4, 5, false],
    ['on a hole corner', withHole, 6, 6, false],
    ['on the outer edge', withHole, 10, 5, false],
    ['on an outer corner', withHole, 0, 0, false],
    ['outside, level with the hole', withHole, 11, 5, false],
    ['between hole and edge', withHole, 8, 5, true],
    ['in the arm of the L', ell, 1, 5, true],
    ['in the notch of the L', ell, 4, 4, false],
    ['on the inner corner of the L', ell, 2, 2, false],
    ['level with the L notch edge, inside', ell, 1, 2, true],
    ['through a vertex level with the ray', ell, -1, 2, false],
    ['in the first part', twoParts, 1, 1, true],
    ['in the second part', twoParts, 5.2, 6, true],
    ['in the second part hole', twoParts, 6, 6, false],
    ['between the parts', twoParts, 3, 3, false],
    ['diamond centre', diamond, 0, 0, true],
    ['diamond, level with two vertices', diamond, 0.5, 0, true],
    ['diamond, on a slanted edge', diamond, 0.5, 0.5, false],
    ['diamond, just inside a slanted edge', diamond, 0.49, 0.5, true],
    ['diamond, just outside a slanted edge', diamond, 0.51, 0.5, false],
    ['degrees, clockwise ring, inside', degrees, 118.743, 31.983, true],
    ['degrees, outside', degrees, 118.746, 31.983, false],
    ['not a number', withHole, Number.NaN, 1, false],
  ] as const)('%s', (_name, geometry, lng, lat, expected) => {
    expect(containsPoint(preparePolygon(geometry), lng, lat)).toBe(expected)
  })

  it('agrees with a brute-force even-odd count on a jagged ring', () => {
    // a star with 7 points: many edges cross every horizontal line
    const ring: number[][] = []
    for (let k = 0; k < 14; k++) {
      const r = k % 2 === 0 ? 10 : 4
      const a = (k * Math.PI) / 7
      ring.push([Math.round(r * Math.cos(a) * 1000) / 1000, Math.round(r * Math.sin(a) * 1000) / 1000])
    }
    ring.push(ring[0] as number[])
    const star = preparePolygon({ type: 'Polygon', coordinates: [ring] })
    const evenOdd = (x: number, y: number): boolean => {
      let inside = false
      for (let i = 0, j = ring.length - 2; i < ring.length - 1; j = i++) {
        const [xi, yi] = ring[i] as [number, number]
        const [xj, yj] = ring[j] as [number, number]
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
      }
      return inside
    }
    let inside = 0
    for (let x = -11; x <= 11; x += 0.37)
      for (let y = -11; y <= 11; y += 0.41) {
        expect(containsPoint(star, x, y), `${x},${y}`).toBe(evenOdd(x, y))
        if (evenOdd(x, y)) inside++
      }
    expect(inside).toBeGreaterThan(100)
  })
})
