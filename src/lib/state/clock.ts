/** The wall clock for state commands, in one place so a test can replace it. Not reactive. */
export const clock = { now: (): Date => new Date() };
