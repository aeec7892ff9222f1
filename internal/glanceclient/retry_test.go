package glanceclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
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

func TestAddMember_retries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		answers  []answer
		wantReqs string
		wantErr  int // HTTP status of the error; -1 means success
		existing bool
	}{
		{
			"answer lost, retry finds the member: adopted",
			[]answer{lost, status(409, `{"message": "duplicated"}`), createdAt(time.Now(), 0)},
			"POST POST GET",
			-1,
			false,
		},
		{
			"503, then 409: adopted (the 503 may have come after the work)",
			[]answer{status(503, ""), status(409, ""), createdAt(time.Now(), 0)},
			"POST POST GET",
			-1,
			false,
		},
		{
			"answer lost, retry finds a member made before the add: someone else's, adopted",
			[]answer{lost, status(409, ""), createdAt(time.Now().Add(-time.Minute), 0)},
			"POST POST GET",
			-1,
			true,
		},
		{
			"409 on the first try: there already, adopted",
			[]answer{status(409, `{"message": "duplicated"}`), createdAt(time.Now().Add(-time.Minute), 0)},
			"POST GET",
			-1,
			true,
		},
		{
			"429 then 200: no read-back",
			[]answer{withHeader("Retry-After", "2", status(429, "")), status(200, memberJSON)},
			"POST POST",
			-1,
			false,
		},
		{
			"429, then 409: 429 means it was refused, so the member was there already",
			[]answer{status(429, ""), status(409, ""), createdAt(time.Now().Add(-time.Minute), 0)},
			"POST POST GET",
			-1,
			true,
		},
		{
			"502, 504, 503 then 200",
			[]answer{status(502, ""), status(504, ""), status(503, ""), status(200, memberJSON)},
			"POST POST POST POST",
			-1,
			false,
		},
		{
			"500 is not retried; the member is read to tell what it did",
			[]answer{status(500, ""), status(404, "")},
			"POST GET",
			500,
			false,
		},
		{
			"500, and the member is there: the add made it",
			[]answer{status(500, ""), createdAt(time.Now().Add(time.Second), 0)},
			"POST GET",
			-1,
			false,
		},
		{
			"403 is not retried (the image is read to explain it)",
			[]answer{status(403, ""), status(404, "")},
			"POST GET",
			403,
			false,
		},
		{"413 is not retried", []answer{status(413, "")}, "POST", 413, false},
		{
			"500, and a member made before the add: someone else's, adopted",
			[]answer{status(500, ""), createdAt(time.Now().Add(-time.Minute), 0)},
			"POST GET",
			-1,
			true,
		},
		{
			"max_retries (3) reached, then the member read",
			[]answer{status(503, ""), status(503, ""), status(503, ""), status(503, ""), status(404, "")},
			"POST POST POST POST GET",
			503,
			false,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, s := newScripted(t, tc.answers...)
			m, err := c.AddMember(context.Background(), img, "p1", false)
			if got := s.requests(); got != tc.wantReqs {
				t.Errorf("requests %q, want %q", got, tc.wantReqs)
			}
			switch {
			case tc.wantErr == -1 && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr == -1 && (m.MemberID != "p1" || m.Existing != tc.existing):
				t.Errorf("member %+v", m)
			case tc.wantErr != -1 && Status(err) != tc.wantErr:
				t.Errorf("error %v (status %d), want status %d", err, Status(err), tc.wantErr)
			}
		})
	}
}

func TestRetry_exhaustedSaysWhy(t *testing.T) {
	t.Parallel()
	c, _ := newScripted(t, status(503, ""), status(503, ""), status(503, ""), status(503, ""), status(404, ""))
	_, err := c.AddMember(context.Background(), img, "p1", false)
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
	if !errors.As(err, &ex) || !ex.Deadline || ex.RetryAfter != time.Minute || ex.Attempts != 1 {
		t.Fatalf("a 60 s Retry-After past a 5 s deadline must end the retries after 1 attempt, naming the wait: %#v", err)
	}
	if !strings.Contains(err.Error(), "asked to wait 1m0s (Retry-After)") {
		t.Errorf("the error does not name the wait: %v", err)
	}
	if len(s.waits) != 0 {
		t.Errorf("waited %v past the deadline", s.waits)
	}
}

