// PLANTED PROBLEM (a charting library, whole): `chart.js/auto` registers every controller, element,
// scale and plugin of Chart.js, although this route draws one line and one bar chart. It is on a
// lazy route already; the fix is tree-shakable registration:
//   import { Chart, LineController, BarController, LineElement, BarElement, PointElement,
//            CategoryScale, LinearScale, Tooltip } from 'chart.js'
//   Chart.register(LineController, BarController, ...)
import Chart from 'chart.js/auto'
import { useEffect, useRef } from 'react'
import { formatPercent, formatWeight } from '../shared/format'
import { createShipments, netKg } from '../shared/shipments'
import { StatCard } from '../shared/stat-card'
import './dashboard.css'

function sumByWeek(values: { week: number, value: number }[]): number[] {
  const weeks = Array.from({ length: 12 }, () => 0)
  for (const { week, value } of values) weeks[week - 1]! += value
  return weeks
}

export default function Dashboard() {
  const lineCanvas = useRef<HTMLCanvasElement>(null)
  const barCanvas = useRef<HTMLCanvasElement>(null)
  const shipments = createShipments(240)
  const netByWeek = sumByWeek(shipments.map(shipment => ({ week: shipment.week, value: netKg(shipment) })))
  const countByWeek = sumByWeek(shipments.map(shipment => ({ week: shipment.week, value: 1 })))
  const loadFactor = netByWeek.reduce((a, b) => a + b, 0) / (shipments.length * 26000)

  useEffect(() => {
    if (!lineCanvas.current || !barCanvas.current) return
    const labels = netByWeek.map((_, index) => `W${index + 1}`)
    const charts = [
      new Chart(lineCanvas.current, {
        type: 'line',
        data: { labels, datasets: [{ label: 'Net kg', data: netByWeek, borderColor: '#c2571a', tension: 0.3 }] },
      }),
      new Chart(barCanvas.current, {
        type: 'bar',
        data: { labels, datasets: [{ label: 'Shipments', data: countByWeek, backgroundColor: '#5d6878' }] },
      }),
    ]
    return () => charts.forEach(chart => chart.destroy())
  }, [])

  return (
    <div className="dashboard">
      <div className="dashboard-cards">
        <StatCard label="Net weight" value={formatWeight(netByWeek.reduce((a, b) => a + b, 0))} />
        <StatCard label="Load factor" value={formatPercent(loadFactor)} hint="of 26 t per truck" />
      </div>
      <div className="dashboard-charts">
        <figure><canvas ref={lineCanvas} /><figcaption>Net weight per week</figcaption></figure>
        <figure><canvas ref={barCanvas} /><figcaption>Shipments per week</figcaption></figure>
      </div>
    </div>
  )
}
