// English: the start line's flags are server/start/command-line.ts's own words.
import { OTHER_FLAGS, TUTORIAL_FLAGS } from '../../start/command-line.ts'

export const flags: Record<string, { meaning: string, seen: string }> = Object.fromEntries(TUTORIAL_FLAGS.map((f) => [f.flag, { meaning: f.meaning, seen: f.seen }]))
export const otherFlags: Record<string, string> = { ...OTHER_FLAGS }
