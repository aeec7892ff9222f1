package glanceclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// DefaultMaxRetries is max_retries when neither the attribute nor OS_MAX_RETRIES sets it.
const DefaultMaxRetries = 5

// MaxRetriesEnv is the environment fallback of max_retries.
const MaxRetriesEnv = "OS_MAX_RETRIES"

// retryPolicy is gophercloud's RetryFunc for every request: transient failures (no
// connection, a connection reset or timed out, 429, 502, 503, 504) are tried again after an
// exponential backoff with jitter, or Glance's Retry-After; never past the operation's
// deadline, and never for any other answer.
type retryPolicy struct {
	max       int
	base, cap time.Duration
	sleep     func(context.Context, time.Duration) error
}

func newRetryPolicy(maxRetries int) *retryPolicy {
	return &retryPolicy{max: maxRetries, base: 500 * time.Millisecond, cap: 30 * time.Second, sleep: sleepCtx}
}

// RetriesExhaustedError is a transient failure that outlasted max_retries or the operation's
// timeout. It unwraps to the last failure.
type RetriesExhaustedError struct {
	Attempts int
	// Deadline says the operation's timeout, not max_retries, ended the retries.
	Deadline bool
	// RetryAfter is the wait the service asked for (its Retry-After header) when that wait
	// would have passed the deadline; zero otherwise.
	RetryAfter time.Duration
	Err        error
}

func (e *RetriesExhaustedError) Error() string {
	why := "max_retries reached"
	switch {
	case e.RetryAfter > 0:
		why = fmt.Sprintf("the service asked to wait %s (Retry-After), past the operation's timeout", e.RetryAfter)
	case e.Deadline:
		why = "the operation's timeout would pass before the next try"
	}
	return fmt.Sprintf("%v (gave up after %d attempts: %s)", e.Err, e.Attempts, why)
}

func (e *RetriesExhaustedError) Unwrap() error { return e.Err }

func (p *retryPolicy) retry(
	ctx context.Context,
	method, url string,
	_ *gophercloud.RequestOpts,
	err error,
	failCount uint,
) error {
	if ctx.Err() != nil || !transient(err) {
		return err // cancelled, timed out, or an answer that another try would not change
	}
	attempts := int(failCount)
	if p.max == 0 {
		return err // retries off: the failure as it came
	}
	if attempts > p.max {
		return &RetriesExhaustedError{Attempts: attempts, Err: err}
	}
	wait, asked := p.backoff(attempts, err)
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		e := &RetriesExhaustedError{Attempts: attempts, Deadline: true, Err: err}
		if asked {
			e.RetryAfter = wait
		}
		return e
	}
	tflog.Warn(ctx, "retrying request after a transient failure", map[string]any{
		"method": method, "url": url, "attempt": attempts, "max_retries": p.max,
		"wait_ms": wait.Milliseconds(), "error": err.Error(),
	})
	if err := p.sleep(ctx, wait); err != nil {
		return &RetriesExhaustedError{Attempts: attempts, Deadline: true, Err: err}
	}
	return nil
}

// KeystoneError is a failed login at Keystone after the first: the re-authentication that
// Glance's 401 asked for. It names Keystone, so that nobody looks for the fault in Glance.
type KeystoneError struct {
	URL string
	Err error
}

func (e *KeystoneError) Error() string {
	return fmt.Sprintf("logging in again at Keystone (%s) failed: %v", e.URL, e.Err)
}

func (e *KeystoneError) Unwrap() error { return e.Err }

// reauth makes gophercloud's re-authentication retry transient failures like any request,
// within the operation's deadline: gophercloud logs in again through a copy of the client
// taken before RetryFunc was set, and gives up at the first failure, so a Keystone restarting
// for a few seconds would fail every call that needed a new token.
func (p *retryPolicy) reauth(authURL string, login func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		for attempt := uint(1); ; attempt++ {
			err := login(ctx)
			if err == nil {
				return nil
			}
			if err = p.retry(ctx, http.MethodPost, authURL, nil, err, attempt); err != nil {
				var redirect *RedirectRefusedError
				if errors.As(err, &redirect) {
					err = redirect // the refusal says it all, without net/http's "Post <url>:"
				}
				return &KeystoneError{URL: authURL, Err: err}
			}
		}
	}
}

