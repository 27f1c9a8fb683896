package compliance

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// flag returns a pointer to one boolean of an assessment.
type flag func(*Assessment) *bool

// controls are the safeguards a team declares; turning one off is riskier.
var controls = map[string]flag{
	"humanOversight":          func(a *Assessment) *bool { return &a.HumanOversight },
	"logging":                 func(a *Assessment) *bool { return &a.Logging },
	"piiMasking":              func(a *Assessment) *bool { return &a.PIIMasking },
	"paymentCardMasking":      func(a *Assessment) *bool { return &a.PaymentCardMasking },
	"encryptionInTransit":     func(a *Assessment) *bool { return &a.EncryptionInTransit },
	"accessControls":          func(a *Assessment) *bool { return &a.AccessControls },
	"riskManagement":          func(a *Assessment) *bool { return &a.RiskManagement },
	"conformityAssessment":    func(a *Assessment) *bool { return &a.ConformityAssessment },
	"dpia":                    func(a *Assessment) *bool { return &a.DPIA },
	"dpa":                     func(a *Assessment) *bool { return &a.DPA },
	"baaSigned":               func(a *Assessment) *bool { return &a.BAASigned },
	"serviceProviderContract": func(a *Assessment) *bool { return &a.ServiceProviderContract },
	"aiDisclosure":            func(a *Assessment) *bool { return &a.AIDisclosure },
	"parentalConsent":         func(a *Assessment) *bool { return &a.ParentalConsent },
	"dataGovernance":          func(a *Assessment) *bool { return &a.DataGovernance },
	"technicalDocumentation":  func(a *Assessment) *bool { return &a.TechnicalDocumentation },
	"instructionsForUse":      func(a *Assessment) *bool { return &a.InstructionsForUse },
	"accuracyRobustness":      func(a *Assessment) *bool { return &a.AccuracyRobustness },
	"qualityManagement":       func(a *Assessment) *bool { return &a.QualityManagement },
	"registered":              func(a *Assessment) *bool { return &a.Registered },
	"monitoring":              func(a *Assessment) *bool { return &a.Monitoring },
	"workersInformed":         func(a *Assessment) *bool { return &a.WorkersInformed },
	"affectedPersonsInformed": func(a *Assessment) *bool { return &a.AffectedPersonsInformed },
	"fria":                    func(a *Assessment) *bool { return &a.FRIA },
	"contentMarking":          func(a *Assessment) *bool { return &a.ContentMarking },
	"aiLiteracy":              func(a *Assessment) *bool { return &a.AILiteracy },
	"derogationDocumented":    func(a *Assessment) *bool { return &a.DerogationDocumented },
}

// riskFacts are facts about the system that can only add duties when they become true.
var riskFacts = map[string]flag{
	"interactsWithPeople": func(a *Assessment) *bool { return &a.InteractsWithPeople },
	"generatesContent":    func(a *Assessment) *bool { return &a.GeneratesContent },
	"deepfakes":           func(a *Assessment) *bool { return &a.Deepfakes },
	"publicInterestText":  func(a *Assessment) *bool { return &a.PublicInterestText },
	"atWorkplace":         func(a *Assessment) *bool { return &a.AtWorkplace },
	"inEducation":         func(a *Assessment) *bool { return &a.InEducation },
	"publicAuthority":     func(a *Assessment) *bool { return &a.PublicAuthority },
	"publicService":       func(a *Assessment) *bool { return &a.PublicService },
	"profiling":           func(a *Assessment) *bool { return &a.Profiling },
	"regulatedProduct":    func(a *Assessment) *bool { return &a.RegulatedProduct },
	"automatedDecisions":  func(a *Assessment) *bool { return &a.AutomatedDecisions },
}

// safeFacts are facts whose being false is riskier: self-hosting keeps vendors out, and the medical or safety
// reason is the Art. 5(1)(f) exception.
var safeFacts = map[string]flag{
	"selfHosted":            func(a *Assessment) *bool { return &a.SelfHosted },
	"medicalOrSafetyReason": func(a *Assessment) *bool { return &a.MedicalOrSafetyReason },
}

func sample[T any](r *rand.Rand, all []T, percent int) []T {
	var out []T
	for _, v := range all {
		if r.IntN(100) < percent {
			out = append(out, v)
		}
	}
	return out
}

