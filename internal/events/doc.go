// Package events tells subscribers that a row changed (its kind, id, owner and status), within one process
// (Memory) or across replicas through PostgreSQL LISTEN/NOTIFY (Postgres); it carries no row data and decides
// nothing about who may see a row.
package events