func TestRetry_honoursRetryAfterAndBacksOff(t *testing.T) {
	t.Parallel()
	c, s := newScripted(
		t,
		withHeader("Retry-After", "7", status(429, "")),
		status(503, ""),
		status(503, ""),
		status(200, memberJSON),
	)
	if _, err := c.GetMember(context.Background(), img, "p1"); err != nil {
		t.Fatal(err)
	}
	if len(s.waits) != 3 || s.waits[0] != 7*time.Second {
		t.Fatalf("waits %v: want Retry-After's 7s first, then two backoffs", s.waits)
	}
	// base 500ms: the 2nd wait is in [500ms, 1s], the 3rd in [1s, 2s].
	if s.waits[1] < 500*time.Millisecond || s.waits[1] > time.Second || s.waits[2] < time.Second ||
		s.waits[2] > 2*time.Second {
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

func TestTransient(t *testing.T) {
	t.Parallel()
	dial := &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}
	cases := []struct {
		err       error
		transient bool
	}{
		{dial, true},
		{&url.Error{Op: "Post", URL: "http://x", Err: io.EOF}, true},
		{&url.Error{Op: "Post", URL: "http://x", Err: timeoutErr{}}, true},
		{context.DeadlineExceeded, false},
		{&url.Error{Op: "Post", URL: "http://x", Err: context.Canceled}, false},
		{errors.New("x509: certificate signed by unknown authority"), false},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 429}, true},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 502}, true},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 503}, true},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 504}, true},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 500}, false},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 400}, false},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 401}, false},
		{gophercloud.ErrUnexpectedResponseCode{Actual: 409}, false},
	}
	// A broken connection as this platform's network stack reports it (errno_*.go; on Windows
	// the WSA errors, which syscall.ECONNRESET never matches there).
	for _, errno := range brokenConnection {
		cases = append(cases, struct {
			err       error
			transient bool
		}{&url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "read", Err: os.NewSyscallError("read", errno)}},
			true})
	}
	for _, tc := range cases {
		if got := transient(tc.err); got != tc.transient {
			t.Errorf("transient(%v) = %v, want %v", tc.err, got, tc.transient)
		}
	}
}

// A failed change says whether it may have happened: only when a request was written out and
// its answer lost.
func TestOutcomeUnknown(t *testing.T) {
	t.Parallel()
	hold := func(w http.ResponseWriter) { time.Sleep(time.Second); w.WriteHeader(200) } // past the caller's patience
	cases := []struct {
		name    string
		answers []answer
		cancel  time.Duration // cancel the call after this long; 0: never
		unknown bool
	}{
		{"answer lost, retries spent", []answer{lost, lost, lost, lost, status(404, "")}, 0, true},
		{
			"503 three times, then 503",
			[]answer{status(503, ""), status(503, ""), status(503, ""), status(503, ""), status(404, "")},
			0,
			true,
		},
		{
			"429 four times: refused, never done",
			[]answer{status(429, ""), status(429, ""), status(429, ""), status(429, "")},
			0,
			false,
		},
		{"500 to the add: Glance may have made it", []answer{status(500, ""), status(404, "")}, 0, true},
		{"403: Glance answered", []answer{status(403, ""), status(404, "")}, 0, false},
		{"cancelled while Glance holds the answer", []answer{hold}, 300 * time.Millisecond, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newScripted(t, tc.answers...)
			ctx := context.Background()
			if tc.cancel > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.cancel)
				defer cancel()
			}
			_, err := c.AddMember(ctx, img, "p1", false)
			var unknown *OutcomeUnknownError
			if err == nil || errors.As(err, &unknown) != tc.unknown {
				t.Errorf("AddMember: %v; outcome unknown = %v, want %v", err, errors.As(err, &unknown), tc.unknown)
			}
			if tc.cancel == 0 {
				return
			}
			if err := c.RemoveMember(ctx, img, "p1"); err == nil || errors.As(err, &unknown) {
				t.Errorf("a call cancelled before it sent anything is not of unknown outcome: %v", err)
			}
		})
	}
	// Nothing listens: nothing was sent.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	c := NewStatic(closed.URL, "token", "owner", ImageAPIv2)
	var unknown *OutcomeUnknownError
	if _, err := c.AddMember(context.Background(), img, "p1", false); err == nil || errors.As(err, &unknown) {
		t.Errorf("a refused connection changed nothing: %v", err)
	}
}

