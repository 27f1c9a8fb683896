package loadgen

// HasErrors reports whether a GraphQL response (a JSON object) has a top-level "errors" member that is not
// null. It scans the bytes once without decoding, so that checking a 13 KB dashboard costs the load
// generator microseconds, and it is not fooled by "errors" inside strings or nested objects. Input that is
// not a JSON object counts as an error.
func HasErrors(b []byte) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return true
	}
	depth := 0
	for i < len(b) {
		switch c := b[i]; c {
		case '"':
			end := skipString(b, i)
			if end < 0 {
				return true
			}
			if depth == 1 && string(b[i+1:end-1]) == "errors" {
				j := skipSpace(b, end)
				if j < len(b) && b[j] == ':' {
					j = skipSpace(b, j+1)
					return !(j+4 <= len(b) && string(b[j:j+4]) == "null")
				}
			}
			i = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
		i++
	}
	return false
}

// skipString returns the index just past the string that starts at b[i] == '"', or -1 when it is not closed.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}
