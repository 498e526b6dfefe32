import { formatMoney, formatWeight } from '../shared/format'
import { createShipments, netKg } from '../shared/shipments'
import { StatCard } from '../shared/stat-card'
import './home.css'

export default function Home() {
  const shipments = createShipments(120)
  const totalNetKg = shipments.reduce((sum, shipment) => sum + netKg(shipment), 0)
  const revenueEur = shipments.reduce((sum, shipment) => sum + shipment.priceEur, 0)
  return (
    <div className="home">
      <h2>This quarter</h2>
      <div className="home-cards">
        <StatCard label="Shipments" value={String(shipments.length)} />
        <StatCard label="Net weight" value={formatWeight(totalNetKg)} />
        <StatCard label="Revenue" value={formatMoney(revenueEur)} hint="before tolls" />
      </div>
      <p>Open the <a href="#/dashboard">dashboard</a> for weekly trends or the <a href="#/reports">reports</a> for the ledger.</p>
    </div>
  )
}
