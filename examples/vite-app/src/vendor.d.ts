// date-fns 2 ships typings that declare the module `date-fns`, which does not follow the npm alias
// `date-fns-2` (and would clash with date-fns 4). The one function the app uses:
declare module 'date-fns-2' {
  export function formatDistanceToNow(date: Date | number, options?: { includeSeconds?: boolean, addSuffix?: boolean }): string
}
