/**
 * The database's clock in ms since the epoch, as SQL: the one clock every process of the
 * deployment shares, for state they keep together in PostgreSQL (fetch turns, demand).
 */
export const DATABASE_NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::float8'
