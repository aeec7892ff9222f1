package glanceclient

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// readWindow is how long an image's member list, or the image itself, read by this provider
// process answers later reads of the same image. A refresh of hundreds of glance_image_member
// of one image then costs one list: Terraform reads them all within seconds of each other, and
// a snapshot that old is no staler than reading each a moment earlier. Any change this process
// makes to the image ends the window at once. (A provider process lives for one plan or one
// apply, so nothing is carried from one Terraform command to the next.)
const readWindow = 30 * time.Second

// readCache shares reads of one image among the resources that need them: concurrent reads
// wait for the one request in flight, and its answer serves later reads for readWindow.
// Answers are a list, an image, or a 403 or 404 (the image is not shared, not visible, or
// gone: permanent enough for a window this short); other failures are not kept, so the next
// read tries again.
type readCache struct {
	window  time.Duration
	now     func() time.Time
	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
}

type cacheKey struct {
	what    string // "members", "image", or "inbox" (inbox.go)
	imageID string // the image; for "inbox", the answer listed
	// api is the Image API version of the read: while it is not known, a read in v2 may be
	// in flight that a service without v2 answers with a 300, which a read in v1 must not wait for.
	api string
}

type cacheEntry struct {
	done  chan struct{} // closed when the answer is in
	value any
	err   error
	at    time.Time // when the answer came
}

func newReadCache() *readCache {
	return &readCache{window: readWindow, now: time.Now, entries: map[cacheKey]*cacheEntry{}}
}

// cachedRead answers key from the cache, or by fetch: at most one fetch per key in flight.
// A caller never receives another caller's cancellation or timeout: it fetches again itself.
func cachedRead[T any](
	ctx context.Context,
	c *readCache,
	key cacheKey,
	fetch func(context.Context) (T, error),
) (T, error) {
	for {
		c.mu.Lock()
		e, ok := c.entries[key]
		if ok && e.expired(c.now(), c.window) {
			ok = false
		}
		if !ok {
			e = &cacheEntry{done: make(chan struct{})}
			c.entries[key] = e
			c.mu.Unlock()
			v, err := fetch(ctx)
			c.finish(key, e, v, err)
			return v, err
		}
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
		if fetcherGaveUp(e.err) && ctx.Err() == nil {
			continue // the fetcher's own cancellation or timeout, not ours: fetch for ourselves
		}
		v, _ := e.value.(T)
		return v, e.err
	}
}

// finish records a fetch's answer, and keeps it only when it is worth keeping and no change
// to the image has happened since the fetch began (a change removes the entry).
func (c *readCache) finish(key cacheKey, e *cacheEntry, v any, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.value, e.err, e.at = v, err, c.now()
	close(e.done)
	if err != nil && !keepable(err) && c.entries[key] == e {
		delete(c.entries, key)
	}
}

// expired says an answered entry is too old to serve; one still in flight never is.
func (e *cacheEntry) expired(now time.Time, window time.Duration) bool {
	select {
	case <-e.done:
		return now.Sub(e.at) >= window
	default:
		return false
	}
}

// forget ends the window of everything read about imageID, the reads in flight included:
// called when a change this process makes to it is done, so that no read which began before
// the change was done serves a read after it. (A read during the change may be served either
// way, as it would be without a cache.)
func (c *readCache) forget(imageID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range c.entries { // and the lists of images shared with us, which may name it
		if key.what == "inbox" || key.imageID == imageID {
			delete(c.entries, key)
		}
	}
}

// keepable answers are Glance's word on the image, not a failure of the moment.
func keepable(err error) bool {
	s := Status(err)
	return s == http.StatusForbidden || s == http.StatusNotFound
}

// fetcherGaveUp says a fetch ended for a reason of its caller's: its cancellation, or its
// deadline (which may also have cut the retries short).
func fetcherGaveUp(err error) bool {
	var exhausted *RetriesExhaustedError
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &exhausted) && exhausted.Deadline)
}
