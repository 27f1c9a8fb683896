package evaluation

import (
	"encoding/xml"
	"fmt"
	"io"
)

type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes r as a JUnit XML report for CI: one testsuite named suite, one testcase per check (class
// name suite). A failed check is a <failure>, a skipped one <skipped>, and an inconclusive one passes with
// its warning in <system-out>, as the gate itself does.
func WriteJUnit(w io.Writer, suite string, r GateResult) error {
	s := junitSuite{Name: suite, Tests: len(r.Checks)}
	for _, ck := range r.Checks {
		c := junitCase{Name: ck.Name, Classname: suite}
		switch ck.Status {
		case CheckFailed:
			s.Failures++
			c.Failure = &junitFailure{Message: ck.Message, Type: string(ck.Status), Text: ck.Message}
		case CheckSkipped:
			s.Skipped++
			c.Skipped = &junitSkipped{Message: ck.Message}
		default:
			c.SystemOut = ck.Message
		}
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit report: %w", err)
	}
	return nil
}
