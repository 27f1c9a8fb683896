package benchmark

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/modelarchitect/architect/internal/evaluation"
)

// AssertJudge grades an answer with a judge model against a rubric (the item's Expected).
const AssertJudge Assertion = "JUDGE"

// JudgeConfig is a benchmark's judge: the model that grades its JUDGE items and how its answer is read.
type JudgeConfig struct {
	Model string `json:"model"` // provider/model, any configured provider
	// Choices maps the judge's classification answers to scores, with answers that match none counted in an
	// invalid bucket (OpenAI Evals' model-graded classify). Empty: the judge answers with the JSON object
	// {"reason": string, "score": number in [0, 1], "pass": boolean} (promptfoo's llm-rubric contract).
	Choices []JudgeChoice `json:"choices,omitempty"`
	// PassScore is the score at or above which a choice passes; 0 means 0.5. The JSON contract's pass decides
	// by itself. Pairwise: the score at or above which a comparison passes; 0 means 1 (a win).
	PassScore float64 `json:"passScore,omitempty"`
	// Pairwise, when set, asks the judge which of two answers is better — the model's or the item's expected
	// answer, the reference — instead of grading the model's answer against a rubric.
	Pairwise *Pairwise `json:"pairwise,omitempty"`
}

// Pairwise is a pairwise judge: shown the item's input and two answers, A first and B second, it names the
// better one (or a tie). The model's answer is A and the reference B; with SwapPositions the judge is asked again
// with the two swapped and both verdicts are combined by evaluation.CombineSwapped, so that a judge preferring a
// position rather than an answer yields a tie instead of a win.
type Pairwise struct {
	// Criteria says what makes one answer better than the other; empty: DefaultPairwiseCriteria.
	Criteria      string `json:"criteria,omitempty"`
	SwapPositions bool   `json:"swapPositions"`
}

// DefaultPairwiseCriteria is what a pairwise judge is asked when the benchmark names no criteria.
const DefaultPairwiseCriteria = "Which answer responds to the question better: more correct, more complete and clearer?"

// JudgeMaxOutputTokens bounds a judge's answer: a sentence of reason and a verdict, or a short chain of thought
// ending with its choice.
const JudgeMaxOutputTokens = 512

// CallsPerStep is how many judge calls grading one answer takes: 2 for a pairwise judge with swapped
// positions, 1 otherwise (0 when the verdicts are cached).
func (c JudgeConfig) CallsPerStep() int {
	if c.Pairwise != nil && c.Pairwise.SwapPositions {
		return 2
	}
	return 1
}

// JudgeChoice is one answer a classifying judge may give and its score in [0, 1].
type JudgeChoice struct {
	Answer string  `json:"answer"`
	Score  float64 `json:"score"`
}

// JudgeResult is a judge's grade of one answer.
type JudgeResult struct {
	Pass    bool
	Score   float64 // the verdict's score or the choice's; 0 when Invalid
	Reason  string  // the judge's reason (JSON contract), its choice, or why its answer was invalid
	Invalid bool    // the judge's answer kept neither the JSON contract nor a listed choice; the item does not pass
	Calls   int     // judge calls made: 0 when the verdict came from the cache
	Usage   Usage   // tokens of those calls
}

// Judge grades a JUDGE item's answer: a call to the judge model, or none when its verdict is cached. An error
// is a failed judge call (the item is then recorded with that error, or the run aborts when Abort says so).
type Judge interface {
	Grade(ctx context.Context, it Item, output string) (JudgeResult, error)
}

// Validate checks the judge's model id, its choices and pass score, returning a *ValidationError whose Field is
// under "judge".
func (c JudgeConfig) Validate() error {
	if p, m, ok := strings.Cut(c.Model, "/"); !ok || p == "" || m == "" {
		return &ValidationError{Field: "judge.model", Reason: fmt.Sprintf("%q must be written provider/model, e.g. openai/gpt-4.1-mini", c.Model)}
	}
	if math.IsNaN(c.PassScore) || c.PassScore < 0 || c.PassScore > 1 {
		return &ValidationError{Field: "judge.passScore", Reason: "must be in [0, 1]; 0 means 0.5"}
	}
	for i, ch := range c.Choices {
		if !(ch.Score >= 0 && ch.Score <= 1) {
			return &ValidationError{Field: fmt.Sprintf("judge.choices[%d].score", i), Reason: "must be in [0, 1]"}
		}
	}
	if len(c.Choices) > 0 {
		if _, err := c.choiceMap(); err != nil {
			return &ValidationError{Field: "judge.choices", Reason: err.Error()}
		}
	}
	if c.Pairwise != nil {
		if len(c.Choices) > 0 {
			return &ValidationError{Field: "judge.pairwise", Reason: "a pairwise judge answers A, B or TIE: leave choices empty"}
		}
		if p := TextProblem(c.Pairwise.Criteria); p != "" {
			return &ValidationError{Field: "judge.pairwise.criteria", Reason: "criteria " + p}
		}
	}
	return nil
}

func (c JudgeConfig) choiceMap() (evaluation.ChoiceMap, error) {
	m := make(map[string]float64, len(c.Choices))
	for _, ch := range c.Choices {
		if _, dup := m[ch.Answer]; dup {
			return evaluation.ChoiceMap{}, fmt.Errorf("answer %q is listed twice", ch.Answer)
		}
		m[ch.Answer] = ch.Score
	}
	return evaluation.NewChoiceMap(m)
}

