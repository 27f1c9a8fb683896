// Package compliance assesses a planned AI system — its use case described by facts (sector, purposes, whom it
// touches, the team's role), the regulations, data, provider, region, model and controls — against a
// data-driven, versioned rule set: it derives the EU AI Act tier and says which fact set it, and returns a risk
// score with the findings and the rules that passed. It is advice with sources, not legal certification, and
// it reads no catalog or database itself.
package compliance
