package glanceclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// A scripted Glance: each request takes the next answer. These sequences (an answer lost
// after the work was done, 503 then success) are what a real cloud cannot be made to give
// on demand; the fault-injection acceptance tests prove the same against the real one.
type answer func(w http.ResponseWriter)

func status(code int, body string) answer {
	return func(w http.ResponseWriter) { w.WriteHeader(code); io.WriteString(w, body) }
}

func withHeader(k, v string, a answer) answer {
	return func(w http.ResponseWriter) { w.Header().Set(k, v); a(w) }
}

// lost drops the connection without an answer, as if it broke after Glance did the work.
func lost(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.(*net.TCPConn).SetLinger(0) // a reset, not a clean close
		conn.Close()
	}
}

const memberJSON = `{"member_id": "p1", "image_id": "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77", "status": "pending", "created_at": "2026-11-27T00:00:00Z", "updated_at": "2026-11-27T00:00:00Z", "schema": "/v2/schemas/member"}`

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
	c := NewStatic(srv.URL, "token", "owner")
	p := newRetryPolicy(3)
	p.sleep = func(_ context.Context, d time.Duration) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.waits = append(s.waits, d)
		return nil
	}
	c.image.ProviderClient.RetryFunc = p.retry
	return c, s
}

func (s *scripted) requests() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.seen, " ")
}

const img = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"

func TestAddMember_retries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		answers  []answer
		wantReqs string
		wantErr  int // HTTP status of the error; -1 means success
	}{
		{"answer lost, retry finds the member: adopted", []answer{lost, status(409, `{"message": "duplicated"}`), status(200, memberJSON)}, "POST POST GET", -1},
		{"503, then 409: adopted (the 503 may have come after the work)", []answer{status(503, ""), status(409, ""), status(200, memberJSON)}, "POST POST GET", -1},
		{"409 on the first try: the caller's error", []answer{status(409, `{"message": "duplicated"}`)}, "POST", 409},
		{"429 then 200: no read-back", []answer{withHeader("Retry-After", "2", status(429, "")), status(200, memberJSON)}, "POST POST", -1},
		{"429, then 409: not adopted, 429 means it was refused", []answer{status(429, ""), status(409, "")}, "POST POST", 409},
		{"502, 504, 503 then 200", []answer{status(502, ""), status(504, ""), status(503, ""), status(200, memberJSON)}, "POST POST POST POST", -1},
		{"500 is not retried", []answer{status(500, "")}, "POST", 500},
		{"403 is not retried", []answer{status(403, "")}, "POST", 403},
		{"413 is not retried", []answer{status(413, "")}, "POST", 413},
		{"max_retries (3) reached", []answer{status(503, ""), status(503, ""), status(503, ""), status(503, "")}, "POST POST POST POST", 503},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, s := newScripted(t, tc.answers...)
			m, err := c.AddMember(context.Background(), img, "p1")
			if got := s.requests(); got != tc.wantReqs {
				t.Errorf("requests %q, want %q", got, tc.wantReqs)
			}
			switch {
			case tc.wantErr == -1 && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr == -1 && m.MemberID != "p1":
				t.Errorf("member %+v", m)
			case tc.wantErr != -1 && Status(err) != tc.wantErr:
				t.Errorf("error %v (status %d), want status %d", err, Status(err), tc.wantErr)
			}
		})
	}
}

func TestRetry_exhaustedSaysWhy(t *testing.T) {
	t.Parallel()
	c, _ := newScripted(t, status(503, ""), status(503, ""), status(503, ""), status(503, ""))
	_, err := c.AddMember(context.Background(), img, "p1")
	var ex *RetriesExhaustedError
	if !errors.As(err, &ex) || ex.Attempts != 4 || ex.Deadline || Status(err) != 503 {
		t.Fatalf("want 4 attempts ended by max_retries, with status 503; got %#v", err)
	}
	if !strings.Contains(err.Error(), "gave up after 4 attempts: max_retries reached") {
		t.Errorf("error text: %v", err)
	}
}

func TestRetry_stopsAtTheDeadline(t *testing.T) {
	t.Parallel()
	c, s := newScripted(t, withHeader("Retry-After", "60", status(503, "")))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.GetMember(ctx, img, "p1")
	var ex *RetriesExhaustedError
	if !errors.As(err, &ex) || !ex.Deadline {
		t.Fatalf("a 60 s Retry-After past a 5 s deadline must end the retries: %v", err)
	}
	if len(s.waits) != 0 {
		t.Errorf("waited %v past the deadline", s.waits)
	}
}

func TestRetry_honoursRetryAfterAndBacksOff(t *testing.T) {
	t.Parallel()
	c, s := newScripted(t, withHeader("Retry-After", "7", status(429, "")), status(503, ""), status(503, ""), status(200, memberJSON))
	if _, err := c.GetMember(context.Background(), img, "p1"); err != nil {
		t.Fatal(err)
	}
	if len(s.waits) != 3 || s.waits[0] != 7*time.Second {
		t.Fatalf("waits %v: want Retry-After's 7s first, then two backoffs", s.waits)
	}
	// base 500ms: the 2nd wait is in [500ms, 1s], the 3rd in [1s, 2s].
	if s.waits[1] < 500*time.Millisecond || s.waits[1] > time.Second || s.waits[2] < time.Second || s.waits[2] > 2*time.Second {
		t.Errorf("backoff waits %v outside [0.5s,1s] and [1s,2s]", s.waits[1:])
	}
}

func TestRemoveMember_retriedDeleteFindingItGoneIsDone(t *testing.T) {
	t.Parallel()
	c, s := newScripted(t, lost, status(404, ""))
	if err := c.RemoveMember(context.Background(), img, "p1"); err != nil {
		t.Fatalf("a retried DELETE answering 404 is done: %v", err)
	}
	if s.requests() != "DELETE DELETE" {
		t.Errorf("requests %q", s.requests())
	}
	// Without a lost answer, a 404 is the caller's (the resource treats it as gone).
	c, _ = newScripted(t, status(404, ""))
	if err := c.RemoveMember(context.Background(), img, "p1"); !IsNotFound(err) {
		t.Errorf("a first-try 404 must stay a 404: %v", err)
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	dial := &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}
	cases := []struct {
		err                error
		transient, unknown bool
	}{
		{dial, true, false},
		{reset, true, true},
		{&url.Error{Op: "Post", URL: "http://x", Err: io.EOF}, true, true},
		{&url.Error{Op: "Post", URL: "http://x", Err: timeoutErr{}}, true, true},
		{context.DeadlineExceeded, false, false},
		{&url.Error{Op: "Post", URL: "http://x", Err: context.Canceled}, false, false},
		{errors.New("x509: certificate signed by unknown authority"), false, false},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 429}, true, false},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 503}, true, true},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 400}, false, false},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 401}, false, false},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 409}, false, false},
	}
	for _, tc := range cases {
		if tr, un := classify(tc.err); tr != tc.transient || un != tc.unknown {
			t.Errorf("classify(%v) = %v, %v; want %v, %v", tc.err, tr, un, tc.transient, tc.unknown)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
