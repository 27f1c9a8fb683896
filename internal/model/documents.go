package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/catalog"
	"github.com/modelarchitect/architect/internal/compliance"
	"github.com/modelarchitect/architect/internal/deployment"
	"github.com/modelarchitect/architect/internal/experiment"
	"github.com/modelarchitect/architect/internal/pipeline"
	"github.com/modelarchitect/architect/internal/simulation"
)

// ScenarioConfig is a Scenario's workload. The first three fields are the original brief's; the rest refine
// it for the simulation (zero values mean the engine's defaults).
type ScenarioConfig struct {
	TaskComplexity       Complexity       `json:"taskComplexity"`
	DataVolume           int              `json:"dataVolume"`      // requests per day
	ResponseTimeSLA      int              `json:"responseTimeSLA"` // milliseconds at SLAPercentile; 0: no SLA
	SLAPercentile        float64          `json:"slaPercentile,omitempty"`
	InputTokens          int              `json:"inputTokens"`
	OutputTokens         int              `json:"outputTokens"`
	CachedInputFraction  float64          `json:"cachedInputFraction,omitempty"`
	CacheWriteFraction   float64          `json:"cacheWriteFraction,omitempty"`
	CacheWriteHour       bool             `json:"cacheWriteHour,omitempty"`
	ReasoningTokens      int              `json:"reasoningTokens,omitempty"`
	PeakFactor           float64          `json:"peakFactor,omitempty"`
	MonthlyBudget        *decimal.Decimal `json:"monthlyBudget,omitempty"` // US dollars per month
	DataRegions          []string         `json:"dataRegions,omitempty"`
	RequiredCapabilities []string         `json:"requiredCapabilities,omitempty"`
	RequiredAttestations []string         `json:"requiredAttestations,omitempty"`
	Candidates           []string         `json:"candidates,omitempty"`
	MinAccuracy          *float64         `json:"minAccuracy,omitempty"`
}

// ScenarioResults is what a simulation computed for a Scenario, and when.
type ScenarioResults struct {
	ComputedAt time.Time `json:"computedAt"`
	simulation.Result
}

// StaleReason says why results no longer reflect what a simulation would compute now ("" when they do): the
// catalog they were computed on (catalogVersion) or the engine (simulation.EngineVersion) changed since.
func (r *ScenarioResults) StaleReason(catalogVersion string) string {
	switch {
	case r == nil:
		return ""
	case r.EngineVersion != simulation.EngineVersion:
		return fmt.Sprintf("computed by simulation engine %q; the current one is %q", r.EngineVersion, simulation.EngineVersion)
	case r.CatalogVersion != catalogVersion:
		return fmt.Sprintf("computed on catalog %s; the current one is %s", r.CatalogVersion, catalogVersion)
	}
	return ""
}

// Dataset is a benchmark's items (see internal/benchmark). A named type here keeps ent's generated code from
// importing a package named benchmark, which would clash with its own.
type Dataset []benchmark.Item

// BenchmarkJudge is a benchmark's judge model and how its answers are read (benchmark.JudgeConfig), named here
// for the same reason as Dataset.
type BenchmarkJudge benchmark.JudgeConfig

// BenchmarkResults holds each model's score on a finished benchmark.
type BenchmarkResults struct {
	ComputedAt time.Time         `json:"computedAt"`
	Models     []benchmark.Score `json:"models"`
}

