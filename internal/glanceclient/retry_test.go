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
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

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
