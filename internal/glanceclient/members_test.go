package glanceclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Every ID put into a URL path names exactly itself, whatever its characters: an ID such as
// "victim?x=1" (refused at plan time now, but it may sit in an older state) must never
// address member "victim".
func TestMemberCalls_escapeIDs(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path) // as the server decodes it
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c := NewStatic(srv.URL, "token", "owner", ImageAPIv2)
	ids := []string{"victim?x=1", "a#b", "%2e%2e", "x%2Fy", "a b", "..", "é"}
	for _, id := range ids {
		_ = c.RemoveMember(context.Background(), img, id)
		_, _ = c.GetMember(context.Background(), img, id)
		_, _ = c.UpdateMemberStatus(context.Background(), img, id, "accepted")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 3*len(ids) {
		t.Fatalf("%d requests, want %d: %v", len(paths), 3*len(ids), paths)
	}
	for i, p := range paths {
		if want := "/v2/images/" + img + "/members/" + ids[i/3]; p != want {
			t.Errorf("request %d reached %q, want %q", i, p, want)
		}
	}
}

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
