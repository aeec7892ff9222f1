package glanceclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"
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

func newRetryPolicy(max int) *retryPolicy {
	return &retryPolicy{max: max, base: 500 * time.Millisecond, cap: 30 * time.Second, sleep: sleepCtx}
}

// RetriesExhaustedError is a transient failure that outlasted max_retries or the operation's
// timeout. It unwraps to the last failure.
type RetriesExhaustedError struct {
	Attempts int
	// Deadline says the operation's timeout, not max_retries, ended the retries.
	Deadline bool
	Err      error
}

func (e *RetriesExhaustedError) Error() string {
	why := "max_retries reached"
	if e.Deadline {
		why = "the operation's timeout would pass before the next try"
	}
	return fmt.Sprintf("%v (gave up after %d attempts: %s)", e.Err, e.Attempts, why)
}

func (e *RetriesExhaustedError) Unwrap() error { return e.Err }

func (p *retryPolicy) retry(ctx context.Context, method, url string, _ *gophercloud.RequestOpts, err error, failCount uint) error {
	if ctx.Err() != nil {
		return err // cancelled or timed out: the operation is over
	}
	transient, unknownOutcome := classify(err)
	if !transient {
		return err
	}
	if unknownOutcome {
		if t, ok := ctx.Value(trackerKey{}).(*tracker); ok {
			t.unknownOutcome.Store(true)
		}
	}
	attempts := int(failCount)
	if p.max == 0 {
		return err // retries off: the failure as it came
	}
	if attempts > p.max {
		return &RetriesExhaustedError{Attempts: attempts, Err: err}
	}
	wait := p.backoff(attempts, err)
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		return &RetriesExhaustedError{Attempts: attempts, Deadline: true, Err: err}
	}
	tflog.Warn(ctx, "retrying request after a transient failure", map[string]any{
		"method": method, "url": url, "attempt": attempts, "max_retries": p.max, "wait_ms": wait.Milliseconds(), "error": err.Error(),
	})
	if err := p.sleep(ctx, wait); err != nil {
		return &RetriesExhaustedError{Attempts: attempts, Deadline: true, Err: err}
	}
	return nil
}

// backoff is Retry-After when the service sent one, else base·2^(n-1) capped, of which a
// random half is jitter so that many resources failing together do not retry together.
func (p *retryPolicy) backoff(attempt int, err error) time.Duration {
	var e gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &e) && e.ResponseHeader != nil {
		if d, ok := retryAfter(e.ResponseHeader.Get("Retry-After")); ok {
			return d
		}
	}
	d := p.base << min(attempt-1, 16)
	if d > p.cap || d <= 0 {
		d = p.cap
	}
	return d/2 + rand.N(d/2+1)
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

// classify says whether a failure is worth another try, and whether the request may have
// been carried out although its answer was lost.
func classify(err error) (transient, unknownOutcome bool) {
	var e gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &e) {
		switch e.Actual {
		case http.StatusTooManyRequests:
			return true, false // refused before any work
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true, true // a proxy may have passed it on before failing
		}
		return false, false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false, false
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true, false // never connected: nothing was sent
	}
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &netErr) && netErr.Timeout():
		return true, true
	}
	return false, false
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

// tracker remembers, for one logical call, whether an earlier try may have done the work:
// a retried POST that then answers 409, or a retried DELETE that answers 404, succeeded.
type tracker struct{ unknownOutcome atomic.Bool }

type trackerKey struct{}

func track(ctx context.Context) (context.Context, *tracker) {
	t := &tracker{}
	return context.WithValue(ctx, trackerKey{}, t), t
}
