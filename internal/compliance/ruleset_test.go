package compliance

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const minimalRules = `{
  "version": "test-2", "asOf": "2026-01-01", "attestations": ["HIPAA_BAA"],
  "useCases": [{"id": "EMPLOYMENT", "description": "hiring", "sector": "EMPLOYMENT", "purposes": ["RECRUITMENT"], "tier": "HIGH"}],
  "jurisdictions": [{"code": "IE", "name": "Ireland", "eea": true, "zone": "EU", "source": "EEA"}],
  "regions": [{"id": "eu-west-1", "provider": "AWS", "jurisdiction": "IE"}],
  "rules": [{"id": "R-1", "regulation": "HIPAA", "source": "164.502(e)", "severity": "CRITICAL", "version": "test-1",
    "appliesWhen": {"all": [{"requirement": ["HIPAA"]}, {"dataCategory": ["PHI"]}]},
    "failsWhen": {"modelLacks": "HIPAA_BAA"},
    "message": "m {model}", "recommendation": "r"},
   {"id": "C-1", "regulation": "EU_AI_ACT", "source": "Annex III 4(a)", "tier": "HIGH", "version": "test-2",
    "appliesWhen": {"purpose": ["RECRUITMENT"]}, "unless": {"fact": "annexIIIDerogation"},
    "message": "c {useCase}", "recommendation": "cr"}],
  "changes": [
    {"version": "test-1", "date": "2026-01-01", "summary": "first", "rules": [
      {"id": "R-1", "change": "ADDED", "note": "n1"}, {"id": "R-0", "change": "ADDED", "note": "n0"}]},
    {"version": "test-2", "date": "2026-02-01", "summary": "second", "rules": [
      {"id": "C-1", "change": "ADDED", "note": "hiring is high-risk"}, {"id": "R-0", "change": "REMOVED", "note": "gone"}]}
  ]
}`