// randomAssessment draws every fact at random. The claim of the Art. 6(3) derogation is drawn too but never
// mutated: it is a legal position that swaps the high-risk duties for the documentation duty of Art. 6(4),
// not a riskier or safer fact.
func randomAssessment(r *rand.Rand, rs *RuleSet) Assessment {
	a := Assessment{
		Requirements: sample(r, requirements, 50), DataCategories: sample(r, dataCategories, 30),
		Roles:         sample(r, roles, 30),
		Region:        []string{"eu-west-1", "us-east-1", "GLOBAL", "europe-west2", "nowhere-1", "EU"}[r.IntN(6)],
		RetentionDays: r.IntN(60), AnnexIIIDerogation: r.IntN(4) == 0,
		SpecialCategoryCondition: specialCategoryConditions[r.IntN(len(specialCategoryConditions))],
		TransferMechanism:        transferMechanisms[r.IntN(len(transferMechanisms))],
	}
	a.Purposes = sample(r, purposes, 6)
	if r.IntN(5) > 0 {
		a.Sector = sectors[r.IntN(len(sectors))]
	}
	if r.IntN(3) == 0 {
		a.UseCase = rs.UseCases[r.IntN(len(rs.UseCases))].ID
	}
	if r.IntN(3) > 0 {
		a.Model = goodModel()
		if r.IntN(2) == 0 {
			a.Model.Attestations = a.Model.Attestations[:r.IntN(len(a.Model.Attestations))]
		}
	}
	for _, set := range []map[string]flag{controls, riskFacts, safeFacts} {
		for _, f := range set {
			*f(&a) = r.IntN(2) == 0
		}
	}
	return a
}

// riskier returns the ways of making a a little riskier: one more requirement, data category, purpose or
// role, a risk fact turned on, a control or a safe fact turned off, no Art. 9(2) condition or transfer
// mechanism, longer retention.
func riskier(a Assessment) map[string]Assessment {
	out := map[string]Assessment{}
	clone := func() Assessment {
		b := a
		b.Requirements, b.DataCategories = slices.Clone(a.Requirements), slices.Clone(a.DataCategories)
		b.Purposes, b.Roles = slices.Clone(a.Purposes), slices.Clone(a.Roles)
		if a.Model != nil {
			m := *a.Model
			b.Model = &m
		}
		return b
	}
	for _, q := range requirements {
		if !contains(a.Requirements, q) {
			b := clone()
			b.Requirements = append(b.Requirements, q)
			out["+requirement "+string(q)] = b
		}
	}
	for _, d := range dataCategories {
		if !contains(a.DataCategories, d) {
			b := clone()
			b.DataCategories = append(b.DataCategories, d)
			out["+data "+string(d)] = b
		}
	}
	for _, p := range purposes {
		if !contains(a.Purposes, p) {
			b := clone()
			b.Purposes = append(b.Purposes, p)
			out["+purpose "+string(p)] = b
		}
	}
	have := a.Roles
	if len(have) == 0 {
		have = defaultRoles // no role stated means these
	}
	for _, x := range roles {
		if !contains(have, x) {
			b := clone()
			b.Roles = append(slices.Clone(have), x)
			out["+role "+string(x)] = b
		}
	}
	for name, f := range riskFacts {
		if !*f(&a) {
			b := clone()
			*f(&b) = true
			out["+"+name] = b
		}
	}
	for name, f := range controls {
		if *f(&a) {
			b := clone()
			*f(&b) = false
			out["-"+name] = b
		}
	}
	for name, f := range safeFacts {
		if *f(&a) {
			b := clone()
			*f(&b) = false
			out["-"+name] = b
		}
	}
	if a.SpecialCategoryCondition != ConditionNone {
		b := clone()
		b.SpecialCategoryCondition = ConditionNone
		out["no Art. 9(2) condition"] = b
	}
	if a.TransferMechanism != TransferNone {
		b := clone()
		b.TransferMechanism = TransferNone
		out["no transfer mechanism"] = b
	}
	b := clone()
	b.RetentionDays += 1 + a.RetentionDays
	out["longer retention"] = b
	return out
}

// Property over the embedded rules and random fact sets: adding a requirement or a riskier fact never lowers
// the score (docs/engines/compliance.md, "Score and level"), and never lowers the EU AI Act tier.
func TestAssessMonotone(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(13, 2026))
	checked := 0
	for i := range 600 {
		a := randomAssessment(r, rs)
		before, err := rs.Assess(a)
		require.NoError(t, err)
		for name, b := range riskier(a) {
			after, err := rs.Assess(b)
			require.NoError(t, err)
			require.GreaterOrEqual(t, after.Score, before.Score, "case %d, %s: findings %v → %v", i, name, findingIDs(before), findingIDs(after))
			require.LessOrEqual(t, tierRank(after.UseCaseTier), tierRank(before.UseCaseTier), "case %d, %s", i, name)
			checked++
		}
	}
	require.Greater(t, checked, 10000, "enough pairs compared")
	t.Logf("%d pairs compared", checked)
}
