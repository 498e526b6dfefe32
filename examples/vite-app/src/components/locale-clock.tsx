// PLANTED PROBLEM (a date library with every locale): `moment-with-locales` is moment plus all of
// its ~130 locales in one CommonJS file, in the initial load, for a clock that shows two of them.
// The fix: date-fns (already here) or `Intl.DateTimeFormat`, or import only the locales you show.
import moment from 'moment/min/moment-with-locales'
import { useEffect, useState } from 'react'

export const clockLocales = ['en-gb', 'de', 'fr', 'ja'] as const

export function formatClock(date: Date, locale: string): string {
  return moment(date).locale(locale).format('LTS')
}

export function formatLongDate(date: Date, locale: string): string {
  return moment(date).locale(locale).format('LL')
}

export function LocaleClock() {
  const [now, setNow] = useState(() => new Date())
  const [locale, setLocale] = useState<string>(clockLocales[0])

  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000)
    return () => clearInterval(timer)
  }, [])

  return (
    <label className="locale-clock">
      <time dateTime={now.toISOString()}>{formatClock(now, locale)}</time>
      <select value={locale} onChange={event => setLocale(event.target.value)}>
        {clockLocales.map(code => <option key={code} value={code}>{code}</option>)}
      </select>
    </label>
  )
}
