/**
 * Entry of the report UI (bundled into one inline script). Reads the embedded payload, decodes it
 * and starts the app; a broken payload shows one readable line instead of a blank page.
 */
import { decodePayload, type Payload } from '../payload'
import { REPORT_DATA_ELEMENT_ID } from './data-element'
import { App } from './app'

function start(): void {
  const root = document.getElementById('app')
  if (!root) return
  try {
    performance.mark('weighbridge:script-start')
    const element = document.getElementById(REPORT_DATA_ELEMENT_ID)
    if (!element?.textContent) throw new Error('the report data is missing from this file')
    const payload = JSON.parse(element.textContent) as Payload
    performance.mark('weighbridge:parsed')
    const report = decodePayload(payload)
    performance.mark('weighbridge:decoded')
    const app = new App(report, root)
    performance.mark('weighbridge:indexed')
    app.render()
    performance.mark('weighbridge:rendered')
  }
  catch (error) {
    const message = document.createElement('p')
    message.className = 'fatal'
    message.textContent = `Cannot show this Weighbridge report: ${error instanceof Error ? error.message : String(error)}. Re-create it with \`weighbridge report report.json\`.`
    root.replaceChildren(message)
    throw error
  }
}

start()
