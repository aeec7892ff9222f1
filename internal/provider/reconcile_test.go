package provider

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// memberServer is an image's member list behind Glance's v2 member calls, in memory, counting
// the requests by method: what reconcile asks of Glance, without a cloud.
type memberServer struct {
	mu       sync.Mutex
	members  map[string]bool
	requests map[string]int // by method
	hang     string         // a method whose requests never get an answer
}

func newMemberServer(t *testing.T, members ...string) (*memberServer, *glanceclient.Client) {
	t.Helper()
	s := &memberServer{members: map[string]bool{}, requests: map[string]int{}}
	for _, m := range members {
		s.members[m] = true
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, glanceclient.NewStatic(srv.URL, "token", "owner", glanceclient.ImageAPIv2)
}

func (s *memberServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.Method]++
	hang := s.hang == r.Method
	s.mu.Unlock()
	if hang {
		_, _ = io.Copy(io.Discard, r.Body) // read it all, so that the client's hang-up ends the context
		<-r.Context().Done()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	member := func(id string) map[string]any {
		return map[string]any{
			"image_id": exampleImageID, "member_id": id, "status": "pending", "schema": "/v2/schemas/member",
			"created_at": "2026-12-05T10:00:00Z", "updated_at": "2026-12-05T10:00:00Z",
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, id, _ := strings.Cut(r.URL.Path, "/members/")
	switch r.Method {
	case http.MethodPost:
		var body struct {
			Member string `json:"member"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if s.members[body.Member] {
			w.WriteHeader(http.StatusConflict)
			return
		}
		s.members[body.Member] = true
		_ = json.NewEncoder(w).Encode(member(body.Member))
	case http.MethodDelete:
		if !s.members[id] {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		delete(s.members, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		var list []map[string]any
		for _, m := range slices.Sorted(maps.Keys(s.members)) {
			list = append(list, member(m))
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"members": list})
	}
}

func (s *memberServer) count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[method]
}

func (s *memberServer) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.members))
}

func pending(ids ...string) map[string]string {
	m := map[string]string{}
	for _, id := range ids {
		m[id] = "pending"
	}
	return m
}

// reconcile changes only the difference: one POST per member to add, one DELETE per member to
// remove, no list read, and the result is what Glance then has.
func TestReconcile_changesOnlyTheDifference(t *testing.T) {
	s, client := newMemberServer(t, "a", "b")
	after, diags := reconcile(context.Background(), client, crudUpdate, exampleImageID, pending("a", "b"),
		[]string{"b", "c", "d"})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got := slices.Sorted(maps.Keys(after)); !slices.Equal(got, []string{"b", "c", "d"}) || !slices.Equal(
		s.list(), got) {
		t.Errorf("after %v, Glance has %v; want b, c, d in both", got, s.list())
	}
	if s.count(http.MethodPost) != 2 || s.count(http.MethodDelete) != 1 || s.count(http.MethodGet) != 0 {
		t.Errorf("requests %v; want 2 POST, 1 DELETE, no GET", s.requests)
	}
}

// Nothing to change: no request at all.
func TestReconcile_nothingToDo(t *testing.T) {
	s, client := newMemberServer(t, "a", "b")
	if _, diags := reconcile(context.Background(), client, crudUpdate, exampleImageID, pending("a", "b"),
		[]string{"b", "a"}); diags.HasError() {
		t.Fatal(diags)
	}
	if len(s.requests) != 0 {
		t.Errorf("requests %v; want none", s.requests)
	}
}

// A member added or removed by someone else since the refresh: Glance's 409 and 404 mean the
// list is already as wanted, not an error.
func TestReconcile_alreadyDoneElsewhere(t *testing.T) {
	s, client := newMemberServer(t, "a", "new")
	after, diags := reconcile(context.Background(), client, crudUpdate, exampleImageID, pending("a", "gone"),
		[]string{"a", "new"})
	if diags.HasError() {
		t.Fatal(diags)
	}
	if got := slices.Sorted(maps.Keys(after)); !slices.Equal(got, []string{"a", "new"}) {
		t.Errorf("after %v; want a, new", got)
	}
	if !slices.Equal(s.list(), []string{"a", "new"}) {
		t.Errorf("Glance has %v", s.list())
	}
}

// A deadline advises the timeouts entry of the operation that ran out: glance_image_members'
// create, update or delete, whichever made the call (not read, as it once did).
func TestReconcile_deadlineAdvisesItsOwnTimeout(t *testing.T) {
	for _, tc := range []struct {
		during crudOp
		hang   string
		have   map[string]string
		want   []string
	}{
		{crudCreate, http.MethodPost, pending(), []string{"a"}},
		{crudUpdate, http.MethodPost, pending(), []string{"a"}},
		{crudDelete, http.MethodDelete, pending("a"), nil},
	} {
		t.Run(tc.during.String(), func(t *testing.T) {
			t.Parallel()
			s, client := newMemberServer(t, slices.Collect(maps.Keys(tc.have))...)
			s.hang = tc.hang
			// The server never answers, so this deadline passes however busy the machine is.
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, diags := reconcile(ctx, client, tc.during, exampleImageID, tc.have, tc.want)
			if !diags.HasError() {
				t.Fatal("want an error")
			}
			text := tfcli.Flat(diags[0].Detail())
			advice := `timeouts { ` + tc.during.String() + ` = "20m" }`
			if !strings.Contains(text, advice) || strings.Contains(text, "timeouts { read") {
				t.Errorf("the advice does not name %s alone:\n%s", tc.during, text)
			}
		})
	}
}

// On Image API v1 the whole list is one PUT; its failure is titled as a replace, not a list.
func TestReconcile_v1ReplacesTheList(t *testing.T) {
	var puts int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/v1/images/"+exampleImageID+"/members") {
			puts++
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
	}))
	defer srv.Close()
	client := glanceclient.NewStatic(srv.URL, "token", "owner", glanceclient.ImageAPIv1)
	_, diags := reconcile(context.Background(), client, crudUpdate, exampleImageID, pending("a"),
		[]string{"b", "c"})
	if puts != 1 || !diags.HasError() || diags[0].Summary() != "Error replacing image members" {
		t.Errorf("%d PUT, diagnostics %v; want one PUT and \"Error replacing image members\"", puts, diags)
	}
}
