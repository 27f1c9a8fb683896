package events

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// MaxKindLen and MaxStatusLen bound an Event's strings, so that its JSON form stays far below PostgreSQL's
// 8000-byte NOTIFY payload limit: at most about 900 bytes even if every byte needed a \u00XX escape.
const (
	MaxKindLen   = 64
	MaxStatusLen = 64
)

// Event says that one row changed. It is a notice, not the row: a subscriber re-reads the row (through the
// privacy layer) to learn what changed.
type Event struct {
	// Kind names the entity, e.g. "benchmark" or "deployment".
	Kind string `json:"kind"`
	// ID is the row's id.
	ID int `json:"id"`
	// OwnerID is the id of the user who owns the row; the viewer-wide streams select on it.
	OwnerID int `json:"ownerId"`
	// Status is the row's status after the change (e.g. "RUNNING"); it may be empty.
	Status string `json:"status,omitempty"`
	// Version numbers the row's states (it grows by one with every update); 0 when unknown. 32 bits (a row
	// updated 10 times a second takes 13 years to wrap) keep it and Deleted in one word of every buffered
	// notice.
	Version uint32 `json:"version,omitempty"`
	// Deleted says the change deleted the row.
	Deleted bool `json:"deleted,omitempty"`
}

// Validate reports the first field of e that cannot be published.
func (e Event) Validate() error {
	if err := validKind(e.Kind); err != nil {
		return err
	}
	if e.ID <= 0 {
		return &ValidationError{Field: "id", Reason: fmt.Sprintf("must be a positive row id, got %d", e.ID)}
	}
	if e.OwnerID <= 0 {
		return &ValidationError{Field: "ownerId", Reason: fmt.Sprintf("must be a positive user id, got %d (an event without an owner would never reach the viewer-wide streams)", e.OwnerID)}
	}
	if len(e.Status) > MaxStatusLen {
		return &ValidationError{Field: "status", Reason: fmt.Sprintf("is %d bytes, at most %d allowed", len(e.Status), MaxStatusLen)}
	}
	if !utf8.ValidString(e.Status) {
		return &ValidationError{Field: "status", Reason: "must be valid UTF-8"}
	}
	return nil
}

func validKind(kind string) error {
	switch {
	case kind == "":
		return &ValidationError{Field: "kind", Reason: `must name the entity, e.g. "benchmark"`}
	case len(kind) > MaxKindLen:
		return &ValidationError{Field: "kind", Reason: fmt.Sprintf("is %d bytes, at most %d allowed", len(kind), MaxKindLen)}
	case !utf8.ValidString(kind):
		return &ValidationError{Field: "kind", Reason: "must be valid UTF-8"}
	}
	return nil
}

// encode validates e and returns its wire form (the NOTIFY payload).
func (e Event) encode() (string, error) {
	if err := e.Validate(); err != nil {
		return "", err
	}
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("events: encode %s %d: %w", e.Kind, e.ID, err)
	}
	return string(b), nil
}

// decode parses a wire form. Unknown fields are ignored, so a replica still running an older build keeps
// working while a newer one adds fields.
func decode(payload string) (Event, error) {
	var e Event
	if err := json.Unmarshal([]byte(payload), &e); err != nil {
		return Event{}, fmt.Errorf("events: decode payload: %w", err)
	}
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	return e, nil
}

// Filter selects the events a subscription receives: those of Kind for one row (ID), or those of Kind for
// every row of one owner (OwnerID). Exactly one of ID and OwnerID is set.
type Filter struct {
	Kind    string
	ID      int
	OwnerID int
}

// ByID selects the events of one row.
func ByID(kind string, id int) Filter { return Filter{Kind: kind, ID: id} }

// ByOwner selects the events of every row of kind owned by ownerID (a viewer-wide stream).
func ByOwner(kind string, ownerID int) Filter { return Filter{Kind: kind, OwnerID: ownerID} }

// Validate reports why f selects nothing sensible.
func (f Filter) Validate() error {
	if err := validKind(f.Kind); err != nil {
		return err
	}
	switch {
	case f.ID < 0:
		return &ValidationError{Field: "id", Reason: fmt.Sprintf("must be a positive row id, got %d", f.ID)}
	case f.OwnerID < 0:
		return &ValidationError{Field: "ownerId", Reason: fmt.Sprintf("must be a positive user id, got %d", f.OwnerID)}
	case f.ID == 0 && f.OwnerID == 0:
		return &ValidationError{Field: "id", Reason: "set either a row id (ByID) or an owner id (ByOwner)"}
	case f.ID != 0 && f.OwnerID != 0:
		return &ValidationError{Field: "ownerId", Reason: "set either a row id (ByID) or an owner id (ByOwner), not both"}
	}
	return nil
}

// key is where a filter's subscribers are indexed; an event is looked up under its id key and its owner key.
type key struct {
	kind  string
	id    int
	owner bool
}

func (f Filter) key() key {
	if f.OwnerID != 0 {
		return key{kind: f.Kind, id: f.OwnerID, owner: true}
	}
	return key{kind: f.Kind, id: f.ID}
}