func TestParseMinimal(t *testing.T) {
	t.Parallel()
	rs, err := Parse([]byte(minimalRules))
	require.NoError(t, err)
	res, err := rs.Assess(Assessment{Requirements: []Requirement{HIPAA}, DataCategories: []DataCategory{PHI}, Region: "EU-WEST-1"})
	require.NoError(t, err)
	require.Equal(t, "test-2", res.RuleSetVersion)
	require.Equal(t, []string{"R-1"}, findingIDs(res))
	require.Equal(t, "m (unknown model)", res.Findings[0].Message)
	require.Equal(t, "test-1", res.Findings[0].Version)
	// F = 10: 75 + 24·10/20 = 87
	require.Equal(t, 87, res.Score)
	require.Equal(t, TierUnclassified, res.UseCaseTier)
	require.Equal(t, []string{"C-1"}, res.NotApplicable)

	res, err = rs.Assess(Assessment{UseCase: "EMPLOYMENT"})
	require.NoError(t, err)
	require.Equal(t, TierHigh, res.UseCaseTier)
	require.Equal(t, []TierReason{{RuleID: "C-1", Tier: TierHigh, Source: "Annex III 4(a)", Version: "test-2", Message: "c EMPLOYMENT",
		Recommendation: "cr", Evidence: []string{"purposes include RECRUITMENT (from use case EMPLOYMENT)", "annexIIIDerogation is false"}}}, res.TierReasons)
	require.Equal(t, "Annex III 4(a)", rs.UseCases[0].Source, "a preset's source is the rules that classify it")
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		replace [2]string // applied to minimalRules
		field   string
		reason  string
	}{
		{"not JSON", [2]string{`{`, `[`}, "rules", "not a valid rule file"},
		{"unknown predicate", [2]string{`{"modelLacks": "HIPAA_BAA"}`, `{"modelLaks": "HIPAA_BAA"}`}, "rules", "unknown field"},
		{"two predicates", [2]string{`{"modelLacks": "HIPAA_BAA"}`, `{"modelLacks": "HIPAA_BAA", "fact": "dpa"}`}, "rules[0].failsWhen", "exactly one predicate"},
		{"no predicate", [2]string{`{"modelLacks": "HIPAA_BAA"}`, `{}`}, "rules[0].failsWhen", "exactly one predicate"},
		{"empty all", [2]string{`{"all": [{"requirement": ["HIPAA"]}, {"dataCategory": ["PHI"]}]}`, `{"all": []}`}, "rules[0].appliesWhen.all", "at least one"},
		{"unknown fact", [2]string{`{"modelLacks": "HIPAA_BAA"}`, `{"not": {"fact": "humanOversite"}}`}, "rules[0].failsWhen.not.fact", "not a known fact"},
		{"unknown attestation", [2]string{`"modelLacks": "HIPAA_BAA"`, `"modelLacks": "HIPPA_BAA"`}, "rules[0].failsWhen.modelLacks", "not in attestations"},
		{"unknown requirement", [2]string{`{"requirement": ["HIPAA"]}`, `{"requirement": ["HIPPA"]}`}, "rules[0].appliesWhen.all[0].requirement[0]", "not one of"},
		{"unknown data category", [2]string{`["PHI"]`, `["HEALTH"]`}, "rules[0].appliesWhen.all[1].dataCategory[0]", "not one of"},
		{"unknown use case", [2]string{`{"modelLacks": "HIPAA_BAA"}`, `{"useCase": ["DATING"]}`}, "rules[0].failsWhen.useCase[0]", "not in useCases"},
		{"negative retention", [2]string{`{"modelLacks": "HIPAA_BAA"}`, `{"retentionDaysAbove": -1}`}, "rules[0].failsWhen.retentionDaysAbove", ">= 0"},
		{"bad severity", [2]string{`"CRITICAL"`, `"SEVERE"`}, "rules[0].severity", "not one of"},
		{"bad regulation", [2]string{`"regulation": "HIPAA"`, `"regulation": "FERPA"`}, "rules[0].regulation", "not one of"},
		{"missing recommendation", [2]string{`"recommendation": "r"`, `"recommendation": ""`}, "rules[0]", "recommendation"},
		{"region in unknown jurisdiction", [2]string{`"jurisdiction": "IE"`, `"jurisdiction": "XX"`}, "regions[0].jurisdiction", "not in jurisdictions"},
		{"use case tier", [2]string{`"tier": "HIGH"`, `"tier": "SEVERE"`}, "useCases[0].tier", "not one of"},
		{"bad date", [2]string{`"2026-01-01"`, `"Jan 2026"`}, "asOf", "YYYY-MM-DD"},
		{"trailing data", [2]string{"\n}", "\n} {}"}, "rules", "unexpected data"},
		{"classification rule with a severity", [2]string{`"tier": "HIGH", "version"`, `"tier": "HIGH", "severity": "HIGH", "version"`}, "rules[1].severity", "no severity"},
		{"classification rule on the tier", [2]string{`{"fact": "annexIIIDerogation"}`, `{"useCaseTier": ["HIGH"]}`}, "rules[1]", "useCaseTier"},
		{"obligation rule with an exception", [2]string{`"failsWhen": {"modelLacks": "HIPAA_BAA"},`, `"failsWhen": {"modelLacks": "HIPAA_BAA"}, "unless": {"fact": "dpa"},`}, "rules[0].unless", "only classification rules"},
		{"obligation rule without failsWhen", [2]string{`"failsWhen": {"modelLacks": "HIPAA_BAA"},`, ``}, "rules[0].failsWhen", "needs failsWhen"},
		{"unknown purpose in a rule", [2]string{`{"purpose": ["RECRUITMENT"]}`, `{"purpose": ["HIRING"]}`}, "rules[1].appliesWhen.purpose[0]", "not one of"},
		{"unknown purpose in a preset", [2]string{`["RECRUITMENT"], "tier"`, `["HIRING"], "tier"`}, "useCases[0].purposes[0]", "not one of"},
		{"preset without sector", [2]string{`"sector": "EMPLOYMENT", `, ``}, "useCases[0].sector", "must name its sector"},
		{"preset tier its facts do not give", [2]string{`"tier": "HIGH"}],`, `"tier": "LIMITED"}],`}, "useCases[0].tier", "facts make it HIGH"},
		{"rule version not in the log", [2]string{`"version": "test-1",`, `"version": "test-0",`}, "rules[0].version", "change log"},
		{"rule removed but present", [2]string{`{"id": "R-0", "change": "REMOVED"`, `{"id": "R-1", "change": "REMOVED"`}, "rules[0].version", "change log"},
		{"rule added but missing", [2]string{`{"id": "R-0", "change": "REMOVED", "note": "gone"}`, `{"id": "R-9", "change": "ADDED", "note": "new"}`}, "changes", "not in rules"},
		{"log ends at another version", [2]string{`"version": "test-2", "asOf"`, `"version": "test-3", "asOf"`}, "changes", "not the rule set's version"},
		{"duplicate log version", [2]string{`{"version": "test-2", "date"`, `{"version": "test-1", "date"`}, "changes[1].version", "twice"},
		{"unknown change kind", [2]string{`"change": "REMOVED"`, `"change": "DELETED"`}, "changes[1].rules[1].change", "not one of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := strings.Replace(minimalRules, tc.replace[0], tc.replace[1], 1)
			require.NotEqual(t, minimalRules, data, "the replacement must apply")
			_, err := Parse([]byte(data))
			var ve *ValidationError
			require.True(t, errors.As(err, &ve), "got %v", err)
			require.Equal(t, tc.field, ve.Field)
			require.Contains(t, strings.ReplaceAll(ve.Reason, "≥", ">="), tc.reason)
		})
	}
}

