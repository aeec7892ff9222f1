package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// Answers a real Glance cannot be made to give on demand: a server error, no answer at all,
// an answer lost after the request arrived, a user's interruption. The real refusals (409,
// 403, 404, 413) are covered against the local cloud in TestAccBadInput; a lost answer and an
// interruption against the real Glance in TestAccInterrupted_*.
func TestMemberErrorWithoutARealCause(t *testing.T) {
	t.Parallel()
	const img, member = exampleImageID, "proj"
	serve := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	broken := serve(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message": "The server has either erred or is incapable of performing the requested operation.<br /><br />", "code": "500 Internal Server Error"}`))
	})
	expired := serve(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error": {"code": 401, "message": "The request you have made requires authentication."}}`))
	})
	lost := serve(func(w http.ResponseWriter, _ *http.Request) { // the request arrived; the answer never left
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
	})
	slow := serve(func(w http.ResponseWriter, _ *http.Request) { time.Sleep(time.Second) })
	closedSrv := httptest.NewServer(http.NotFoundHandler())
	closedSrv.Close()
	closed := closedSrv.URL

	add := func(ctx context.Context, c *glanceclient.Client) error {
		_, err := c.AddMember(ctx, img, member, false, time.Time{})
		return err
	}
	remove := func(ctx context.Context, c *glanceclient.Client) error { return c.RemoveMember(ctx, img, member) }
	answer := func(ctx context.Context, c *glanceclient.Client) error {
		_, err := c.UpdateMemberStatus(ctx, img, member, "accepted")
		return err
	}
	read := func(ctx context.Context, c *glanceclient.Client) error {
		_, err := c.GetMember(ctx, img, member)
		return err
	}
	const unsure = "may or may not"
	cases := []struct {
		name      string
		endpoint  string
		call      func(context.Context, *glanceclient.Client) error
		op        memberOp
		interrupt bool
		says, not []string
	}{
		{"server error", broken, read, opRead, false, []string{"Error reading image member", "Image " + img + ", member " + member, "HTTP 500", "Glance said: The server has either erred"}, nil},
		{"no answer on add: nothing sent", closed, add, opAdd, false, []string{"Error adding image member", "no answer from Glance", "Check image_endpoint"}, []string{unsure, "import"}},
		{"no answer on remove: nothing sent", closed, remove, opRemove, false, []string{"Error removing image member", "no answer from Glance"}, []string{unsure}},
		{"answer lost on add", lost, add, opAdd, false, []string{"reached Glance but its answer was lost", "membership may or may not exist", "marked tainted", "Nothing to import"}, []string{"import it"}},
		{"answer lost on a list's add", lost, add, opListAdd, false, []string{"may or may not exist", "lists the image's members and adds only what is still missing"}, []string{"import", "tainted"}},
		{"answer lost on remove", lost, remove, opRemove, false, []string{"may or may not be gone", "removes it if it is still there"}, nil},
		{"answer lost on a status", lost, answer, opStatus, false, []string{"may or may not have been recorded", "sets it again"}, nil},
		{"interrupted while Glance works", slow, add, opAdd, true, []string{"the run was interrupted (Ctrl-C", unsure, "tainted"}, []string{"no answer from Glance", "import it"}},
		// A real Glance gives this once a given token expires mid-run; the unit test spares
		// waiting for it. (Re-authentication with a password is TestAccProvider_reauthentication.)
		{"given token expired", expired, read, opRead, false, []string{"token given in token (OS_TOKEN)", "cannot be renewed", "password or application credential"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client := glanceclient.NewStatic(tc.endpoint, "token", "caller", glanceclient.ImageAPIv2)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.interrupt {
				time.AfterFunc(200*time.Millisecond, cancel) // as Terraform cancels on Ctrl-C
			}
			err := tc.call(ctx, client)
			if err == nil {
				t.Fatal("want an error")
			}
			d := memberError(context.Background(), client, tc.op, img, member, err)
			text := d.Summary() + "\n" + d.Detail()
			for _, s := range tc.says {
				if !strings.Contains(text, s) {
					t.Errorf("diagnostic %q does not say %q", text, s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(text, s) {
					t.Errorf("diagnostic %q says %q", text, s)
				}
			}
			if strings.Contains(text, "<br") {
				t.Errorf("diagnostic carries markup: %q", text)
			}
		})
	}
}

func TestParseMemberID(t *testing.T) {
	t.Parallel()
	const img = exampleImageID
	good := []struct{ id, image, member string }{
		{memberImportID(img, exampleMemberID), img, exampleMemberID},
		{img + "/" + strings.Repeat("m", 255), img, strings.Repeat("m", 255)},
	}
	for _, g := range good {
		image, member, err := parseMemberID(g.id)
		if err != nil || image != g.image || member != g.member {
			t.Errorf("parseMemberID(%q) = %q, %q, %v", g.id, image, member, err)
		}
	}
	bad := map[string]string{
		img:                                  "has no '/'",
		"":                                   "has no '/'",
		"not-a-uuid/proj":                    "is not an image ID",
		strings.ToUpper(img) + "/proj":       "is not an image ID",
		img + "/":                            "is not a project ID",
		img + "/a/b":                         "is not a project ID",
		img + "/" + strings.Repeat("m", 256): "is not a project ID",
	}
	for id, want := range bad {
		_, _, err := parseMemberID(id)
		if err == nil {
			t.Errorf("parseMemberID(%q) accepted it", id)
			continue
		}
		d := invalidImportID(memberImportForm, err).Detail()
		if !strings.Contains(d, want) || !strings.Contains(d, "The import ID must have the form [<region>/]<image_id>/<member_id>, for example "+img+"/") {
			t.Errorf("parseMemberID(%q): %q, want one that says %q and shows the form", id, d, want)
		}
	}
}

// A resource used after a failed provider configuration says which image and member it
// left alone, and calls nothing.
func TestUnconfiguredClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := &imageMemberResource{}
	state := memberState(t, exampleImageID, "proj")
	resp := resource.DeleteResponse{State: state}
	r.Delete(ctx, resource.DeleteRequest{State: state}, &resp)
	if !resp.Diagnostics.HasError() {
		t.Fatal("a resource without a client must not go on")
	}
	d := resp.Diagnostics.Errors()[0].Detail()
	for _, want := range []string{"Image " + exampleImageID + ", member proj: nothing was changed", "Fix the provider block errors"} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostic %q does not mention %q", d, want)
		}
	}
}
