package glanceclient

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of the HTTP log: TF_LOG_PROVIDER_GLANCE_HTTP=DEBUG.
const LogSubsystem = "http"

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
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := tflog.NewSubsystem(req.Context(), LogSubsystem)
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
