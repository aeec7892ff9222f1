package glanceclient

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// A 403 to a member call becomes a RefusedError whose reason is read from the image, once;
// other answers stay as they were.
func TestExplainRefusal(t *testing.T) {
	t.Parallel()
	image := func(owner, visibility string) answer {
		return status(200, `{"id": "`+img+`", "owner": "`+owner+`", "visibility": "`+visibility+`", "status": "active"}`)
	}
	cases := []struct {
		name    string
		api     string
		answers []answer
		want    Refusal
	}{
		{"the image is not visible", ImageAPIv2, []answer{status(403, ""), status(404, "")}, RefusalImageNotVisible},
		{"the image cannot be read", ImageAPIv2, []answer{status(403, ""), status(500, "")}, RefusalUnexplained},
		{"not shared", ImageAPIv2, []answer{status(403, ""), image("owner", "private")}, RefusalNotShared},
		{"another owner's", ImageAPIv2, []answer{status(403, ""), image("other", "shared")}, RefusalNotOwner},
		{"owned, yet refused", ImageAPIv2, []answer{status(403, ""), image("owner", "shared")}, RefusalMissingRole},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, s := newScripted(t, tc.answers...)
			_, err := c.AddMember(context.Background(), img, "p1", false)
			var refused *RefusedError
			if !errors.As(err, &refused) || refused.Reason != tc.want || Status(err) != http.StatusForbidden {
				t.Fatalf("got %#v, want a refusal of reason %d that is still a 403", err, tc.want)
			}
			if got := s.requests(); got != "POST GET" {
				t.Errorf("requests %q, want the add and one read of the image", got)
			}
			if _, ok := NotShared(err); ok != (tc.want == RefusalNotShared) {
				t.Errorf("NotShared = %v", ok)
			}
		})
	}
	// While no answer has told the version, the add holds onAPI's turn: the image is read in
	// the version the add was made in, not through onAPI again (which would wait for ever).
	t.Run("before the version is known", func(t *testing.T) {
		t.Parallel()
		c, s := newScripted(t, status(403, ""), image("other", "shared"),
			status(200, `{"versions": [{"id": "v2.9", "status": "CURRENT"}]}`))
		c.spoken.api = ""
		_, err := c.AddMember(context.Background(), img, "p1", false)
		var refused *RefusedError
		if !errors.As(err, &refused) || refused.Reason != RefusalNotOwner || s.requests() != "POST GET GET" ||
			c.ImageAPI() != ImageAPIv2 {
			t.Errorf("got %#v after %q, speaking %q; want the refusal explained, then v2 detected", err, s.requests(),
				c.ImageAPI())
		}
	})
	t.Run("a system-scoped token", func(t *testing.T) {
		t.Parallel()
		c, s := newScripted(t, status(403, ""))
		c.SystemScope = "OS_SYSTEM_SCOPE"
		_, err := c.AddMember(context.Background(), img, "p1", false)
		var refused *RefusedError
		if errors.As(err, &refused) || Status(err) != http.StatusForbidden || s.requests() != "POST" {
			t.Errorf("the refusal of a system-scoped token became %#v after %q; want the 403 alone", err, s.requests())
		}
	})
	t.Run("not a refusal", func(t *testing.T) {
		t.Parallel()
		c, s := newScripted(t, status(404, ""))
		_, err := c.AddMember(context.Background(), img, "p1", false)
		var refused *RefusedError
		if errors.As(err, &refused) || Status(err) != http.StatusNotFound || s.requests() != "POST" {
			t.Errorf("a 404 became %#v after %q", err, s.requests())
		}
	})
}