// Prompt is what the judge is sent for one answer: a system message with the rubric and the answer format, and
// a user message with the item's input and the answer. It is part of the cache key, so a change of rubric,
// choices or wording is never answered from the cache.
func (c JudgeConfig) Prompt(rubric, input, output string) (system, user string) {
	var b strings.Builder
	b.WriteString("You grade an AI assistant's answer against a rubric. Judge only what the rubric asks.\n\nRubric:\n")
	b.WriteString(rubric)
	if len(c.Choices) == 0 {
		b.WriteString("\n\nReply with one JSON object and nothing else: " +
			`{"reason": "<one sentence>", "score": <number from 0 to 1>, "pass": <true or false>}`)
	} else {
		answers := make([]string, len(c.Choices))
		for i, ch := range c.Choices {
			answers[i] = ch.Answer
		}
		b.WriteString("\n\nThink briefly, then end with a last line of the form \"Answer: <choice>\", where <choice> is one of: ")
		b.WriteString(strings.Join(answers, ", "))
		b.WriteString(".")
	}
	return b.String(), "[Question]\n" + input + "\n\n[Answer]\n" + output
}

// PairwisePrompt is what a pairwise judge is sent for one order: the criteria and the answer format, and the
// item's input with the two answers, the model's output first when outputFirst and the reference first
// otherwise. It is part of the cache key, as Prompt is.
func (c JudgeConfig) PairwisePrompt(input, output, reference string, outputFirst bool) (system, user string) {
	criteria := DefaultPairwiseCriteria
	if c.Pairwise != nil && c.Pairwise.Criteria != "" {
		criteria = c.Pairwise.Criteria
	}
	system = "You compare two AI assistants' answers to the same question. Judge only what the criteria ask; " +
		"neither the order in which the answers are shown nor their length makes one better.\n\nCriteria:\n" + criteria +
		"\n\nThink briefly, then end with a last line \"Answer: A\" if answer A is better, \"Answer: B\" if answer B is " +
		"better, or \"Answer: TIE\" if neither is."
	a, b := output, reference
	if !outputFirst {
		a, b = reference, output
	}
	return system, "[Question]\n" + input + "\n\n[Answer A]\n" + a + "\n\n[Answer B]\n" + b
}

// ReadPairwise grades a pairwise judge's answers: answers[0] was given with the model's output shown first (A),
// answers[1], when positions are swapped, with the reference shown first. The output scores 1 when the judge
// prefers it, 0 when it prefers the reference and 0.5 for a tie; with swapped positions a winner needs both
// orders to agree (evaluation.CombineSwapped), so a judge that picked the same position twice yields a tie and
// says so. It passes at PassScore or above (a win when 0). An answer naming neither A, B nor TIE is Invalid.
func (c JudgeConfig) ReadPairwise(answers []string) JudgeResult {
	if len(answers) != c.CallsPerStep() {
		return JudgeResult{Invalid: true, Reason: fmt.Sprintf("invalid judge answer: %d answers for %d positions", len(answers), c.CallsPerStep())}
	}
	orders := []string{"with the answer first", "with the reference first"}
	pos := make([]evaluation.Position, len(answers))
	for i, a := range answers {
		p, err := evaluation.ParsePosition(a)
		if err != nil {
			return JudgeResult{Invalid: true, Reason: fmt.Sprintf("%s (asked %s)", err, orders[i])}
		}
		pos[i] = p
	}
	var (
		win            evaluation.Winner
		reason, suffix string
	)
	if len(pos) == 1 {
		win = map[evaluation.Position]evaluation.Winner{evaluation.First: evaluation.WinnerA,
			evaluation.Second: evaluation.WinnerB, evaluation.Tie: evaluation.WinnerTie}[pos[0]]
	} else {
		pw, err := evaluation.CombineSwapped(pos[0], pos[1])
		if err != nil {
			return JudgeResult{Invalid: true, Reason: err.Error()}
		}
		win = pw.Winner
		switch {
		case pw.Consistent:
			suffix = " in both orders"
		case pw.PositionBiased:
			reason = fmt.Sprintf("the judge preferred the answer shown %s in both orders (position bias): counted as a tie", positionName(pos[0]))
		default:
			reason = "the two orders disagree: counted as a tie"
		}
	}
	var score float64
	switch win {
	case evaluation.WinnerA:
		score = 1
		reason = cmp.Or(reason, "the judge preferred the answer to the reference"+suffix)
	case evaluation.WinnerB:
		reason = cmp.Or(reason, "the judge preferred the reference"+suffix)
	default:
		score = 0.5
		reason = cmp.Or(reason, "the judge found the answer and the reference equally good"+suffix)
	}
	pass := c.PassScore
	if pass == 0 {
		pass = 1
	}
	return JudgeResult{Pass: score >= pass, Score: score, Reason: reason}
}

func positionName(p evaluation.Position) string {
	if p == evaluation.Second {
		return "second"
	}
	return "first"
}

// Read grades the judge's answer text: the JSON contract's verdict, or the listed choice on its last line.
// An answer that keeps neither is Invalid and does not pass.
func (c JudgeConfig) Read(answer string) JudgeResult {
	if len(c.Choices) == 0 {
		v, err := evaluation.ParseJudgeVerdict(answer)
		if err != nil {
			return JudgeResult{Invalid: true, Reason: err.Error()}
		}
		return JudgeResult{Pass: v.Pass, Score: v.Score, Reason: v.Reason}
	}
	m, err := c.choiceMap()
	if err != nil {
		return JudgeResult{Invalid: true, Reason: err.Error()}
	}
	cl := m.Classify(answer)
	if cl.Invalid {
		return JudgeResult{Invalid: true, Reason: fmt.Sprintf("invalid judge answer: the last line names none of the choices (%s)", evaluation.InvalidChoice)}
	}
	pass := c.PassScore
	if pass == 0 {
		pass = 0.5
	}
	return JudgeResult{Pass: cl.Score >= pass, Score: cl.Score, Reason: "judge chose " + cl.Choice}
}
