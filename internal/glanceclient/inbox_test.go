package glanceclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
)

// inboxServer answers the lists of images shared with project "me" (GET /v2/images with
// visibility=shared and member_status) from answers (image → status), the member's own read
// (GET /v2/images/{id}/members/{member}), and a status change (PUT of the member); it counts
// the requests by kind. refuseLists answers the lists with 403.
type inboxServer struct {
	mu          sync.Mutex
	answers     map[string]string
	refuseLists bool
	lists       map[string]int // by member_status
	reads       int
}

func (s *inboxServer) client(t *testing.T) *Client {
	t.Helper()
	s.lists = map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // v2 images {id} members {member}
		switch {
		case r.URL.Path == "/v2/images" && r.URL.Query().Get("visibility") == "shared":
			status := r.URL.Query().Get("member_status")
			s.lists[status]++
			if s.refuseLists {
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"message":"policy"}`)
				return
			}
			var imgs []string
			for id, st := range s.answers {
				if st == status {
					imgs = append(imgs, fmt.Sprintf(`{"id":%q,"owner":"them","visibility":"shared"}`, id))
				}
			}
			fmt.Fprintf(w, `{"images":[%s]}`, strings.Join(imgs, ","))
		case len(parts) == 5 && parts[3] == "members":
			s.reads++
			st, ok := s.answers[parts[2]]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, `{"message":"not found"}`)
				return
			}
			if r.Method == http.MethodPut {
				st = "accepted"
				s.answers[parts[2]] = st
			}
			fmt.Fprintf(w, `{"member_id":%q,"image_id":%q,"status":%q,"created_at":"2026-01-02T03:04:05Z",`+
				`"updated_at":"2026-01-02T03:04:05Z"}`, parts[4], parts[2], st)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return NewStatic(srv.URL, "token", "me", ImageAPIv2)
}

func (s *inboxServer) counts() (lists map[string]int, reads int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.lists {
		out[k] = v
	}
	return out, s.reads
}

// A refresh of many answers reads the list of the answer last seen, once for all of them; an
// answer that changed is found in the other lists; an image in none is read by itself.
func TestAnswer_fromTheListsOfImagesSharedWithMe(t *testing.T) {
	t.Parallel()
	s := &inboxServer{answers: map[string]string{"changed": "rejected"}} // and no "gone"
	for i := range 50 {
		s.answers[fmt.Sprintf("img-%d", i)] = "accepted"
	}
	c := s.client(t)
	ctx := context.Background()
	for i := range 50 {
		m, err := c.Answer(ctx, fmt.Sprintf("img-%d", i), "me", "accepted")
		if err != nil || m.Status != "accepted" || !m.CreatedAt.IsZero() {
			t.Fatalf("img-%d: %+v, %v; want accepted, from the list (no timestamps)", i, m, err)
		}
	}
	if lists, reads := s.counts(); lists["accepted"] != 1 || len(lists) != 1 || reads != 0 {
		t.Errorf("50 answers: lists %v and %d reads; want one list of the accepted", lists, reads)
	}
	if m, err := c.Answer(ctx, "changed", "me", "accepted"); err != nil || m.Status != "rejected" {
		t.Errorf("an answer changed outside: %+v, %v; want rejected", m, err)
	}
	if _, err := c.Answer(ctx, "gone", "me", "accepted"); !IsNotFound(err) {
		t.Errorf("an image shared no more: %v; want its member's 404", err)
	}
	lists, reads := s.counts()
	if lists["accepted"] != 1 || lists["pending"] != 1 || lists["rejected"] != 1 || reads != 1 {
		t.Errorf("lists %v and %d reads; want one list per answer and the missing image's read", lists, reads)
	}
	// A change of an answer ends the window: the next refresh lists again.
	if _, err := c.UpdateMemberStatus(ctx, "changed", "me", "accepted"); err != nil {
		t.Fatal(err)
	}
	if m, err := c.Answer(ctx, "changed", "me", "rejected"); err != nil || m.Status != "accepted" {
		t.Errorf("after the change: %+v, %v; want accepted", m, err)
	}
}

// Another project's answer (an admin answering for it), an admin's own (Glance lists every
// shared image to an admin, whatever the answer), and a policy that refuses the lists: the
// member is read by itself.
func TestAnswer_readsTheMemberWhereTheListsCannotTell(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		member   string
		admin    bool
		refuse   bool
		maxLists int
	}{
		{"another project", "them", false, false, 0},
		{"an admin's own", "me", true, false, 0},
		{"lists refused", "me", false, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := &inboxServer{answers: map[string]string{"img": "accepted"}, refuseLists: tc.refuse}
			c := s.client(t)
			c.Admin = tc.admin
			m, err := c.Answer(context.Background(), "img", tc.member, "accepted")
			if err != nil || m.Status != "accepted" || m.CreatedAt.IsZero() {
				t.Errorf("%+v, %v; want the member as read, with its timestamps", m, err)
			}
			lists, reads := s.counts()
			n := 0
			for _, v := range lists {
				n += v
			}
			if reads != 1 || n > tc.maxLists {
				t.Errorf("%d lists and %d reads; want one read and at most %d lists", n, reads, tc.maxLists)
			}
		})
	}
}

// The real Keystone's token says who has the admin role, to whom Glance lists every shared
// image whatever the answer: the admin's, not the producer's.
func TestAccNew_adminRole(t *testing.T) {
	env := acctest.PreCheck(t)
	for cloud, want := range map[string]bool{devcloud.Admin: true, devcloud.Producer: false} {
		cfg, err := Resolve(Block{Settings: map[string]string{"cloud": cloud}}, env.Getenv)
		if err != nil {
			t.Fatal(err)
		}
		c, err := New(context.Background(), cfg, "test")
		if err != nil {
			t.Fatal(err)
		}
		if c.Admin != want {
			t.Errorf("cloud %s: Admin = %v, want %v", cloud, c.Admin, want)
		}
	}
}
