package benchmark

import (
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
	// by itself.
	PassScore float64 `json:"passScore,omitempty"`
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
