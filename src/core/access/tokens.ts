/**
 * How long an API token lives: 90 days unless its owner picks a date, at most a year (366 days, so "the same day
 * next year" always fits). The server enforces both; the account page offers the same range up front.
 */
export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 366;
