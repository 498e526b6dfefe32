// Shared by several routes: becomes a chunk of its own that the route chunks import.
const weightFormat = new Intl.NumberFormat('en-GB', { style: 'unit', unit: 'kilogram', maximumFractionDigits: 0 })
const moneyFormat = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' })
const percentFormat = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 })

export function formatWeight(kilograms: number): string {
  return weightFormat.format(kilograms)
}

export function formatMoney(euros: number): string {
  return moneyFormat.format(euros)
}

export function formatPercent(ratio: number): string {
  return percentFormat.format(ratio)
}
