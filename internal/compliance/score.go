package compliance

import "math"

// severityWeight is a finding's weight by severity: our choice, explained in docs/engines/compliance.md
// ("Score and level").
var severityWeight = map[Severity]float64{
	SeverityCritical: 10,
	SeverityHigh:     5,
	SeverityMedium:   2,
	SeverityLow:      1,
}

// band is the score range and level of the most severe finding.
type band struct {
	low, high float64
	level     Level
}

var severityBand = map[Severity]band{
	SeverityCritical: {75, 99, LevelCritical},
	SeverityHigh:     {50, 74, LevelHigh},
	SeverityMedium:   {25, 49, LevelMedium},
	SeverityLow:      {1, 24, LevelLow},
}

// halfBand is the failed weight that reaches the middle of a band: one CRITICAL finding, two HIGH, five MEDIUM.
const halfBand = 10

// Score is the risk score and level of an assessment whose failed rules have the severities in failed. The
// most severe finding sets the band and the level; the weight of all findings places the score inside it:
//
//	F     = Σ_failed w,   w = {critical 10, high 5, medium 2, low 1}
//	score = round(low + (high − low) · F / (F + 10)),  bands: LOW 1–24, MEDIUM 25–49, HIGH 50–74, CRITICAL 75–99
//
// A PROHIBITED finding gives 100 and level PROHIBITED; no findings give 0 and NONE. Rules that pass do not
// count, so adding a requirement or a riskier fact — which only brings rules into scope or makes them fail —
// never lowers the score: F grows, F/(F+10) grows with it and stays below 1, and a more severe finding moves
// to a band whose lowest score exceeds the previous band's highest.
func Score(failed []Severity) (int, Level) {
	if len(failed) == 0 {
		return 0, LevelNone
	}
	var weight float64
	worst := SeverityLow
	for _, s := range failed {
		if s == SeverityProhibited {
			return 100, LevelProhibited
		}
		weight += severityWeight[s]
		if severityRank(s) < severityRank(worst) {
			worst = s
		}
	}
	b := severityBand[worst]
	return int(math.Round(b.low + (b.high-b.low)*weight/(weight+halfBand))), b.level
}
