package evaluation

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// JudgeVerdict is a model-graded judge's answer in promptfoo's llm-rubric shape:
// {"reason": string, "score": number in [0, 1], "pass": boolean}.
type JudgeVerdict struct {
	Reason string
	Score  float64
	Pass   bool
}

// ErrInvalidJudgeAnswer is matched (errors.Is) by every *JudgeAnswerError.
var ErrInvalidJudgeAnswer = errors.New("invalid judge answer")

// JudgeAnswerError reports a judge answer that does not keep the JSON contract. Field is "answer" when no
// JSON object was found, otherwise the offending key. Count such answers as invalid, never as a fail.
type JudgeAnswerError struct {
	Field  string
	Reason string
}

func (e *JudgeAnswerError) Error() string {
	return fmt.Sprintf("invalid judge answer: %s: %s", e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidJudgeAnswer) true.
func (e *JudgeAnswerError) Is(target error) bool { return target == ErrInvalidJudgeAnswer }

const judgeContract = `answer with one JSON object {"reason": string, "score": number in [0, 1], "pass": boolean}`

// maxObjectStarts bounds how many "{" positions ParseJudgeVerdict tries in prose, so that a long answer full of
// braces costs linear time.
const maxObjectStarts = 64

// ParseJudgeVerdict reads a judge's answer. The JSON object may be the whole answer, sit in a ``` or ```json
// fence, or be surrounded by prose; the first candidate that parses as a JSON object is used. "pass" (a
// boolean) and "score" (a number in [0, 1]) are required, "reason" is optional; other keys are ignored.
func ParseJudgeVerdict(answer string) (JudgeVerdict, error) {
	obj, err := findObject(answer)
	if err != nil {
		return JudgeVerdict{}, err
	}
	var v JudgeVerdict
	raw, ok := obj["pass"]
	if !ok || isNull(raw) {
		return JudgeVerdict{}, &JudgeAnswerError{"pass", "is missing; " + judgeContract}
	}
	if err := json.Unmarshal(raw, &v.Pass); err != nil {
		return JudgeVerdict{}, &JudgeAnswerError{"pass", fmt.Sprintf("%s is not a boolean; %s", raw, judgeContract)}
	}
	raw, ok = obj["score"]
	if !ok || isNull(raw) {
		return JudgeVerdict{}, &JudgeAnswerError{"score", "is missing; " + judgeContract}
	}
	if err := json.Unmarshal(raw, &v.Score); err != nil {
		return JudgeVerdict{}, &JudgeAnswerError{"score", fmt.Sprintf("%s is not a number; %s", raw, judgeContract)}
	}
	if !(v.Score >= 0 && v.Score <= 1) {
		return JudgeVerdict{}, &JudgeAnswerError{"score", fmt.Sprintf("%s is outside [0, 1]; %s", raw, judgeContract)}
	}
	if raw, ok = obj["reason"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &v.Reason); err != nil {
			return JudgeVerdict{}, &JudgeAnswerError{"reason", fmt.Sprintf("%s is not a string; %s", raw, judgeContract)}
		}
	}
	return v, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// findObject returns the first JSON object of the answer: the whole text, then each fenced block, then the
// first value that decodes from a "{" in the prose.
func findObject(answer string) (map[string]json.RawMessage, error) {
	candidates := append([]string{strings.TrimSpace(answer)}, fencedBlocks(answer)...)
	for _, c := range candidates {
		var obj map[string]json.RawMessage // fresh each time: Unmarshal would merge into a used map
		if json.Unmarshal([]byte(c), &obj) == nil && obj != nil {
			return obj, nil
		}
	}
	var firstErr error
	rest, tried := answer, 0
	for tried < maxObjectStarts {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		tried++
		var obj map[string]json.RawMessage
		err := json.NewDecoder(strings.NewReader(rest[i:])).Decode(&obj)
		if err == nil && obj != nil {
			return obj, nil
		}
		if firstErr == nil {
			firstErr = err
		}
		rest = rest[i+1:]
	}
	if firstErr != nil {
		return nil, &JudgeAnswerError{"answer", fmt.Sprintf("holds no well-formed JSON object (%v); %s", firstErr, judgeContract)}
	}
	return nil, &JudgeAnswerError{"answer", "holds no JSON object; " + judgeContract}
}

// fencedBlocks returns the contents of the ``` fences of s, without the language tag of the opening fence.
func fencedBlocks(s string) []string {
	const fence = "```"
	var blocks []string
	for {
		start := strings.Index(s, fence)
		if start < 0 {
			return blocks
		}
		body := s[start+len(fence):]
		end := strings.Index(body, fence)
		if end < 0 {
			return blocks
		}
		block := body[:end]
		if nl := strings.IndexByte(block, '\n'); nl >= 0 && !strings.ContainsAny(block[:nl], "{[") {
			block = block[nl+1:] // drop "json" or another language tag
		}
		blocks = append(blocks, strings.TrimSpace(block))
		s = body[end+len(fence):]
	}
}

// InvalidChoice is the choice of an answer that matches none of a ChoiceMap's choices, as OpenAI Evals'
// model-graded classify reports "__invalid__" (evals/elsuite/modelgraded/classify_utils.py).
const InvalidChoice = "__invalid__"

// ChoiceMap maps a judge's classification answers ("Yes", "No", "A", …) to scores.
type ChoiceMap struct {
	choices []string // as given
	scores  []float64
}

// NewChoiceMap checks a choice→score map: at least one choice, choices non-empty, without line breaks or
// colons, distinct ignoring case and not InvalidChoice; scores finite.
func NewChoiceMap(scores map[string]float64) (ChoiceMap, error) {
	if len(scores) == 0 {
		return ChoiceMap{}, invalid("choiceScores", "is empty; map each answer the judge may give to a score, e.g. {\"Yes\": 1, \"No\": 0}")
	}
	var m ChoiceMap
	keys := make([]string, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	seen := make(map[string]string, len(keys))
	for _, k := range keys {
		f := fmt.Sprintf("choiceScores[%q]", k)
		norm := strings.ToLower(k)
		switch {
		case strings.TrimSpace(k) != k || k == "":
			return ChoiceMap{}, invalid(f, "a choice must be non-empty text without surrounding spaces")
		case strings.ContainsAny(k, "\r\n:"):
			return ChoiceMap{}, invalid(f, "a choice cannot hold a line break or a colon; the answer is read from the text after the last colon of its last line")
		case norm == InvalidChoice:
			return ChoiceMap{}, invalid(f, "%q is reserved for answers that match no choice", InvalidChoice)
		case seen[norm] != "":
			return ChoiceMap{}, invalid(f, "differs from %q only in case; answers are matched ignoring case", seen[norm])
		case math.IsNaN(scores[k]) || math.IsInf(scores[k], 0):
			return ChoiceMap{}, invalid(f, "score %v is not a finite number", scores[k])
		}
		seen[norm] = k
		m.choices = append(m.choices, k)
		m.scores = append(m.scores, scores[k])
	}
	return m, nil
}

// Classification is a judge's answer mapped to a choice.
type Classification struct {
	Choice  string  // the matched choice as given to NewChoiceMap, or InvalidChoice
	Score   float64 // the choice's score; 0 when Invalid, which must be counted apart, not averaged in
	Invalid bool
}

// Classify reads the choice from the answer's last non-empty line (a chain-of-thought answer ends with its
// choice): the text after the line's last colon, if any, without surrounding spaces, quotes, brackets, markdown
// emphasis and final punctuation, matched against the choices ignoring case. Anything else is InvalidChoice.
func (m ChoiceMap) Classify(answer string) Classification {
	lines := strings.Split(strings.TrimSpace(answer), "\n")
	last := lines[len(lines)-1]
	if i := strings.LastIndexByte(last, ':'); i >= 0 {
		last = last[i+1:]
	}
	last = strings.Trim(last, " \t\r*_`'\"()[]{}.!,;")
	for i, c := range m.choices {
		if strings.EqualFold(last, c) {
			return Classification{Choice: c, Score: m.scores[i]}
		}
	}
	return Classification{Choice: InvalidChoice, Invalid: true}
}

// Position is a pairwise judge's answer: which of the two outputs it was shown is better.
type Position string

const (
	First  Position = "FIRST"
	Second Position = "SECOND"
	Tie    Position = "TIE"
)

// Winner is the combined outcome of a pairwise comparison of outputs A and B.
type Winner string

const (
	WinnerA   Winner = "A"
	WinnerB   Winner = "B"
	WinnerTie Winner = "TIE"
)

// Pairwise is the combination of a pairwise judgement asked in both orders.
type Pairwise struct {
	Winner Winner
	// Consistent is set when both orders name the same winner (or both a tie).
	Consistent bool
	// PositionBiased is set when the judge picked the same position in both orders, i.e. it preferred a
	// place rather than an output.
	PositionBiased bool
}

// CombineSwapped combines a pairwise judgement asked twice: ab is the answer with A shown first, ba the answer
// with B shown first. A winner is declared only when both orders agree; any disagreement is a tie — the
// conservative rule of Zheng et al. 2023, "Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena" (§3.4,
// position bias).
func CombineSwapped(ab, ba Position) (Pairwise, error) {
	wab, err := winner("ab", ab, WinnerA, WinnerB)
	if err != nil {
		return Pairwise{}, err
	}
	wba, err := winner("ba", ba, WinnerB, WinnerA)
	if err != nil {
		return Pairwise{}, err
	}
	if wab == wba {
		return Pairwise{Winner: wab, Consistent: true}, nil
	}
	return Pairwise{Winner: WinnerTie, PositionBiased: ab == ba}, nil
}

func winner(field string, p Position, first, second Winner) (Winner, error) {
	switch p {
	case First:
		return first, nil
	case Second:
		return second, nil
	case Tie:
		return WinnerTie, nil
	}
	return "", invalid(field, "%q is not a position; send FIRST, SECOND or TIE", p)
}

// pairwiseChoices reads a pairwise judge's last line: the answer shown first (A), second (B), or a tie.
var pairwiseChoices = ChoiceMap{choices: []string{"A", "B", "TIE"}, scores: []float64{1, 0, 0.5}}

// ParsePosition reads a pairwise judge's answer, which ends with a line naming the better of the two answers
// it was shown: A (the first), B (the second) or TIE, read as ChoiceMap.Classify reads a choice ("Answer: B",
// "**A**", "[[TIE]]"). Any other last line is a *JudgeAnswerError.
func ParsePosition(answer string) (Position, error) {
	switch pairwiseChoices.Classify(answer).Choice {
	case "A":
		return First, nil
	case "B":
		return Second, nil
	case "TIE":
		return Tie, nil
	}
	return "", &JudgeAnswerError{"answer", `the last line names neither A, B nor TIE; end with a line "Answer: A", "Answer: B" or "Answer: TIE"`}
}

// JudgeRequest is everything that determines a judge's verdict, and so the key under which it is cached.
type JudgeRequest struct {
	Owner      string // whose cache the verdict belongs to; verdicts are never shared between owners
	Rubric     string
	Input      string
	Output     string
	JudgeModel string
	// Reference and Position are set for a pairwise judgement: the answer Output is compared with, and where
	// Output was shown (First or Second). A judge's verdict depends on the order, so each order has its own key.
	Reference string
	Position  Position
}

// CacheKey is the hex SHA-256 of the request's fields, each preceded by its length in bytes as a big-endian
// uint64 after the tag "evaluation.judge.v1", so that no two different requests share a key by moving text
// from one field to the next. A pairwise request (Reference or Position set) is hashed under the tag
// "evaluation.judge.pairwise.v1" with both fields added, so it never shares a key with a single-answer one.
func CacheKey(r JudgeRequest) string {
	var sum [sha256.Size]byte
	if r.Reference == "" && r.Position == "" {
		sum = fieldHash("evaluation.judge.v1", r.Owner, r.Rubric, r.Input, r.Output, r.JudgeModel)
	} else {
		sum = fieldHash("evaluation.judge.pairwise.v1", r.Owner, r.Rubric, r.Input, r.Output, r.JudgeModel, r.Reference, string(r.Position))
	}
	return hex.EncodeToString(sum[:])
}

// fieldHash is the SHA-256 of the length-prefixed fields (length as big-endian uint64, then the bytes).
func fieldHash(fields ...string) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	for _, f := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}
