package glanceclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
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
