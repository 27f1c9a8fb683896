package compliance_test

import (
	"encoding/json"
	"fmt"

	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
)

func ExampleRuleSet_Assess() {
	rs, err := compliance.Default()
	if err != nil {
		panic(err)
	}
	res, err := rs.Assess(compliance.Assessment{
		Requirements:   []compliance.Requirement{compliance.HIPAA},
		DataCategories: []compliance.DataCategory{compliance.PHI},
		UseCase:        "SUMMARIZATION",
		Region:         "us-east-1",
		Model:          &catalog.Model{ID: "acme/chat", Provider: "acme", Regions: []string{"US"}, Attestations: []string{"SOC2_TYPE2"}},
		BAASigned:      true, Logging: true, EncryptionInTransit: true, AccessControls: true,
	})
	if err != nil {
		panic(err)
	}
	out, _ := json.MarshalIndent(struct {
		Score    int
		Level    compliance.Level
		Findings []compliance.Finding
		Passed   int
	}{res.Score, res.Level, res.Findings, len(res.Passed)}, "", "  ")
	fmt.Println(string(out))
	// Eight rules are in scope: two fail (CRITICAL 10 + MEDIUM 2), six pass (CRITICAL 10, three HIGH 5, two
	// MEDIUM 2), so r = 12/41 and the score is 75 + 24·12/41 = 82.02 → 82 in the CRITICAL band.
	// Output:
	// {
	//   "Score": 82,
	//   "Level": "CRITICAL",
	//   "Findings": [
	//     {
	//       "ruleId": "HIPAA-BAA-ELIGIBILITY",
	//       "regulation": "HIPAA",
	//       "source": "HIPAA, 45 CFR 164.502(e) and 164.504(e)",
	//       "severity": "CRITICAL",
	//       "message": "PHI would be sent to model acme/chat, which is not covered by a business associate agreement.",
	//       "recommendation": "Use a model and endpoint the vendor covers under its BAA (e.g. zero-data-retention endpoints, or the model on a HIPAA-eligible cloud service), self-host it, or keep PHI out of prompts.",
	//       "evidence": [
	//         "requirements include HIPAA",
	//         "dataCategories include PHI",
	//         "selfHosted is false",
	//         "model acme/chat lacks HIPAA_BAA (catalog attestations: [SOC2_TYPE2])"
	//       ]
	//     },
	//     {
	//       "ruleId": "HIPAA-VENDOR-RETENTION",
	//       "regulation": "HIPAA",
	//       "source": "HIPAA, 45 CFR 164.502(b) (minimum necessary)",
	//       "severity": "MEDIUM",
	//       "message": "Model acme/chat is not known to offer zero data retention, so the vendor may keep PHI.",
	//       "recommendation": "Use a zero-data-retention endpoint or arrangement for PHI, and send only the minimum necessary PHI.",
	//       "evidence": [
	//         "requirements include HIPAA",
	//         "dataCategories include PHI",
	//         "selfHosted is false",
	//         "model acme/chat lacks ZDR (catalog attestations: [SOC2_TYPE2])"
	//       ]
	//     }
	//   ],
	//   "Passed": 6
	// }
}
