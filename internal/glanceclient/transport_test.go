package glanceclient

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
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
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+p, strings.NewReader(`{"auth": {"password": "`+password+`"}}`))
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
