package httpx

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// DefaultMaxBody is the body cap MaxBody applies when given zero: 2 MiB, about Apollo Router's default
// (limits.http_max_request_bytes: 2 MB). It holds any query and an inline dataset of a few thousand items;
// larger datasets go through the multipart upload, which this cap does not cover.
const DefaultMaxBody = 2 << 20

// MaxBody refuses a request body over limit bytes with 413 and a GraphQL-shaped error, before the handler
// reads any of it: a declared Content-Length over the limit is refused at once, otherwise the body is read
// into memory up to the limit and handed on. multipart/form-data bodies (file uploads) pass untouched: the
// upload transport caps them (transport.MultipartForm.MaxUploadSize). limit 0 means DefaultMaxBody.
func MaxBody(limit int64) func(http.Handler) http.Handler {
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Body == http.NoBody || isMultipart(r) {
				next.ServeHTTP(w, r)
				return
			}
			if r.ContentLength > limit {
				tooLarge(w, r, limit)
				return
			}
			buf, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
			_ = r.Body.Close()
			switch {
			case int64(len(buf)) > limit:
				tooLarge(w, r, limit)
				return
			case err != nil:
				WriteError(w, r, http.StatusBadRequest, CodeBadRequest, "the request body could not be read")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(buf))
			r.ContentLength = int64(len(buf))
			next.ServeHTTP(w, r)
		})
	}
}

func tooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	// The rest of the body is not read: close the connection rather than drain it.
	w.Header().Set("Connection", "close")
	WriteError(w, r, http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
		fmt.Sprintf("the request body is over %d bytes: send a smaller request (large datasets go in an upload)", limit))
}

func isMultipart(r *http.Request) bool {
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && media == "multipart/form-data"
}
