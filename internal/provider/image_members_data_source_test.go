package provider

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

func TestAccImageMembersDataSource_basic(t *testing.T) {
	env := acctest.PreCheck(t)
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	for _, m := range []string{env.ConsumerProject, env.Consumer2Project, env.AdminProject} {
		acctest.AddMember(t, imageID, m)
		t.Cleanup(func() { acctest.RemoveMember(t, imageID, m) })
	}
	acctest.SetStatus(t, "consumer", imageID, env.ConsumerProject, "accepted")
	member := func(id, status string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"member_id": knownvalue.StringExact(id), "status": knownvalue.StringExact(status),
			"created_at": knownvalue.StringRegexp(rfc3339), "updated_at": knownvalue.StringRegexp(rfc3339),
			"can_share": knownvalue.Bool(false),
		})
	}
	all := []knownvalue.Check{}
	for _, id := range sorted([]string{env.ConsumerProject, env.Consumer2Project, env.AdminProject}) {
		status := "pending"
		if id == env.ConsumerProject {
			status = "accepted"
		}
		all = append(all, member(id, status))
	}
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{{
			PreConfig: proxy.Reset,
			Config: tfcli.ProviderVia("producer", proxy.URL) + fmt.Sprintf(`
data "glance_image_members" "all" {
  image_id = %[1]q
}

data "glance_image_members" "accepted" {
  image_id = %[1]q
  status   = "accepted"
}
`, imageID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.glance_image_members.all", tfjsonpath.New("id"), knownvalue.StringExact(imageID)),
				statecheck.ExpectKnownValue("data.glance_image_members.all", tfjsonpath.New("members"), knownvalue.ListExact(all)),
				statecheck.ExpectKnownValue("data.glance_image_members.accepted", tfjsonpath.New("members"),
					knownvalue.ListExact([]knownvalue.Check{member(env.ConsumerProject, "accepted")})),
			},
			// Each read is the one list call, never a call per member.
			Check: func(*terraform.State) error {
				reqs := memberCalls(proxy)
				for _, r := range reqs {
					if r != "GET /v2/images/"+imageID+"/members" {
						return fmt.Errorf("the data sources made %s; only the list call is expected:%s", r, acctest.Lines(reqs))
					}
				}
				t.Logf("two data sources, read during plan and apply: %d requests, each the list call", len(reqs))
				return nil
			},
			ConfigPlanChecks: emptyPlanAfterApply,
		}},
	})
}

// Answers a real Glance does not give, from a small server in front of nothing: the provider
// logs in at the real Keystone and reads the image's members from the server. An answer that
// trickles in is cut by the data source's timeouts block; an answer that came but cannot be
// read is named for what it was (its status and first bytes), not "no answer", and is not
// tried again.
func TestAccDataSources_badAnswers(t *testing.T) {
	acctest.PreCheck(t)
	const imageID = "3f1c9a52-5e0b-4d7e-9a8f-2b6c1d0e4f77"
	cases := []struct {
		name    string
		answer  func(w http.ResponseWriter, r *http.Request)
		timeout string
		says    string
	}{
		{"trickles one byte a second", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			for _, b := range []byte(strings.Repeat(" ", 600) + `{"members": []}`) {
				if _, err := w.Write([]byte{b}); err != nil {
					return
				}
				if f, ok := w.(http.Flusher); ok {
					f.Flush()
				}
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Second):
				}
			}
		}, "3s", `the operation's timeout passed before Glance answered. ` +
			`Raise it in the timeouts block (read; for example timeouts { read = "20m" })`},
		{"not JSON", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"members": [{"member_id": "p1"`)
		}, "", `with HTTP 200, but the answer cannot be read (it is not JSON); ` +
			`it begins: "{\"members\": [{\"member_id\": \"p1\""`},
		{"members of the wrong type", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"members": "none"}`)
		}, "", `with HTTP 200, but the answer cannot be read (json: cannot unmarshal string into Go`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var seen []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = append(seen, r.Method+" "+r.URL.Path)
				mu.Unlock()
				tc.answer(w, r)
			}))
			t.Cleanup(srv.Close)
			timeouts := ""
			if tc.timeout != "" {
				timeouts = fmt.Sprintf("\n  timeouts {\n    read = %q\n  }", tc.timeout)
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []tfresource.TestStep{{
					Config: fmt.Sprintf(`
provider "glance" {
  cloud             = "producer"
  image_endpoint    = %q
  image_api_version = "2"
}

data "glance_image_members" "test" {
  image_id = %q%s
}
`, srv.URL, imageID, timeouts),
					ExpectError: regexp.MustCompile(
						`(?s)Error listing image members.*` + spaced(regexp.QuoteMeta("Image "+imageID+": ")) +
							`.*` + spaced(regexp.QuoteMeta(tc.says)),
					),
				}},
			})
			mu.Lock()
			defer mu.Unlock()
			if want := "GET /v2/images/" + imageID + "/members"; !slices.Equal(seen, []string{want}) {
				t.Errorf("requests %v, want the one list, not tried again", seen)
			}
		})
	}
}