// Logging in again retries a Keystone that is away for a moment, within the deadline, and
// names Keystone when it gives up; a refusal of the credentials is not retried.
func TestReauth_retriesKeystone(t *testing.T) {
	t.Parallel()
	const authURL = "http://127.0.0.1:5000/v3"
	refused := &url.Error{
		Op:  "Post",
		URL: authURL + "/auth/tokens",
		Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED},
	}
	policy := func() (*retryPolicy, *[]time.Duration) {
		p := newRetryPolicy(3)
		var waits []time.Duration
		p.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
		return p, &waits
	}
	script := func(errs ...error) (func(context.Context) error, *int) {
		n := 0
		return func(context.Context) error {
			n++
			if n <= len(errs) {
				return errs[n-1]
			}
			return nil
		}, &n
	}

	p, waits := policy()
	login, n := script(refused, gophercloud.ErrUnexpectedResponseCode{Actual: 503})
	if err := p.reauth(authURL, login)(context.Background()); err != nil || *n != 3 || len(*waits) != 2 {
		t.Errorf(
			"Keystone away twice, then back: err %v after %d logins and waits %v; want success on the third",
			err,
			*n,
			*waits,
		)
	}

	p, _ = policy()
	login, n = script(refused, refused, refused, refused, refused)
	err := p.reauth(authURL, login)(context.Background())
	var ke *KeystoneError
	var ex *RetriesExhaustedError
	if !errors.As(err, &ke) || !errors.As(err, &ex) || *n != 4 ||
		!strings.Contains(err.Error(), "Keystone ("+authURL+")") {
		t.Errorf("Keystone away for good: %v after %d logins; want a KeystoneError naming %s after 4", err, *n, authURL)
	}

	p, _ = policy()
	login, n = script(gophercloud.ErrUnexpectedResponseCode{Actual: 401})
	if err := p.reauth(authURL, login)(context.Background()); !errors.As(err, &ke) || *n != 1 {
		t.Errorf("credentials refused: %v after %d logins; want a KeystoneError at once", err, *n)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// An add that meets an existing member adopts it, and says whether Glance made it before this
// add began (Existing: someone else's, or a killed run's) or after (one of its own tries whose
// answer was lost), in Glance's clock: its created_at against the Date of the same answer,
// wherever this machine's clock is.
func TestAddMember_adoptsExisting(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		skew     time.Duration // Glance's clock minus ours
		created  time.Duration // when Glance made the member, from now, in its clock
		existing bool
	}{
		{"made a minute ago", 0, -time.Minute, true},
		{"made after the add began", 0, time.Minute, false},
		{"Glance's clock an hour ahead, made before", time.Hour, -time.Minute, true},
		{"Glance's clock an hour ahead, made after", time.Hour, time.Minute, false},
		{"Glance's clock an hour behind, made before", -time.Hour, -time.Minute, true},
		{"Glance's clock an hour behind, made after", -time.Hour, time.Minute, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, s := newScripted(t, status(409, ""), createdAt(time.Now().Add(tc.skew+tc.created), tc.skew))
			added, err := c.AddMember(context.Background(), img, "p1", false)
			if got := s.requests(); got != "POST GET" {
				t.Errorf("requests %q, want the add and one read of the member", got)
			}
			if err != nil || added.MemberID != "p1" || added.Existing != tc.existing {
				t.Errorf("got %+v, %v; want member p1 adopted with Existing %v", added, err, tc.existing)
			}
		})
	}
	t.Run("a retried add that meets 409 made it", func(t *testing.T) {
		t.Parallel()
		c, s := newScripted(t, lost, status(409, ""), createdAt(time.Now().Add(time.Second), 0))
		added, err := c.AddMember(context.Background(), img, "p1", false)
		if err != nil || added.Existing || s.requests() != "POST POST GET" {
			t.Errorf("%+v, %v after %q; want ours, not Existing", added, err, s.requests())
		}
	})
}
