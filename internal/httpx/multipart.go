package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// DefaultMaxUpload caps a multipart request when Transport.MaxUpload is zero: 10 MiB.
const DefaultMaxUpload = 10 << 20

// fromMultipart reads a GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec,
// what apollo-upload-client sends): an "operations" part (the JSON request), a "map" part (which file goes
// to which variable path, e.g. {"0": ["variables.file"]}), then the files. Each file becomes a
// graphql.Upload at its paths. Every refusal carries a code: REQUEST_TOO_LARGE (413) over limit bytes,
// BAD_REQUEST (400) for a request that does not follow the spec.
func fromMultipart(w http.ResponseWriter, r *http.Request, limit int64) (*graphql.RawParams, int, *gqlerror.Error) {
	if limit <= 0 {
		limit = DefaultMaxUpload
	}
	tooLarge := func() (*graphql.RawParams, int, *gqlerror.Error) {
		w.Header().Set("Connection", "close")
		return nil, http.StatusRequestEntityTooLarge, newError(CodeRequestTooLarge,
			fmt.Sprintf("the upload is over %d bytes (BENCHMARK_MAX_FILE_BYTES): send a smaller file", limit))
	}
	bad := func(format string, args ...any) (*graphql.RawParams, int, *gqlerror.Error) {
		return nil, http.StatusBadRequest, newError(CodeBadRequest, "multipart request: "+fmt.Sprintf(format, args...)+
			` (see github.com/jaydenseric/graphql-multipart-request-spec: parts "operations", "map", then the files)`)
	}
	if r.ContentLength > limit {
		return tooLarge()
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return bad("%v", err)
	}
	part := func(name string) ([]byte, *gqlerror.Error, bool) {
		p, err := mr.NextPart()
		switch {
		case isTooLarge(err):
			return nil, nil, true
		case err != nil || p.FormName() != name:
			_, _, e := bad("the next part must be %q", name)
			return nil, e, false
		}
		raw, err := io.ReadAll(p)
		if isTooLarge(err) {
			return nil, nil, true
		}
		if err != nil {
			_, _, e := bad("part %q could not be read", name)
			return nil, e, false
		}
		if !utf8.Valid(raw) {
			_, _, e := bad("part %q is not valid UTF-8", name)
			return nil, e, false
		}
		return raw, nil, false
	}
	ops, e, over := part("operations")
	if over {
		return tooLarge()
	}
	if e != nil {
		return nil, http.StatusBadRequest, e
	}
	params, status, e := decodeRequest(ops)
	if e != nil {
		return nil, status, e
	}
	rawMap, e, over := part("map")
	if over {
		return tooLarge()
	}
	if e != nil {
		return nil, http.StatusBadRequest, e
	}
	var files map[string][]string
	if err := json.Unmarshal(rawMap, &files); err != nil {
		return bad(`the "map" part must be a JSON object of file keys to lists of paths such as "variables.file"`)
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if isTooLarge(err) {
			return tooLarge()
		}
		if err != nil {
			return bad("a file part could not be read")
		}
		paths, ok := files[p.FormName()]
		if !ok || len(paths) == 0 {
			return bad("part %q is not named in the map", p.FormName())
		}
		delete(files, p.FormName())
		content, err := io.ReadAll(p)
		if isTooLarge(err) {
			return tooLarge()
		}
		if err != nil {
			return bad("file %q could not be read", p.FormName())
		}
		for _, path := range paths {
			up := graphql.Upload{File: bytes.NewReader(content), Filename: p.FileName(), Size: int64(len(content)),
				ContentType: p.Header.Get("Content-Type")}
			if err := place(params, path, up); err != nil {
				return bad("map path %q: %v", path, err)
			}
		}
	}
	for key := range files {
		return bad("file %q is named in the map but was not sent", key)
	}
	return params, 0, nil
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// place sets the variable at path ("variables.input.files.0") to v; the path must lead to a null that the
// operations part left for it.
func place(p *graphql.RawParams, path string, v graphql.Upload) error {
	rest, ok := strings.CutPrefix(path, "variables.")
	if !ok || rest == "" {
		return errors.New(`a path must start with "variables."`)
	}
	keys := strings.Split(rest, ".")
	var cur any = p.Variables
	for i, k := range keys {
		last := i == len(keys)-1
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[k]
			if !ok {
				return fmt.Errorf("no variable %q", strings.Join(keys[:i+1], "."))
			}
			if last {
				if next != nil {
					return fmt.Errorf("%q must be null in operations", strings.Join(keys[:i+1], "."))
				}
				c[k] = v
				return nil
			}
			cur = next
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(c) {
				return fmt.Errorf("no element %q", strings.Join(keys[:i+1], "."))
			}
			if last {
				if c[n] != nil {
					return fmt.Errorf("%q must be null in operations", strings.Join(keys[:i+1], "."))
				}
				c[n] = v
				return nil
			}
			cur = c[n]
		default:
			return fmt.Errorf("%q is not an object or a list", strings.Join(keys[:i], "."))
		}
	}
	return nil
}
