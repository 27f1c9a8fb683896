package compliance_test

import (
	"fmt"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
)

// A use case no preset names — an emergency-triage assistant that talks to patients — is assessed from its
// facts: the sector, what it is for, whom it talks to, the data, and the team's role.
func ExampleRuleSet_Assess() {
	rs, err := compliance.Default()
	if err != nil {
		panic(err)
	}
	a := compliance.Assessment{
		Requirements:   []compliance.Requirement{compliance.EUAIAct, compliance.GDPR},
		DataCategories: []compliance.DataCategory{compliance.PHI},
		UseCase:        "MEDICAL_TRIAGE", // a label, not a preset
		Roles:          []compliance.Role{compliance.RoleDeployer},
		Region:         "eu-west-1",
		Model:          &catalog.Model{ID: "acme/chat", Provider: "acme", Regions: []string{"EU"}, Attestations: []string{"SOC2_TYPE2"}},
		DPA:            true, DPIA: true, EncryptionInTransit: true, AccessControls: true, PIIMasking: true, AILiteracy: true,
		Logging: true, HumanOversight: true, Monitoring: true, AffectedPersonsInformed: true,
	}
	a.Sector = compliance.SectorHealthcare
	a.Purposes = []compliance.Purpose{compliance.PurposeEmergencyTriage}
	a.InteractsWithPeople = true
	res, err := rs.Assess(a)
	if err != nil {
		panic(err)
	}
	fmt.Println("tier:", res.UseCaseTier)
	for _, t := range res.TierReasons {
		fmt.Printf("  %s %s: %s %v\n", t.Tier, t.RuleID, t.Source, t.Evidence)
	}
	fmt.Println("score:", res.Score, res.Level)
	for _, f := range res.Findings {
		fmt.Printf("  %s %s: %s\n", f.Severity, f.RuleID, f.Source)
	}
	// Output:
	// tier: HIGH
	//   HIGH AIACT-ANNEX-III-5D: Regulation (EU) 2024/1689 (AI Act) Art. 6(2) and Annex III point 5(d) [purposes include EMERGENCY_TRIAGE annexIIIDerogation is false]
	//   LIMITED AIACT-ART50-1: Regulation (EU) 2024/1689 (AI Act) Art. 50(1) [interactsWithPeople is true]
	// score: 87 CRITICAL
	//   CRITICAL GDPR-SPECIAL-CATEGORY-CONDITION: Regulation (EU) 2016/679 (GDPR) Art. 9(1) and 9(2)(a)-(j)
}
