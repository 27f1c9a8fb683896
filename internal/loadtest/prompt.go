package loadtest

import (
	"math/rand/v2"
	"strings"

	"github.com/modelarchitect/architect/internal/benchmark"
	"github.com/modelarchitect/architect/internal/providers"
)

// words are what synthetic prompts are made of: common English words, so a model reads them as text.
var words = strings.Fields(`time year people way day man thing woman life child world school state family
student group country problem hand part place case week company system program question work government number
night point home water room mother area money story fact month lot right study book eye job word business issue
side kind head house service friend father power hour game line end member law car city community name team
minute idea kid body information back parent face others level office door health person art war history party
result change morning reason research girl guy moment air teacher force education river garden window bread
light music paper market letter road stone field island bridge summer winter clock engine forest`)

// promptTail asks for a long answer, so that most requests use the output bound they are given; it comes last
// so that no two prompts share a prefix a server could cache.
const promptTail = "\nWrite a long story that uses every word above."

// syntheticPrompt is a prompt of about n tokens: random words to 4n bytes, the length benchmark.EstimateTokens
// counts as n tokens (OpenAI's rule of thumb of about 4 characters a token for English text). Tokenizers
// differ, so the server's count is near n, not exactly n; its usage data give the true input tokens.
func syntheticPrompt(rng *rand.Rand, n int) string {
	size := 4 * n
	tail := promptTail
	if size < 2*len(tail) {
		tail = "" // a short prompt is words only
	}
	body := size - len(tail)
	var b strings.Builder
	b.Grow(body + 16)
	for b.Len() < body {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
	}
	// Cut the last word to fit (ASCII only, so any cut is valid text); without a trailing space the prompt is
	// 4n or 4n − 1 bytes, n tokens either way.
	return strings.TrimRight(b.String()[:body], " ") + tail
}

// request is one request to send and its estimated input, for when the provider reports no usage.
type request struct {
	req      providers.Request
	estInput int64
}

// drawer draws each request's lengths and prompt from the plan's seed, in the order requests are sent.
type drawer struct {
	plan  Plan
	model string
	rng   *rand.Rand
}

func newDrawer(p Plan, model string) *drawer {
	return &drawer{plan: p, model: model, rng: rand.New(rand.NewPCG(uint64(uint64(p.Seed)), streamRequests))}
}

func (d *drawer) length(l Length) int {
	if l.Kind == LengthUniform {
		return l.Min + d.rng.IntN(l.Max-l.Min+1)
	}
	return l.Value
}

func (d *drawer) next() request {
	out := d.length(d.plan.OutputTokens)
	var prompt string
	if n := len(d.plan.Prompts); n > 0 {
		prompt = d.plan.Prompts[d.rng.IntN(n)]
	} else {
		prompt = syntheticPrompt(d.rng, d.length(d.plan.InputTokens))
	}
	return request{
		req:      providers.Request{Model: d.model, Prompt: prompt, MaxOutputTokens: out, RecordChunks: true},
		estInput: benchmark.EstimatePromptTokens("", prompt),
	}
}
