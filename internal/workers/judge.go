package workers

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/modelarchitect/architect/ent"
	"github.com/modelarchitect/architect/ent/judgeanswer"
	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/evaluation"
	"github.com/modelarchitect/architect/internal/providers"
)

// judge grades JUDGE answers with a benchmark's judge model, answering from the owner's cache (JudgeAnswer)
// when the same prompt, input, output and judge model were graded before (for a pairwise judge: the same
// reference and order too). Its calls run inside the answering task's limiter slot, so a judge on the same
// provider cannot wait on slots its own tasks hold.
type judge struct {
	d        *Deps
	owner    int
	cfg      benchmark.JudgeConfig
	client   providers.Client
	model    string // the judge's name at its provider
	provider string
}

func (j *judge) Grade(ctx context.Context, it benchmark.Item, output string) (benchmark.JudgeResult, error) {
	if j.cfg.Pairwise == nil {
		instructions, prompt := j.cfg.Prompt(it.Expected, it.Input, output)
		var r benchmark.JudgeResult
		text, err := j.ask(ctx, &r, instructions, prompt, evaluation.JudgeRequest{Rubric: instructions, Input: it.Input, Output: output})
		if err != nil {
			return r, err
		}
		read := j.cfg.Read(text)
		read.Calls, read.Usage = r.Calls, r.Usage
		return read, nil
	}
	// Pairwise: the item's expected answer is the reference; the output is shown first, then (with swapped
	// positions) second.
	var (
		r       benchmark.JudgeResult
		answers []string
	)
	for i := range j.cfg.CallsPerStep() {
		first, pos := i == 0, evaluation.First
		if !first {
			pos = evaluation.Second
		}
		instructions, prompt := j.cfg.PairwisePrompt(it.Input, output, it.Expected, first)
		text, err := j.ask(ctx, &r, instructions, prompt, evaluation.JudgeRequest{Rubric: instructions, Input: it.Input,
			Output: output, Reference: it.Expected, Position: pos})
		if err != nil {
			return r, err
		}
		answers = append(answers, text)
	}
	read := j.cfg.ReadPairwise(answers)
	read.Calls, read.Usage = r.Calls, r.Usage
	return read, nil
}

// ask returns the judge's answer to one prompt, from the owner's cache under req's key (req's Owner and
// JudgeModel are filled in here) or from a call, whose count and tokens it adds to acc.
func (j *judge) ask(ctx context.Context, acc *benchmark.JudgeResult, instructions, prompt string, req evaluation.JudgeRequest) (string, error) {
	req.Owner, req.JudgeModel = strconv.Itoa(j.owner), j.cfg.Model
	key := evaluation.CacheKey(req)
	sys, c := system(ctx), j.d.Client
	cached, err := c.JudgeAnswer.Query().Where(judgeanswer.OwnerID(j.owner), judgeanswer.Key(key)).Only(sys)
	switch {
	case err == nil:
		return cached.Answer, nil
	case !ent.IsNotFound(err):
		return "", err
	}
	start := time.Now()
	res, err := j.client.Complete(ctx, providers.Request{Model: j.model, System: instructions, Prompt: prompt,
		MaxOutputTokens: benchmark.JudgeMaxOutputTokens})
	if j.d.ProviderCall != nil {
		j.d.ProviderCall(j.provider, string(providers.OutcomeOf(err)), time.Since(start))
	}
	acc.Calls++
	acc.Usage.InputTokens += int64(res.InputTokens)
	acc.Usage.OutputTokens += int64(res.OutputTokens)
	acc.Usage.CachedTokens += int64(res.CachedTokens)
	acc.Usage.ReasoningTokens += int64(res.ReasoningTokens)
	if err != nil {
		return "", err
	}
	// Of two chunks grading the same answer at once, the first to store the answer in the cache wins; each
	// chunk keeps the verdict of its own call.
	err = c.JudgeAnswer.Create().SetOwnerID(j.owner).SetKey(key).SetJudgeModel(j.cfg.Model).SetAnswer(res.Text).
		SetInputTokens(int64(res.InputTokens)).SetOutputTokens(int64(res.OutputTokens)).
		OnConflictColumns(judgeanswer.FieldOwnerID, judgeanswer.FieldKey).DoNothing().Exec(sys)
	if err != nil && !errors.Is(err, sql.ErrNoRows) { // the other chunk's insert won: ent finds no returned row
		return "", err
	}
	return res.Text, nil
}
