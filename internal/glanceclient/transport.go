package glanceclient

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of the HTTP log. Its level is LogLevelEnv when set,
// else the provider's (TF_LOG_PROVIDER_GLANCE, else Terraform's TF_LOG_PROVIDER or TF_LOG).
const LogSubsystem = "http"

// LogLevelEnv sets the HTTP log's own level, for example off to leave the exchanges out of a
// DEBUG log.
const LogLevelEnv = "TF_LOG_PROVIDER_GLANCE_HTTP"

// maxLoggedBody keeps a huge answer from flooding the log.
const maxLoggedBody = 8 << 10

// secretHeaders never reach the log with their values.
var secretHeaders = []string{"X-Auth-Token", "X-Subject-Token", "X-Service-Token", "Authorization"}

// loggingTransport logs every request and answer at DEBUG in its own subsystem, with
// credentials masked: auth headers are replaced, Keystone auth request bodies are left out,
// and the configured secret values are masked wherever they would appear.
type loggingTransport struct {
	next    http.RoundTripper
	secrets []string
	// level is LogLevelEnv's, read once: NoLevel when it is not set.
	level hclog.Level
}

func newLoggingTransport(next http.RoundTripper, secrets []string) *loggingTransport {
	return &loggingTransport{next: next, secrets: secrets, level: hclog.LevelFromString(os.Getenv(LogLevelEnv))}
}

// debugOn says the HTTP log is on for this request: by its own level when set, else by
// the provider's, which the request's context carries.
func (t *loggingTransport) debugOn(req *http.Request) bool {
	if t.level != hclog.NoLevel {
		return t.level <= hclog.Debug
	}
	return tflog.IsDebug(req.Context())
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// The exchange is logged at DEBUG: when that level is off, as it is unless someone is
	// debugging, cost nothing (no subsystem, no fields, no copy of the body).
	if !t.debugOn(req) {
		return t.next.RoundTrip(req)
	}
	ctx := tflog.NewSubsystem(req.Context(), LogSubsystem, tflog.WithLevel(t.level))
	if len(t.secrets) > 0 {
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, t.secrets...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, t.secrets...)
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
	tflog.SubsystemDebug(ctx, LogSubsystem, "request", reqFields)

	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{"method": req.Method, "url": req.URL.String(), "duration_ms": time.Since(start).Milliseconds()}
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemDebug(ctx, LogSubsystem, "request failed", fields)
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
	tflog.SubsystemDebug(ctx, LogSubsystem, "response", fields)
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

// WrongAPIError is an image call answered with the service's versions document (HTTP 300):
// what Glance does for a request to an Image API version it does not serve. gophercloud's
// pagination takes 300 for success, so without this a list would read as empty.
type WrongAPIError struct {
	Method, URL string
}

func (e *WrongAPIError) Error() string {
	return fmt.Sprintf("%s %s was answered with the image service's versions document (HTTP 300): the service does not serve this Image API version", e.Method, e.URL)
}

// versionsGuard turns a 300 to any request but a version document's (getVersions marks those
// in their context) into a *WrongAPIError. It sits outside trackingTransport: the request did
// nothing, so no answer was lost.
type versionsGuard struct{ next http.RoundTripper }

// versionDocument marks a request for a version document, whose answer may be 300.
type versionDocument struct{}

func (g *versionsGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusMultipleChoices || req.Context().Value(versionDocument{}) != nil {
		return resp, err
	}
	resp.Body.Close()
	return nil, &WrongAPIError{Method: req.Method, URL: req.URL.Redacted()}
}
