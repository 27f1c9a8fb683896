package seed

import (
	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/model"
)

func (w *world) compliance(c *ent.Client, p *person) *ent.ComplianceProfileCreate {
	created := between(p.r, p.joined, w.now)
	prof := pick(p.r, complianceProfiles)
	regs := make([]model.Regulation, len(prof.regs))
	for i, r := range prof.regs {
		regs[i] = model.Regulation(r)
	}
	m := pick(p.r, w.chat)
	yes := func(percent int) bool { return p.r.IntN(100) < percent }
	cx := model.ComplianceContext{
		UseCase: prof.useCase, Provider: m.Provider, Region: prof.region, Model: m.ID,
		HumanOversight: yes(60), Logging: yes(80), PIIMasking: yes(50), PaymentCardMasking: yes(50),
		EncryptionInTransit: yes(95), AccessControls: yes(85), RiskManagement: yes(40), DPIA: yes(40), DPA: yes(60),
		BAASigned: yes(40), ServiceProviderContract: yes(60), AIDisclosure: yes(60),
		RetentionDays: pick(p.r, []int{0, 30, 90, 365}),
	}
	for _, d := range prof.data {
		cx.DataCategories = append(cx.DataCategories, compliance.DataCategory(d))
	}
	b := c.ComplianceProfile.Create().SetOwnerID(p.id).SetName(prof.name).SetRequirements(regs).SetContext(cx).
		SetCreatedAt(created)
	if yes(20) { // not assessed yet
		return b.SetUpdatedAt(created)
	}
	// The engine's own assessment, as the API stores it.
	res, err := w.rules.Assess(cx.Assessment(regs, &m))
	if err != nil {
		return b.SetUpdatedAt(created)
	}
	at := between(p.r, created, w.now)
	findings, passed := res.Findings, res.Passed
	if findings == nil {
		findings = []compliance.Finding{}
	}
	if passed == nil {
		passed = []compliance.PassedRule{}
	}
	return b.SetRiskScore(float64(res.Score)).SetRiskLevel(string(res.Level)).SetUseCaseTier(string(res.UseCaseTier)).
		SetRecommendations(findings).SetPassedRules(passed).SetRuleSetVersion(res.RuleSetVersion).
		SetAssessedAt(at).SetUpdatedAt(at)
}
