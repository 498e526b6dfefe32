/** The id of the `<script type="application/json">` element that holds the report payload. */
export const REPORT_DATA_ELEMENT_ID = 'weighbridge-data'
