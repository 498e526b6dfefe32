// Shared by several routes, with its own CSS (goes to the shared chunk's stylesheet).
import './stat-card.css'

export function StatCard({ label, value, hint }: { label: string, value: string, hint?: string }) {
  return (
    <section className="stat-card">
      <h3>{label}</h3>
      <strong>{value}</strong>
      {hint !== undefined && <small>{hint}</small>}
    </section>
  )
}
