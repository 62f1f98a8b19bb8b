// Replaced by the database helper: starts a throw-away PostgreSQL for the integration suite.
export default async function setup(): Promise<void> {}
