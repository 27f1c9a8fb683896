// Package compliance assesses a planned model deployment (regulations, data categories, use case, provider,
// region, model and controls) against a data-driven rule set and returns a risk score with the findings and
// the rules that passed; it is advice with sources, not legal certification, and it reads no catalog itself.
package compliance
