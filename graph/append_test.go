package graph_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/internal/model"
	"github.com/modelarchitect/architect/internal/testutil"
	"github.com/modelarchitect/architect/internal/viewer"
)

// TestAppendInputsAppend: every list field with an append input, through the API on both backends: appendX
// alone appends to the stored list, X with appendX stores X followed by appendX, each value once.
func TestAppendInputsAppend(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, b testutil.Backend) {
		s := testutil.NewServer(t, b)
		c := s.Client(s.SignUp(t, "append@example.com", viewer.RolePro).Token)

		t.Run("ComplianceProfile.requirements", func(t *testing.T) {
			var cr struct{ CreateComplianceProfile struct{ ID string } }
			c.MustDo(t, `mutation { createComplianceProfile(input: {name: "p", requirements: [GDPR]}) { id } }`, nil, &cr)
			update := func(in string) []string {
				var out struct {
					UpdateComplianceProfile struct{ Requirements []string }
				}
				c.MustDo(t, `mutation($id: ID!) { updateComplianceProfile(id: $id, input: `+in+`) { requirements } }`,
					map[string]any{"id": cr.CreateComplianceProfile.ID}, &out)
				return out.UpdateComplianceProfile.Requirements
			}
			require.Equal(t, []string{"GDPR", "HIPAA"}, update(`{appendRequirements: [HIPAA]}`))
			require.Equal(t, []string{"GDPR", "HIPAA", "SOC2"}, update(`{appendRequirements: [HIPAA, SOC2]}`), "a set: HIPAA once")
			require.Equal(t, []string{"CCPA", "EU_AI_ACT"}, update(`{requirements: [CCPA], appendRequirements: [EU_AI_ACT]}`))
		})

		t.Run("Experiment.models", func(t *testing.T) {
			var cr struct{ CreateExperiment struct{ ID string } }
			c.MustDo(t, `mutation { createExperiment(input: {name: "e", models: ["openai/a", "openai/b"],
				metrics: {primary: {name: "ok", kind: BINARY}}}) { id } }`, nil, &cr)
			update := func(in string) *testutil.Response {
				return c.Do(t, `mutation($id: ID!) { updateExperiment(id: $id, input: `+in+`) { models } }`,
					map[string]any{"id": cr.CreateExperiment.ID})
			}
			models := func(r *testutil.Response) []string {
				require.Empty(t, r.Errors)
				var out struct{ UpdateExperiment struct{ Models []string } }
				require.NoError(t, json.Unmarshal(r.Data, &out))
				return out.UpdateExperiment.Models
			}
			require.Equal(t, []string{"openai/a", "openai/b", "openai/c"}, models(update(`{appendModels: ["openai/c"]}`)))
			require.Equal(t, []string{"openai/x", "openai/y", "openai/z"},
				models(update(`{models: ["openai/x", "openai/y"], appendModels: ["openai/z"]}`)))
			r := update(`{appendModels: ["openai/x"]}`)
			require.Len(t, r.Errors, 1, "a model twice is refused, not stored")
			require.Equal(t, "BAD_USER_INPUT", r.Errors[0].Code())
			require.Contains(t, r.Errors[0].Message, "listed twice")
		})
	})
}

// TestGeneratedAppendInputs guards the generated code itself (ent/gql_mutation_input.go, from entgql's
// template plus ours in ent/template/mutation_append.tmpl): each generated append input hands the appended
// values, not the replacement list, to the mutation; and every append input there is one this test knows.
func TestGeneratedAppendInputs(t *testing.T) {
	t.Parallel()
	c := ent.NewClient()

	cp := c.ComplianceProfile.UpdateOneID(1).SetInput(ent.UpdateComplianceProfileInput{
		AppendRequirements: []model.Regulation{model.RegulationHIPAA}}).Mutation()
	_, set := cp.Requirements()
	appended, _ := cp.AppendedRequirements()
	require.False(t, set, "appendRequirements alone leaves the stored list in place")
	require.Equal(t, []model.Regulation{model.RegulationHIPAA}, appended)
	cp = c.ComplianceProfile.UpdateOneID(1).SetInput(ent.UpdateComplianceProfileInput{
		Requirements: []model.Regulation{model.RegulationGDPR}, AppendRequirements: []model.Regulation{model.RegulationHIPAA}}).Mutation()
	reqs, _ := cp.Requirements()
	appended, _ = cp.AppendedRequirements()
	require.Equal(t, []model.Regulation{model.RegulationGDPR}, reqs)
	require.Equal(t, []model.Regulation{model.RegulationHIPAA}, appended)

	ex := c.Experiment.UpdateOneID(1).SetInput(ent.UpdateExperimentInput{AppendModels: []string{"c"}}).Mutation()
	_, set = ex.Models()
	models, _ := ex.AppendedModels()
	require.False(t, set)
	require.Equal(t, []string{"c"}, models)
	ex = c.Experiment.UpdateOneID(1).SetInput(ent.UpdateExperimentInput{Models: []string{"a", "b"}, AppendModels: []string{"c"}}).Mutation()
	set2, _ := ex.Models()
	models, _ = ex.AppendedModels()
	require.Equal(t, []string{"a", "b"}, set2)
	require.Equal(t, []string{"c"}, models)

	src, err := os.ReadFile("../ent/gql_mutation_input.go")
	require.NoError(t, err)
	var fields []string
	for _, m := range regexp.MustCompile(`(?m)^\s+(Append\w+)\s+\[\]`).FindAllStringSubmatch(string(src), -1) {
		fields = append(fields, m[1])
	}
	slices.Sort(fields)
	require.Equal(t, []string{"AppendModels", "AppendRequirements"}, fields,
		"a new append input: test it here and in TestAppendInputsAppend")
}
