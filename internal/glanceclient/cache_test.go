package glanceclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// listServer answers GET …/members with one member, counting the lists; answer, when set,
// chooses the status of each list (by its number, from 1); gate, when set, holds every list
// until it is closed, and removeGate every removal.
type listServer struct {
	lists      atomic.Int32
	answer     func(n int32) int
	gate       chan struct{}
	removeGate chan struct{}
}

func (s *listServer) client(t *testing.T) *Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			if s.removeGate != nil {
				<-s.removeGate
			}
			w.WriteHeader(http.StatusNoContent) // a removal
			return
		}
		if !strings.HasSuffix(r.URL.Path, "/members") { // the image, read to explain a refusal
			w.WriteHeader(http.StatusNotFound)
			return
		}
		n := s.lists.Add(1)
		if s.gate != nil {
			<-s.gate
		}
		status := http.StatusOK
		if s.answer != nil {
			status = s.answer(n)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if status == http.StatusOK {
			fmt.Fprintf(w, `{"members":[{"member_id":"m%d","image_id":%q,"status":"pending"}]}`, n, img)
		} else {
			fmt.Fprintf(w, `{"message":"answer %d"}`, status)
		}
	}))
	t.Cleanup(srv.Close)
	return NewStatic(srv.URL, "token", "owner", ImageAPIv2)
}

// A refresh of many resources of one image: concurrent reads share one request, and later
// reads within the window are answered from it.
func TestListMembers_sharedByConcurrentReads(t *testing.T) {
	t.Parallel()
	s := &listServer{gate: make(chan struct{})}
	c := s.client(t)
	var wg sync.WaitGroup
	got := make([]string, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := c.FindMember(context.Background(), img, "m1")
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = m.MemberID
		}()
	}
	time.Sleep(50 * time.Millisecond) // let them queue on the one request (late ones hit the answer)
	close(s.gate)
	wg.Wait()
	if _, err := c.FindMember(context.Background(), img, "m1"); err != nil {
		t.Fatal(err)
	}
	if n := s.lists.Load(); n != 1 {
		t.Fatalf("21 reads made %d list requests, want 1", n)
	}
	if _, err := c.FindMember(context.Background(), img, "other"); !errors.Is(err, ErrMemberNotListed) {
		t.Fatalf("a member not in the list: %v, want ErrMemberNotListed", err)
	}
}

// The window is bounded: an answer older than readWindow is read again.
func TestListMembers_windowEnds(t *testing.T) {
	t.Parallel()
	s := &listServer{}
	c := s.client(t)
	now := time.Now()
	c.reads.now = func() time.Time { return now }
	list := func() {
		if _, err := c.ListMembers(context.Background(), img); err != nil {
			t.Fatal(err)
		}
	}
	list()
	now = now.Add(readWindow - time.Second)
	list()
	if n := s.lists.Load(); n != 1 {
		t.Fatalf("within the window: %d lists, want 1", n)
	}
	now = now.Add(time.Second)
	list()
	if n := s.lists.Load(); n != 2 {
		t.Fatalf("after the window: %d lists, want 2", n)
	}
}

// A change this client makes to the image is seen by every read after it: a list that began
// before the change, or while it was in flight, serves no read after it.
func TestListMembers_changeEndsTheWindow(t *testing.T) {
	t.Parallel()
	t.Run("list begun before the change", func(t *testing.T) {
		t.Parallel()
		s := &listServer{gate: make(chan struct{})}
		c := s.client(t)
		early := make(chan error)
		go func() { _, err := c.ListMembers(context.Background(), img); early <- err }()
		for s.lists.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		if err := c.RemoveMember(context.Background(), img, "m1"); err != nil {
			t.Fatal(err)
		}
		close(s.gate) // the list begun before the removal answers now
		if err := <-early; err != nil {
			t.Fatal(err)
		}
		expectFreshList(t, c, s, 2)
	})
	t.Run("list begun during the change", func(t *testing.T) {
		t.Parallel()
		s := &listServer{removeGate: make(chan struct{})}
		c := s.client(t)
		removed := make(chan error)
		go func() { removed <- c.RemoveMember(context.Background(), img, "m1") }()
		time.Sleep(20 * time.Millisecond) // the removal is in flight
		if _, err := c.ListMembers(context.Background(), img); err != nil {
			t.Fatal(err)
		}
		close(s.removeGate)
		if err := <-removed; err != nil {
			t.Fatal(err)
		}
		expectFreshList(t, c, s, 2)
	})
}

// expectFreshList reads the list and expects it to come from request number n.
func expectFreshList(t *testing.T, c *Client, s *listServer, n int32) {
	t.Helper()
	list, err := c.ListMembers(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.lists.Load(); got != n || list[0].MemberID != fmt.Sprintf("m%d", n) {
		t.Fatalf("the read after the removal got %v after %d lists; want list number %d's answer", list, got, n)
	}
}

// Glance's 403 and 404 are answers about the image and are kept; a failure of the moment is not.
func TestListMembers_keepsAnswersNotFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status    int
		wantLists int32
	}{
		{http.StatusNotFound, 1},
		{http.StatusForbidden, 1},
		{http.StatusInternalServerError, 2},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			t.Parallel()
			s := &listServer{answer: func(int32) int { return tc.status }}
			c := s.client(t)
			for range 2 {
				if _, err := c.ListMembers(context.Background(), img); Status(err) != tc.status {
					t.Fatalf("got %v, want HTTP %d", err, tc.status)
				}
			}
			if n := s.lists.Load(); n != tc.wantLists {
				t.Fatalf("two reads made %d lists, want %d", n, tc.wantLists)
			}
		})
	}
}

// A read that waited on another's request does not inherit that caller's cancellation: it
// reads for itself.
func TestListMembers_waiterOutlivesCancelledFetcher(t *testing.T) {
	t.Parallel()
	s := &listServer{gate: make(chan struct{})}
	c := s.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error)
	go func() { _, err := c.ListMembers(ctx, img); first <- err }()
	for s.lists.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan error)
	go func() { _, err := c.ListMembers(context.Background(), img); second <- err }()
	time.Sleep(20 * time.Millisecond) // the second waits on the first's request
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled read: %v", err)
	}
	close(s.gate)
	if err := <-second; err != nil {
		t.Fatalf("the waiting read got %v; want its own answer", err)
	}
}

// Callers get their own copy: one sorting or changing its list cannot change another's.
func TestListMembers_callersDoNotShareSlices(t *testing.T) {
	t.Parallel()
	s := &listServer{}
	c := s.client(t)
	a, _ := c.ListMembers(context.Background(), img)
	a[0].MemberID = "changed"
	b, _ := c.ListMembers(context.Background(), img)
	if strings.HasPrefix(b[0].MemberID, "changed") {
		t.Fatal("a caller's change reached another caller")
	}
}

// Each configured client (a provider block, an alias) has its own reads: two never share.
func TestListMembers_notSharedBetweenClients(t *testing.T) {
	t.Parallel()
	s := &listServer{}
	a, b := s.client(t), s.client(t)
	for _, c := range []*Client{a, b, a, b} {
		if _, err := c.ListMembers(context.Background(), img); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.lists.Load(); n != 2 {
		t.Fatalf("two clients made %d lists, want one each", n)
	}
}
