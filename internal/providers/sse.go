package providers

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// maxSSELine bounds one line of an event stream; a provider that sends a longer one is treated as broken.
const maxSSELine = 8 << 20

// readSSE reads a text/event-stream body (WHATWG HTML "Server-sent events", §9.2.6) and calls onData with the
// data of each event in order: "data:" lines of one event joined by "\n", comments and other fields ignored.
// It stops at the first error from onData (errStop ends it without error) and returns read errors as they are
// (a cut connection gives io.ErrUnexpectedEOF or a net error). An event still open at a clean end of input is
// delivered, since some servers omit the final blank line.
func readSSE(r io.Reader, onData func(data []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxSSELine)
	var data []byte
	has := false
	dispatch := func() error {
		if !has {
			return nil
		}
		d := data
		data, has = data[:0], false
		return onData(d)
	}
	for sc.Scan() {
		line := bytes.TrimSuffix(sc.Bytes(), []byte("\r"))
		if len(line) == 0 {
			if err := dispatch(); err != nil {
				return stopped(err)
			}
			continue
		}
		field, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			value = nil
		}
		if len(field) == 0 || string(field) != "data" {
			continue // comment (":" first) or a field other than data
		}
		value = bytes.TrimPrefix(value, []byte(" "))
		if has {
			data = append(data, '\n')
		}
		data = append(data, value...)
		has = true
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return stopped(dispatch())
}

// errStop, returned by an onData callback, ends readSSE without error.
var errStop = stopError{}

type stopError struct{}

func (stopError) Error() string { return "stop" }

func stopped(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}
