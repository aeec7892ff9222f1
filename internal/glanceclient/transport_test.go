package glanceclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"
)

// Credentials never reach the log: not in headers, not in auth bodies, not echoed back.
func TestLoggingTransportMasksSecrets(t *testing.T) {
	t.Parallel()
	const password, token = "s3cret-Passw0rd", "gAAAAAtoken-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Subject-Token", token)
		w.WriteHeader(http.StatusOK)
		// A body that (wrongly) echoes a secret is masked too.
		_, _ = w.Write([]byte(`{"echo": "` + password + `", "members": []}`))
	}))
	t.Cleanup(srv.Close)

	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	client := &http.Client{Transport: &loggingTransport{next: http.DefaultTransport, secrets: []string{password, token}}}
	for _, p := range []string{"/v3/auth/tokens", "/v2/images/i/members"} {
		req, _ := http.NewRequestWithContext(
			ctx,
			http.MethodPost,
			srv.URL+p,
			strings.NewReader(`{"auth": {"password": "`+password+`"}}`),
		)
		req.Header.Set("X-Auth-Token", token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	log := out.String()
	if !strings.Contains(log, "/v2/images/i/members") || !strings.Contains(log, `"X-Auth-Token":"***"`) {
		t.Fatalf("the HTTP exchange is not logged as expected:\n%s", log)
	}
	for _, secret := range []string{password, token} {
		if strings.Contains(log, secret) {
			t.Errorf("secret %q reached the log:\n%s", secret, log)
		}
	}
}

// With DEBUG off (as it is unless someone is debugging), the transport does nothing but
// pass the request on: no log line, and the request body is never read for one.
func TestLoggingTransportIdleWhenDebugOff(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }),
	)
	t.Cleanup(srv.Close)
	var out bytes.Buffer
	traced := tflogtest.RootLogger(context.Background(), &out) // the provider's log at TRACE
	atInfo := tfsdklog.NewRootProviderLogger(context.Background(), tfsdklog.WithLevel(hclog.Info))
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		level hclog.Level // the transport's own, from LogLevelEnv
		want  bool
	}{
		{"provider at INFO", atInfo, hclog.NoLevel, false},
		{"provider at TRACE, HTTP log off", traced, hclog.Off, false},
		{"provider at TRACE", traced, hclog.NoLevel, true},
		{"provider at INFO, HTTP log at DEBUG", atInfo, hclog.Debug, true},
	} {
		out.Reset()
		bodyRead := false
		req, _ := http.NewRequestWithContext(tc.ctx, http.MethodPost, srv.URL+"/v2/images/i/members", strings.NewReader(`{}`))
		req.GetBody = func() (io.ReadCloser, error) { bodyRead = true; return io.NopCloser(strings.NewReader(`{}`)), nil }
		client := &http.Client{Transport: &loggingTransport{next: http.DefaultTransport, level: tc.level}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if bodyRead != tc.want {
			t.Errorf("%s: request body read for the log: %v, want %v", tc.name, bodyRead, tc.want)
		}
		if tc.ctx == traced && strings.Contains(out.String(), "/v2/images/i/members") != tc.want {
			t.Errorf("%s: want logged %v, got:\n%s", tc.name, tc.want, out.String())
		}
	}
}
