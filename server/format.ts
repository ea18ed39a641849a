// Numbers as the pages write them: durations and sizes in the unit that fits.

const UNIT_SIZES = [['day', 86_400], ['hour', 3_600], ['minute', 60], ['second', 1]] as const

export type DurationUnit = typeof UNIT_SIZES[number][0]
/** Each unit's name, singular and plural, in one language (server/i18n). */
export type DurationWords = Record<DurationUnit, readonly [one: string, many: string]>

const ENGLISH: DurationWords = { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'], second: ['second', 'seconds'] }

/** formatDuration in another language's words: built once per language, never per call. */
export function durationFormatter (words: DurationWords): (totalSeconds: number) => string {
  const units = UNIT_SIZES.map(([unit, size]) => [size, words[unit][0], words[unit][1]] as const)
  const zero = `0 ${words.second[1]}`
  return function formatDuration (totalSeconds: number): string {
    let rest = Math.max(0, Math.round(totalSeconds))
    const parts: string[] = []
    for (const [size, one, many] of units) {
      if (parts.length === 2) break
      const count = Math.floor(rest / size)
      if (count > 0) {
        parts.push(`${count} ${count === 1 ? one : many}`)
        rest -= count * size
      } else if (parts.length > 0) {
        break // "1 hour 5 seconds" would read as precision it does not have
      }
    }
    return parts.length > 0 ? parts.join(' ') : zero
  }
}

/** 45 → "45 seconds", 90 → "1 minute 30 seconds", 1200 → "20 minutes", 93784 → "1 day 2 hours": at most two units. */
export const formatDuration = durationFormatter(ENGLISH)

/** 512 → "512 B", 12345 → "12.1 KiB", 33554432 → "32 MiB". */
export function formatBytes (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`
}

// One formatter for every count: `Number#toLocaleString` builds a new one per call, a measurable
// share of a page that shows a few dozen numbers.
const COUNT = new Intl.NumberFormat('en')

/** 12345 → "12,345"; null (a node that did not answer) → "–". */
export function formatCount (value: number | null): string {
  if (value === null) return '–'
  // Below a thousand there is no separator to place: the same text, without the formatter.
  return Number.isInteger(value) && value > -1000 && value < 1000 ? String(value) : COUNT.format(value)
}
