// Shared by several routes: deterministic sample data (no backend in this example).
export interface Shipment {
  id: string
  carrier: string
  origin: string
  destination: string
  grossKg: number
  tareKg: number
  priceEur: number
  week: number
}

const carriers = ['Northline', 'Rhein Cargo', 'Atlas Freight', 'Blue Anchor', 'Kestrel']
const cities = ['Rotterdam', 'Hamburg', 'Antwerp', 'Lyon', 'Milan', 'Gdańsk', 'Porto', 'Vienna']

/** A small linear congruential generator, so every visit shows the same numbers. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

export function createShipments(count: number, seed = 7): Shipment[] {
  const random = createRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  return Array.from({ length: count }, (_, index) => {
    const tareKg = 7000 + Math.round(random() * 6000)
    const grossKg = tareKg + Math.round(random() * 26000)
    return {
      id: `SH-${String(1000 + index)}`,
      carrier: pick(carriers),
      origin: pick(cities),
      destination: pick(cities),
      grossKg,
      tareKg,
      priceEur: Math.round((grossKg - tareKg) * (0.04 + random() * 0.03)),
      week: 1 + Math.floor(random() * 12),
    }
  })
}

export function netKg(shipment: Shipment): number {
  return shipment.grossKg - shipment.tareKg
}
