package glanceclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// logSubsystem is the tflog subsystem of the HTTP log. Its level is LogLevelEnv when set,
// else the provider's (TF_LOG_PROVIDER_GLANCE, else Terraform's TF_LOG_PROVIDER or TF_LOG).
const logSubsystem = "http"

// LogLevelEnv sets the HTTP log's own level, for example off to leave the exchanges out of a
// DEBUG log.
const LogLevelEnv = "TF_LOG_PROVIDER_GLANCE_HTTP"

// maxLoggedBody keeps a huge answer from flooding the log.
const maxLoggedBody = 8 << 10

// secretHeaders never reach the log with their values.
var secretHeaders = []string{"X-Auth-Token", "X-Subject-Token", "X-Service-Token", "Authorization"}

// loggingTransport logs every request and answer at DEBUG (at INFO with enable_logging) in
// its own subsystem, with credentials masked: auth headers are replaced, Keystone auth request
// bodies are left out, and the configured secret values are masked wherever they would appear.
type loggingTransport struct {
	next    http.RoundTripper
	secrets []string
	// level is LogLevelEnv's, read once: NoLevel when it is not set.
	level hclog.Level
	// info logs the exchanges at INFO instead of DEBUG (enable_logging, OS_DEBUG).
	info bool
}

func newLoggingTransport(next http.RoundTripper, secrets []string, info bool) *loggingTransport {
	return &loggingTransport{
		next: next, secrets: secrets, level: hclog.LevelFromString(os.Getenv(LogLevelEnv)), info: info,
	}
}

// logOn says the HTTP log is on for this request: by its own level when set, else by the
// provider's, which the request's context carries. With info, the subsystem's level decides.
func (t *loggingTransport) logOn(req *http.Request) bool {
	want := hclog.Debug
	if t.info {
		want = hclog.Info
	}
	if t.level != hclog.NoLevel {
		return t.level <= want
	}
	return t.info || tflog.IsDebug(req.Context())
}

// log writes one line of the HTTP log at the transport's level.
func (t *loggingTransport) log(ctx context.Context, msg string, fields map[string]any) {
	if t.info {
		tflog.SubsystemInfo(ctx, logSubsystem, msg, fields)
		return
	}
	tflog.SubsystemDebug(ctx, logSubsystem, msg, fields)
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// The exchange is logged at DEBUG: when that level is off, as it is unless someone is
	// debugging, cost nothing (no subsystem, no fields, no copy of the body).
	if !t.logOn(req) {
		return t.next.RoundTrip(req)
	}
	ctx := tflog.NewSubsystem(req.Context(), logSubsystem, tflog.WithLevel(t.level))
	if len(t.secrets) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, logSubsystem, t.secrets...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, logSubsystem, t.secrets...)
	}
	isAuth := isAuthRequest(req)

	reqFields := map[string]any{"method": req.Method, "url": req.URL.String(), "headers": maskedHeaders(req.Header)}
	if req.Body != nil && req.GetBody != nil && !isAuth {
		if body, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(body, maxLoggedBody))
			_ = body.Close()
			reqFields["body"] = string(b)
		}
	}
	t.log(ctx, "request", reqFields)

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"method":      req.Method,
		"url":         req.URL.String(),
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err.Error()
		t.log(ctx, "request failed", fields)
		return resp, err
	}
	fields["status"] = resp.StatusCode
	fields["headers"] = maskedHeaders(resp.Header)
	if resp.Body != nil && !isAuth {
		b, readErr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		if readErr != nil {
			return nil, readErr
		}
		if len(b) > maxLoggedBody {
			b = append(b[:maxLoggedBody:maxLoggedBody], "…(truncated)"...)
		}
		fields["body"] = string(b)
	}
	t.log(ctx, "response", fields)
	return resp, nil
}

func maskedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[k] = strings.Join(v, ", ")
	}
	for _, k := range secretHeaders {
		if _, ok := out[http.CanonicalHeaderKey(k)]; ok {
			out[http.CanonicalHeaderKey(k)] = "***"
		}
	}
	return out
}