// ComplianceContext is what a compliance assessment needs besides the requirements: the use case (a preset
// and/or its facts), the data, where and by which model it is processed, and which controls are in place
// (false: not confirmed). Fields added after the first version are omitted from the JSON when empty, so that
// profiles stored before them read back unchanged.
type ComplianceContext struct {
	DataCategories []compliance.DataCategory `json:"dataCategories"`
	UseCase        string                    `json:"useCase"` // a preset id, or a label for a use case described by its facts

	Sector                   *compliance.Sector                  `json:"sector,omitempty"`
	Purposes                 []compliance.Purpose                `json:"purposes,omitempty"`
	Roles                    []compliance.Role                   `json:"roles,omitempty"`
	InteractsWithPeople      bool                                `json:"interactsWithPeople,omitempty"`
	GeneratesContent         bool                                `json:"generatesContent,omitempty"`
	Deepfakes                bool                                `json:"deepfakes,omitempty"`
	PublicInterestText       bool                                `json:"publicInterestText,omitempty"`
	AtWorkplace              bool                                `json:"atWorkplace,omitempty"`
	InEducation              bool                                `json:"inEducation,omitempty"`
	PublicAuthority          bool                                `json:"publicAuthority,omitempty"`
	PublicService            bool                                `json:"publicService,omitempty"`
	Profiling                bool                                `json:"profiling,omitempty"`
	RegulatedProduct         bool                                `json:"regulatedProduct,omitempty"`
	MedicalOrSafetyReason    bool                                `json:"medicalOrSafetyReason,omitempty"`
	AnnexIIIDerogation       bool                                `json:"annexIIIDerogation,omitempty"`
	SpecialCategoryCondition compliance.SpecialCategoryCondition `json:"specialCategoryCondition,omitempty"`

	Provider                string `json:"provider"`
	Region                  string `json:"region"`
	Model                   string `json:"model"` // catalog model id
	SelfHosted              bool   `json:"selfHosted"`
	AutomatedDecisions      bool   `json:"automatedDecisions"`
	HumanOversight          bool   `json:"humanOversight"`
	Logging                 bool   `json:"logging"`
	PIIMasking              bool   `json:"piiMasking"`
	PaymentCardMasking      bool   `json:"paymentCardMasking"`
	EncryptionInTransit     bool   `json:"encryptionInTransit"`
	AccessControls          bool   `json:"accessControls"`
	RiskManagement          bool   `json:"riskManagement"`
	ConformityAssessment    bool   `json:"conformityAssessment"`
	DPIA                    bool   `json:"dpia"`
	DPA                     bool   `json:"dpa"`
	BAASigned               bool   `json:"baaSigned"`
	ServiceProviderContract bool   `json:"serviceProviderContract"`
	AIDisclosure            bool   `json:"aiDisclosure"`
	ParentalConsent         bool   `json:"parentalConsent"`
	DataGovernance          bool   `json:"dataGovernance,omitempty"`
	TechnicalDocumentation  bool   `json:"technicalDocumentation,omitempty"`
	InstructionsForUse      bool   `json:"instructionsForUse,omitempty"`
	AccuracyRobustness      bool   `json:"accuracyRobustness,omitempty"`
	QualityManagement       bool   `json:"qualityManagement,omitempty"`
	Registered              bool   `json:"registered,omitempty"`
	Monitoring              bool   `json:"monitoring,omitempty"`
	WorkersInformed         bool   `json:"workersInformed,omitempty"`
	AffectedPersonsInformed bool   `json:"affectedPersonsInformed,omitempty"`
	FRIA                    bool   `json:"fria,omitempty"`
	ContentMarking          bool   `json:"contentMarking,omitempty"`
	AILiteracy              bool   `json:"aiLiteracy,omitempty"`
	DerogationDocumented    bool   `json:"derogationDocumented,omitempty"`

	RetentionDays     int                          `json:"retentionDays"`
	TransferMechanism compliance.TransferMechanism `json:"transferMechanism"`
}

