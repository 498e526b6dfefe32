import { useState } from 'react'
import { applyTransform, type TransformName } from '../lib/transforms'
import { formatMoney, formatWeight } from '../shared/format'
import { createShipments, netKg, type Shipment } from '../shared/shipments'
import './reports.css'

const sortKeys = ['carrier', 'origin', 'destination', 'priceEur', 'grossKg'] as const

export default function Reports() {
  const [sortKey, setSortKey] = useState<(typeof sortKeys)[number]>('carrier')
  const [operation] = useState<TransformName>('sortBy')
  const shipments = createShipments(40)
  const rows = applyTransform(operation, shipments, sortKey) as Shipment[]
  const byCarrier = applyTransform('countBy', shipments, 'carrier') as Record<string, number>

  return (
    <div className="reports">
      <p className="reports-summary">
        {Object.entries(byCarrier).map(([carrier, count]) => `${carrier}: ${count}`).join(' · ')}
      </p>
      <table>
        <thead>
          <tr>
            {sortKeys.map(key => (
              <th key={key}>
                <button type="button" className={key === sortKey ? 'sorted' : undefined} onClick={() => setSortKey(key)}>{key}</button>
              </th>
            ))}
            <th>net</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(row => (
            <tr key={row.id}>
              <td>{row.carrier}</td>
              <td>{row.origin}</td>
              <td>{row.destination}</td>
              <td>{formatMoney(row.priceEur)}</td>
              <td>{formatWeight(row.grossKg)}</td>
              <td>{formatWeight(netKg(row))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
