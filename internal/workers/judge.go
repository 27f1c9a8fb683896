package workers

import (
	"context"
	"strconv"
	"time"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/judgeanswer"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/evaluation"
	"github.com/modelarchitect/architect/internal/providers"
)

// judgeMaxOutputTokens bounds a judge's answer: a sentence of reason and a verdict, or a short chain of thought
// ending with its choice.
const judgeMaxOutputTokens = 512

// judge grades JUDGE answers with a benchmark's judge model, answering from the owner's cache (JudgeAnswer)
// when the same prompt, input, output and judge model were graded before. Its calls run inside the answering
// task's limiter slot, so a judge on the same provider cannot wait on slots its own tasks hold.
type judge struct {
	d        *Deps
	owner    int
	cfg      benchmark.JudgeConfig
	client   providers.Client
	model    string // the judge's name at its provider
	provider string
}

func (j *judge) Grade(ctx context.Context, it benchmark.Item, output string) (benchmark.JudgeResult, error) {
	instructions, prompt := j.cfg.Prompt(it.Expected, it.Input, output)
	key := evaluation.CacheKey(evaluation.JudgeRequest{Owner: strconv.Itoa(j.owner), Rubric: instructions,
		Input: it.Input, Output: output, JudgeModel: j.cfg.Model})
	sys, c := system(ctx), j.d.Client
	cached, err := c.JudgeAnswer.Query().Where(judgeanswer.OwnerID(j.owner), judgeanswer.Key(key)).Only(sys)
	switch {
	case err == nil:
		return j.cfg.Read(cached.Answer), nil
	case !ent.IsNotFound(err):
		return benchmark.JudgeResult{}, err
	}
	start := time.Now()
	res, err := j.client.Complete(ctx, providers.Request{Model: j.model, System: instructions, Prompt: prompt,
		MaxOutputTokens: judgeMaxOutputTokens})
	if j.d.ProviderCall != nil {
		j.d.ProviderCall(j.provider, string(providers.OutcomeOf(err)), time.Since(start))
	}
	usage := benchmark.Usage{InputTokens: int64(res.InputTokens), OutputTokens: int64(res.OutputTokens),
		CachedTokens: int64(res.CachedTokens), ReasoningTokens: int64(res.ReasoningTokens)}
	if err != nil {
		return benchmark.JudgeResult{Calls: 1, Usage: usage}, err
	}
	// Of two chunks grading the same answer at once, the first to store it wins; both verdicts read the same.
	err = c.JudgeAnswer.Create().SetOwnerID(j.owner).SetKey(key).SetJudgeModel(j.cfg.Model).SetAnswer(res.Text).
		SetInputTokens(usage.InputTokens).SetOutputTokens(usage.OutputTokens).
		OnConflictColumns(judgeanswer.FieldOwnerID, judgeanswer.FieldKey).DoNothing().Exec(sys)
	if err != nil {
		return benchmark.JudgeResult{Calls: 1, Usage: usage}, err
	}
	r := j.cfg.Read(res.Text)
	r.Calls, r.Usage = 1, usage
	return r, nil
}