// Assessment is the compliance engine's input for these requirements in this context, with the model
// looked up by the caller (nil when it is not in the catalog).
func (c ComplianceContext) Assessment(reqs []Regulation, m *catalog.Model) compliance.Assessment {
	rs := make([]compliance.Requirement, len(reqs))
	for i, r := range reqs {
		rs[i] = compliance.Requirement(r)
	}
	a := compliance.Assessment{
		Requirements: rs, DataCategories: c.DataCategories, UseCase: c.UseCase, Roles: c.Roles, Provider: c.Provider,
		Region: c.Region, Model: m, SelfHosted: c.SelfHosted, AutomatedDecisions: c.AutomatedDecisions,
		MedicalOrSafetyReason: c.MedicalOrSafetyReason, AnnexIIIDerogation: c.AnnexIIIDerogation,
		SpecialCategoryCondition: c.SpecialCategoryCondition,
		HumanOversight:           c.HumanOversight, Logging: c.Logging, PIIMasking: c.PIIMasking, PaymentCardMasking: c.PaymentCardMasking,
		EncryptionInTransit: c.EncryptionInTransit, AccessControls: c.AccessControls, RiskManagement: c.RiskManagement,
		ConformityAssessment: c.ConformityAssessment, DPIA: c.DPIA, DPA: c.DPA, BAASigned: c.BAASigned,
		ServiceProviderContract: c.ServiceProviderContract, AIDisclosure: c.AIDisclosure, ParentalConsent: c.ParentalConsent,
		DataGovernance: c.DataGovernance, TechnicalDocumentation: c.TechnicalDocumentation, InstructionsForUse: c.InstructionsForUse,
		AccuracyRobustness: c.AccuracyRobustness, QualityManagement: c.QualityManagement, Registered: c.Registered,
		Monitoring: c.Monitoring, WorkersInformed: c.WorkersInformed, AffectedPersonsInformed: c.AffectedPersonsInformed,
		FRIA: c.FRIA, ContentMarking: c.ContentMarking, AILiteracy: c.AILiteracy, DerogationDocumented: c.DerogationDocumented,
		RetentionDays: c.RetentionDays, TransferMechanism: c.TransferMechanism,
	}
	a.UseCaseFacts = compliance.UseCaseFacts{
		Purposes: c.Purposes, InteractsWithPeople: c.InteractsWithPeople, GeneratesContent: c.GeneratesContent,
		Deepfakes: c.Deepfakes, PublicInterestText: c.PublicInterestText, AtWorkplace: c.AtWorkplace, InEducation: c.InEducation,
		PublicAuthority: c.PublicAuthority, PublicService: c.PublicService, Profiling: c.Profiling, RegulatedProduct: c.RegulatedProduct,
	}
	if c.Sector != nil {
		a.Sector = *c.Sector
	}
	return a
}

// Assess assesses the requirements in this context with the rules, the context's model looked up in the
// catalog: a model the catalog lacks is assessed as unknown (the rules report it), not refused.
func (c ComplianceContext) Assess(rules *compliance.RuleSet, cat *catalog.Catalog, reqs []Regulation) (compliance.Result, error) {
	var m *catalog.Model
	if c.Model != "" {
		found, err := cat.Model(c.Model)
		switch {
		case err == nil:
			m = &found
		case !errors.Is(err, catalog.ErrNotFound):
			return compliance.Result{}, err
		}
	}
	return rules.Assess(c.Assessment(reqs, m))
}

// ExperimentMetrics names an experiment's primary and secondary metrics.
type ExperimentMetrics struct {
	Primary   MetricSpec   `json:"primary"`
	Secondary []MetricSpec `json:"secondary"`
}

// MetricSpec is one experiment metric.
type MetricSpec struct {
	Name          string     `json:"name"`
	Kind          MetricKind `json:"kind"`
	LowerIsBetter bool       `json:"lowerIsBetter,omitempty"` // latency, cost, error rate
	// Scale is the scale the metric's significance is stated on; stored specs without one are ABSOLUTE.
	Scale experiment.Scale `json:"scale,omitempty"`
}

// UnmarshalJSON reads a stored spec; specs saved before scales existed state significance on the absolute
// scale, as they were analysed then.
func (s *MetricSpec) UnmarshalJSON(b []byte) error {
	type plain MetricSpec
	if err := json.Unmarshal(b, (*plain)(s)); err != nil {
		return err
	}
	if s.Scale == "" {
		s.Scale = experiment.ScaleAbsolute
	}
	return nil
}

