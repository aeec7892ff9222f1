package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
)

// Answers a real Glance cannot be made to give: a server error and no answer at all. The
// real refusals (409, 403, 404, 413) are covered against the local cloud in TestAccBadInput.
func TestMemberErrorWithoutARealCause(t *testing.T) {
	t.Parallel()
	const img, member = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77", "proj"
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"message": "The server has either erred or is incapable of performing the requested operation.<br /><br />", "code": "500 Internal Server Error"}`))
	}))
	t.Cleanup(broken.Close)
	expired := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error": {"code": 401, "message": "The request you have made requires authentication."}}`))
	}))
	t.Cleanup(expired.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	cases := []struct {
		name     string
		endpoint string
		op       memberOp
		contains []string
	}{
		{"server error", broken.URL, opRead, []string{"Error reading image member", "Image " + img + ", member " + member, "HTTP 500", "Glance said: The server has either erred"}},
		{"no answer on add", closed.URL, opAdd, []string{"Error adding image member", "no answer from Glance", "may or may not have reached Glance", "import it"}},
		{"no answer on remove", closed.URL, opRemove, []string{"Error removing image member", "no answer from Glance"}},
		// A real Glance gives this once a given token expires mid-run; the unit test spares
		// waiting for it. (Re-authentication with a password is TestAccProvider_reauthentication.)
		{"given token expired", expired.URL, opRead, []string{"token given in token (OS_TOKEN)", "cannot be renewed", "password or application credential"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client := glanceclient.NewStatic(tc.endpoint, "token", "caller")
			_, err := client.GetMember(context.Background(), img, member)
			if err == nil {
				t.Fatal("want an error")
			}
			d := memberError(context.Background(), client, tc.op, img, member, err)
			text := d.Summary() + "\n" + d.Detail()
			for _, s := range tc.contains {
				if !strings.Contains(text, s) {
					t.Errorf("diagnostic %q does not mention %q", text, s)
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
		if !strings.Contains(d, want) || !strings.Contains(d, "The import ID must have the form <image_id>/<member_id>, for example "+img+"/") {
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
