package glanceclient

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// A scripted Glance: each request takes the next answer. These sequences (an answer lost
// after the work was done, 503 then success) are what a real cloud cannot be made to give
// on demand; the fault-injection acceptance tests prove the same against the real one.
type answer func(w http.ResponseWriter)

func status(code int, body string) answer {
	return func(w http.ResponseWriter) { w.WriteHeader(code); _, _ = io.WriteString(w, body) }
}

func withHeader(k, v string, a answer) answer {
	return func(w http.ResponseWriter) { w.Header().Set(k, v); a(w) }
}

// lost drops the connection without an answer, as if it broke after Glance did the work.
func lost(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("lost: the test server's ResponseWriter cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0) // a reset, not a clean close
		}
		conn.Close()
	}
}

const memberJSON = `{"member_id": "p1", "image_id": "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77", "status": "pending", ` +
	`"created_at": "2026-11-27T00:00:00Z", "updated_at": "2026-11-27T00:00:00Z", "schema": "/v2/schemas/member"}`

// createdAt is member p1 as Glance answers a GET of it, created at t (Glance's clock), with
// Glance's clock at skew from ours in the answer's Date header.
func createdAt(t time.Time, skew time.Duration) answer {
	body := strings.ReplaceAll(memberJSON, "2026-11-27T00:00:00Z", t.UTC().Format(time.RFC3339))
	return withHeader("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat), status(200, body))
}

type scripted struct {
	mu    sync.Mutex
	seen  []string
	waits []time.Duration
}

func newScripted(t *testing.T, answers ...answer) (*Client, *scripted) {
	t.Helper()
	s := &scripted{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.seen)
		s.seen = append(s.seen, r.Method)
		s.mu.Unlock()
		if n >= len(answers) {
			t.Errorf("unexpected request %d: %s %s", n+1, r.Method, r.URL.Path)
			w.WriteHeader(500)
			return
		}
		answers[n](w)
	}))
	t.Cleanup(srv.Close)
	c := NewStatic(srv.URL, "token", "owner", ImageAPIv2)
	p := newRetryPolicy(3)
	p.sleep = func(_ context.Context, d time.Duration) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.waits = append(s.waits, d)
		return nil
	}
	c.pc.RetryFunc = p.retry
	return c, s
}

func (s *scripted) requests() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.seen, " ")
}

const img = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