func TestParseDuplicateRule(t *testing.T) {
	t.Parallel()
	dup := strings.Replace(minimalRules, `"rules": [{`, `"rules": [{"id": "R-1", "regulation": "GDPR", "source": "s", "severity": "LOW", "version": "test-1",
    "appliesWhen": {"requirement": ["GDPR"]}, "failsWhen": {"fact": "dpa"}, "message": "m", "recommendation": "r"}, {`, 1)
	_, err := Parse([]byte(dup))
	var ve *ValidationError
	require.True(t, errors.As(err, &ve), "got %v", err)
	require.Equal(t, "rules[1].id", ve.Field)
}

func TestLoad(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rules.json")
	require.NoError(t, os.WriteFile(path, []byte(minimalRules), 0o600))
	rs, err := Load(path)
	require.NoError(t, err)
	require.Equal(t, "test-2", rs.Version)

	_, err = Load(filepath.Join(t.TempDir(), "missing.json"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestDefaultRuleSet(t *testing.T) {
	t.Parallel()
	rs, err := Default()
	require.NoError(t, err)
	require.NotEmpty(t, rs.Version)
	// every region of the catalog's instance rows (data/catalog.json) and its model-API zones resolve
	for _, id := range []string{"us-east-1", "us-east-2", "us-west-2", "eu-north-1", "eu-west-2", "ap-northeast-1",
		"eu-west-1", "eu-central-1", "us-central1", "europe-west4", "US", "EU", "APAC", "CN", "GLOBAL"} {
		_, ok := rs.region[strings.ToLower(id)]
		require.True(t, ok, "region %s", id)
	}
	// use cases of the EU AI Act's Annex III (points 1, 3, 4, 5 and 6 of Regulation (EU) 2024/1689) are high-risk
	for _, id := range []string{"EMPLOYMENT", "CREDIT_SCORING", "EDUCATION", "ESSENTIAL_SERVICES", "BIOMETRIC_IDENTIFICATION", "LAW_ENFORCEMENT"} {
		require.Equal(t, TierHigh, rs.useCase[id].Tier, id)
	}
}