// backoff is Retry-After when the service sent one (asked), else base·2^(n-1) capped, of
// which a random half is jitter so that many resources failing together do not retry together.
func (p *retryPolicy) backoff(attempt int, err error) (wait time.Duration, asked bool) {
	var e gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &e) && e.ResponseHeader != nil {
		if d, ok := retryAfter(e.ResponseHeader.Get("Retry-After")); ok {
			return d, true
		}
	}
	d := p.base << min(attempt-1, 16)
	if d > p.cap || d <= 0 {
		d = p.cap
	}
	return d/2 + rand.N(d/2+1), false
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// transient says whether a failure is worth another try: no connection, a connection that
// broke or timed out, or 429, 502, 503, 504. Nothing else: a 500 or a 4xx would answer the
// same again.
func transient(err error) bool {
	var e gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &e) {
		switch e.Actual {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true // never connected
	}
	for _, broken := range brokenConnection { // per platform: errno_*.go
		if errors.Is(err, broken) {
			return true
		}
	}
	var netErr net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &netErr) && netErr.Timeout()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// OutcomeUnknownError is a failed change that Glance may nevertheless have made: a request
// left and its answer was lost (the connection broke, the operation's timeout or the user
// interrupted it), or the answer was a 5xx (Glance failed after making it, or a proxy that
// passed it on failed). Callers must not assume either outcome.
type OutcomeUnknownError struct{ Err error }

func (e *OutcomeUnknownError) Error() string { return e.Err.Error() }
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// tracker remembers, for one logical call (all its tries), whether a request left whose
// answer was lost: a retried POST that then answers 409, or a retried DELETE that answers
// 404, succeeded; a call that fails after such a request has an unknown outcome. It also
// keeps the last answer read whole, to name it when its JSON turns out to be of another shape.
type tracker struct {
	answerLost atomic.Bool
	last       atomic.Pointer[UnreadableAnswerError] // the last answer, as the error it would be
}

type trackerKey struct{}

func track(ctx context.Context) (context.Context, *tracker) {
	t := &tracker{}
	return context.WithValue(ctx, trackerKey{}, t), t
}

// unknownOutcome wraps err when a request of the call left and its answer was lost, or came
// but could not be read (explain).
func (t *tracker) unknownOutcome(err error) error {
	err = t.explain(err)
	var unreadable *UnreadableAnswerError
	if err != nil && (t.answerLost.Load() || errors.As(err, &unreadable)) {
		return &OutcomeUnknownError{Err: err}
	}
	return err
}

// explain turns a failure to decode an answer's JSON into an *UnreadableAnswerError that
// names the answer: Glance did answer, with something else than it should have.
func (t *tracker) explain(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var timeErr *time.ParseError
	last := t.last.Load()
	decoding := errors.As(err, &typeErr) || errors.As(err, &syntaxErr) || errors.As(err, &timeErr)
	if last == nil || !decoding {
		return err
	}
	e := *last
	e.Err = err
	return &e
}

// trackingTransport tells a tracked call's tracker when a request was written out in full
// and its answer then lost, or came from a proxy that may have passed it on (502, 503, 504),
// or was another 5xx to a change.
// A request that never connected, or was cancelled before it was written, changed nothing.
// Keystone's logins are not the call's requests and are left out.
type trackingTransport struct{ next http.RoundTripper }

func (tt *trackingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if isAuthRequest(req) {
		// A login is safe to send twice (another token), so net/http may send it again when
		// the connection it went out on was being closed by the server (Keystone under uwsgi
		// closes each after its answer: the login that follows the version document's GET of an
		// auth_url without /v3 met exactly that). The empty key is not sent.
		req = req.Clone(req.Context())
		req.Header["Idempotency-Key"] = nil
		return tt.next.RoundTrip(req)
	}
	t, ok := req.Context().Value(trackerKey{}).(*tracker)
	if !ok {
		return tt.next.RoundTrip(req)
	}
	var written atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) { written.Store(i.Err == nil) },
	}))
	resp, err := tt.next.RoundTrip(req)
	var unreadable *UnreadableAnswerError
	if errors.As(err, &unreadable) {
		t.last.Store(unreadable)
	} else if resp != nil {
		t.last.Store(&UnreadableAnswerError{
			Method: req.Method, URL: req.URL.Redacted(), Status: resp.StatusCode, Head: answerHead(resp),
		})
	}
	lost := err != nil
	if resp != nil {
		switch {
		case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable,
			resp.StatusCode == http.StatusGatewayTimeout:
			lost = true
		case resp.StatusCode >= http.StatusInternalServerError && changes(req.Method):
			// A 5xx to a change says nothing of whether it was made: Glance may have made it and
			// failed after, or a proxy that passed it on may have failed.
			lost = true
		}
	}
	if lost && written.Load() {
		t.answerLost.Store(true)
	}
	return resp, err
}

// changes says whether a request of this method changes something on the service.
func changes(method string) bool {
	return method != http.MethodGet && method != http.MethodHead
}

func isAuthRequest(req *http.Request) bool {
	return strings.HasSuffix(strings.TrimSuffix(req.URL.Path, "/"), "/auth/tokens")
}