// ExperimentPlan is how an experiment is meant to run: the control, the planned split, and what it must be
// able to detect. Zero values take the defaults (first model, equal split, 95 % confidence, 80 % power).
type ExperimentPlan struct {
	Control                 string    `json:"control,omitempty"` // a model of the experiment
	Split                   []float64 `json:"split,omitempty"`   // planned traffic weights, one per model, any positive scale
	MinimumDetectableEffect float64   `json:"minimumDetectableEffect,omitempty"`
	Relative                bool      `json:"relative,omitempty"` // the effect is relative to the baseline (binary metrics)
	Baseline                *float64  `json:"baseline,omitempty"` // control conversion rate of a binary primary metric
	StdDev                  *float64  `json:"stdDev,omitempty"`   // standard deviation of a continuous primary metric
	ConfidenceLevel         float64   `json:"confidenceLevel,omitempty"`
	Power                   float64   `json:"power,omitempty"`
	// Mode is how the results are analysed, fixed once the experiment has started; stored plans without one
	// are fixed-horizon.
	Mode experiment.Mode `json:"mode,omitempty"`
	// SequentialTuning is N* of the confidence sequences (SEQUENTIAL mode); nil means
	// experiment.DefaultSequentialTuning.
	SequentialTuning *float64 `json:"sequentialTuning,omitempty"`
	// Bandit, when set, makes the experiment a Thompson-sampling bandit; fixed once it has started.
	Bandit *BanditPlan `json:"bandit,omitempty"`
}

// UnmarshalJSON reads a stored plan; plans saved before modes existed are fixed-horizon.
func (p *ExperimentPlan) UnmarshalJSON(b []byte) error {
	type plain ExperimentPlan
	if err := json.Unmarshal(b, (*plain)(p)); err != nil {
		return err
	}
	if p.Mode == "" {
		p.Mode = experiment.ModeFixedHorizon
	}
	return nil
}

// ExperimentResults is the analysis of an experiment's observations, and when it was made.
type ExperimentResults struct {
	ComputedAt time.Time `json:"computedAt"`
	experiment.Result
	// Bandit is a bandit's weight history; nil for a fixed split.
	Bandit *BanditState `json:"bandit,omitempty"`
	// CUPED is the covariate-adjusted analysis of each continuous metric with covariate data, in the metrics'
	// order; empty when no recording carries a covariate.
	CUPED []CUPEDMetric `json:"cuped,omitempty"`
}

// CUPEDMetric is one metric's CUPED comparisons, one per treatment.
type CUPEDMetric struct {
	Metric      string
	Comparisons []CUPEDComparison
}

// CUPEDComparison is one treatment against the control with CUPED, beside the raw comparison.
type CUPEDComparison struct {
	Variant string
	experiment.CUPEDResult
}

// ObservationCovariate is a continuous recording split by pre-experiment covariate, for CUPED: the sums of the
// units with a covariate and of those without (experiment.CUPEDArm; a named type because ent generates a
// package called experiment).
type ObservationCovariate experiment.CUPEDArm

// ExperimentHealth is the health of an experiment's data as of its last analysis.
type ExperimentHealth struct {
	CheckedAt time.Time
	experiment.Health
}

// HealthReport is the health verdict of the results, as of when they were computed; nil without results.
func (r *ExperimentResults) HealthReport() *ExperimentHealth {
	if r == nil {
		return nil
	}
	return &ExperimentHealth{CheckedAt: r.ComputedAt, Health: r.Health}
}

// SequentialSettings are the settings of SEQUENTIAL analysis the results were computed with; nil in
// fixed-horizon mode.
func (r *ExperimentResults) SequentialSettings() *experiment.Sequential {
	if r.Mode != experiment.ModeSequential {
		return nil
	}
	return &r.Sequential
}

// legacyNote explains the figures of results stored before per-scale p-values existed.
const legacyNote = "computed by an earlier version without per-scale p-values: the absolute lift's p-value is the comparison's " +
	"(the pooled z-test for a binary metric) and the relative lift has none (shown as 1); the next recording recomputes the results"

