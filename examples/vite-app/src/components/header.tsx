// PLANTED PROBLEM (two versions of one package, part 1): the header formats today's date with
// date-fns 4, while the footer uses date-fns 2 (`date-fns-2`). Both land in the initial load.
import { format } from 'date-fns'
import scaleImageUrl from '../assets/scale.png'
import { LocaleClock } from './locale-clock'
import { SearchBox } from './search-box'

export function Header() {
  return (
    <header className="app-header">
      <img className="app-logo" src={scaleImageUrl} alt="" width="48" height="48" />
      <div className="app-title">
        <h1>Freight desk</h1>
        <p>{format(new Date(), 'EEEE d MMMM yyyy')}</p>
      </div>
      <SearchBox />
      <LocaleClock />
    </header>
  )
}