// noCacheTransport asks every cache between the provider and Keystone or Glance not to answer
// from its copy (Cache-Control: no-cache), as the openstack provider does unless
// disable_no_cache_header: a member list read from a cache would hide a change.
type noCacheTransport struct{ next http.RoundTripper }

func (t noCacheTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Cache-Control") == "" {
		req = req.Clone(req.Context()) // a RoundTripper must not change its caller's request
		req.Header.Set("Cache-Control", "no-cache")
	}
	return t.next.RoundTrip(req)
}

// WrongAPIError is an image call answered with the service's versions document (HTTP 300):
// what Glance does for a request to an Image API version it does not serve. gophercloud's
// pagination takes 300 for success, so without this a list would read as empty.
type WrongAPIError struct {
	Method, URL string
}

func (e *WrongAPIError) Error() string {
	return fmt.Sprintf("%s %s was answered with the image service's versions document (HTTP 300): the service does not "+
		"serve this Image API version", e.Method, e.URL)
}

// versionsGuard turns a 300 into a *WrongAPIError: it is in the chain of the image calls only
// (httpClients), not in that of Keystone's calls and the version documents, whose answer a 300
// is. It sits outside trackingTransport: the request did nothing, so no answer was lost.
type versionsGuard struct{ next http.RoundTripper }

func (g *versionsGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusMultipleChoices {
		return resp, err
	}
	resp.Body.Close()
	return nil, &WrongAPIError{Method: req.Method, URL: req.URL.Redacted()}
}

// UnreadableAnswerError is an answer that arrived but cannot be read: its body is not JSON, or
// JSON of another shape than the call's (Err says which). Glance did answer: it is not a
// lost answer, nor worth another try.
type UnreadableAnswerError struct {
	Method, URL string
	Status      int
	// Head is the answer's first bytes.
	Head string
	Err  error
}

func (e *UnreadableAnswerError) Error() string {
	return fmt.Sprintf(
		"the service answered %s %s with HTTP %d, but the answer cannot be read (%v); it begins: %q",
		e.Method,
		e.URL,
		e.Status,
		e.Err,
		e.Head,
	)
}

// headBytes is how much of an unreadable answer its error quotes.
const headBytes = 200

// maxAnswer bounds the answers read whole: an image with thousands of members is about 250
// bytes a member.
const maxAnswer = 256 << 20

// answerHead is the first bytes of an answer readTransport has read whole ("" otherwise).
func answerHead(resp *http.Response) string {
	if b, ok := resp.Body.(*readBody); ok {
		return string(b.head())
	}
	return ""
}

// readBody is an answer's body that readTransport has read whole.
type readBody struct {
	*bytes.Reader
	data []byte
}

func (b *readBody) Close() error { return nil }

func (b *readBody) head() []byte { return b.data[:min(len(b.data), headBytes)] }

// readTransport reads every successful answer (2xx, and the 300 of a version document) whole,
// within the request's deadline, and checks that it is JSON, which every answer of Keystone
// and Glance the provider asks for is: one that is not becomes an *UnreadableAnswerError
// instead of a decoding error that would read as "no answer" (and, for a cut JSON document,
// as a broken connection worth retrying). A body that stops coming is the deadline's.
type readTransport struct{ next http.RoundTripper }

func (rt *readTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	if err != nil || req.Method == http.MethodHead || resp.StatusCode == http.StatusNoContent ||
		(resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusMultipleChoices) {
		return resp, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	if err != nil {
		return nil, err // cut off, or the deadline passed while it trickled in
	}
	body := &readBody{Reader: bytes.NewReader(data), data: data}
	if len(bytes.TrimSpace(data)) > 0 && !json.Valid(data) {
		return nil, &UnreadableAnswerError{
			Method: req.Method,
			URL:    req.URL.Redacted(),
			Status: resp.StatusCode,
			Head:   string(body.head()),
			Err:    errors.New("it is not JSON"),
		}
	}
	resp.Body = body
	return resp, nil
}