// UnmarshalJSON reads stored results. Results stored before modes, scales and per-scale p-values existed
// (no mode) were fixed-horizon on the absolute scale; their lifts get the figures that version computed and
// a note, so that no field shows a p-value it never had.
func (r *ExperimentResults) UnmarshalJSON(b []byte) error {
	type plain ExperimentResults
	if err := json.Unmarshal(b, (*plain)(r)); err != nil {
		return err
	}
	if r.Health.Status == "" { // stored before health existed: judge the stored SRM check alone
		r.Health = experiment.CheckHealth(r.SRM, r.Primary, nil)
	}
	if r.Mode != "" {
		return nil
	}
	r.Mode = experiment.ModeFixedHorizon
	legacy := func(m *experiment.MetricResult) {
		m.Scale = experiment.ScaleAbsolute
		for i := range m.Comparisons {
			c := &m.Comparisons[i]
			c.Scale, c.Mode = experiment.ScaleAbsolute, experiment.ModeFixedHorizon
			if m.Kind == experiment.KindBinary {
				c.PooledZ, c.PooledPValue = c.Statistic, c.PValue
			} else {
				c.PooledPValue = 1
			}
			for _, l := range []*experiment.Lift{c.Absolute, c.Relative} {
				if l != nil {
					l.PValue, l.AdjustedPValue, l.AdjustedLower, l.AdjustedUpper = 1, 1, l.Lower, l.Upper
				}
			}
			if c.Absolute != nil {
				c.Absolute.PValue, c.Absolute.AdjustedPValue = c.PValue, c.AdjustedPValue
			}
			c.Notes = append(c.Notes, legacyNote)
		}
	}
	legacy(&r.Primary)
	for i := range r.Secondary {
		legacy(&r.Secondary[i])
	}
	return nil
}

// DeploymentConfig holds a Deployment's settings: where it runs and what it must serve.
type DeploymentConfig struct {
	Endpoint     *string                `json:"endpoint,omitempty"`     // SELF_HOSTED: base URL of an OpenAI-compatible server
	InstanceType *string                `json:"instanceType,omitempty"` // GPU instance type, e.g. g5.xlarge
	Replicas     *int                   `json:"replicas,omitempty"`
	Throughput   *deployment.Throughput `json:"throughput,omitempty"` // peak load to size the deployment for
	LatencySLAMs *float64               `json:"latencySlaMs,omitempty"`
	// SLAPercentile is the percentile LatencySLAMs holds at (50–99.9); nil: 95.
	SLAPercentile *float64 `json:"slaPercentile,omitempty"`
	// KVBytesPerToken is the model's KV-cache size per token, for sizing from Throughput; nil: the default.
	KVBytesPerToken *int64 `json:"kvBytesPerToken,omitempty"`
}

// DeploymentPlan is the priced plan a Deployment was created with (see internal/deployment). A named type
// here keeps ent's generated code from importing a package named deployment, which would clash with its own.
type DeploymentPlan deployment.Plan

// Pipeline documents are named types over the engine's (internal/pipeline) so that ent's generated code
// imports this package only (an imported package named pipeline would clash with ent's own).
type (
	PipelineNodes    []pipeline.Node
	PipelineEdges    []pipeline.Edge
	PipelineProblems []pipeline.Problem
	PipelinePlan     pipeline.Plan
)

// CreatePipeline is what a client sends to create a Pipeline.
type CreatePipeline struct {
	Name        string          `json:"name"`
	Description *string         `json:"description"`
	Nodes       []pipeline.Node `json:"nodes"`
	Edges       []pipeline.Edge `json:"edges"`
}

// UpdatePipeline is what a client sends to change a Pipeline; nil fields keep their values.
type UpdatePipeline struct {
	Name        *string         `json:"name"`
	Description *string         `json:"description"`
	Nodes       []pipeline.Node `json:"nodes"`
	Edges       []pipeline.Edge `json:"edges"`
}
