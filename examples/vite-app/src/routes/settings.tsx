import { useState } from 'react'
import { clockLocales, formatClock, formatLongDate } from '../components/locale-clock'
import { formatMoney } from '../shared/format'
import './settings.css'

export default function Settings() {
  const [tollEur, setTollEur] = useState(42)
  const sample = new Date(2025, 0, 15, 14, 30, 0)
  return (
    <form className="settings" onSubmit={event => event.preventDefault()}>
      <label>
        Toll per crossing
        <input type="number" min={0} value={tollEur} onChange={event => setTollEur(Number(event.target.value))} />
        <output>{formatMoney(tollEur)}</output>
      </label>
      <fieldset>
        <legend>Clock locales</legend>
        <ul>
          {clockLocales.map(locale => <li key={locale}><code>{locale}</code> {formatLongDate(sample, locale)}, {formatClock(sample, locale)}</li>)}
        </ul>
      </fieldset>
    </form>
  )
}
