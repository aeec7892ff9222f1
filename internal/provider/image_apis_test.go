package provider

// The owner-side tests that run against both Image API versions, table-driven: v2 is the
// real local Glance; v1 is the glancev1test stand-in, because no Glance that can be
// installed today serves v1 (it was removed in Rocky). The stand-in checks every token with
// the real local Keystone, so authentication stays real.

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-testing/config"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/glancev1test"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

func (s imageService) name() string { return "v" + s.api }

// start is a table test's set-up: a new shared image of the producer, a counting proxy in
// front of the service, and the producer's provider block through it.
func (s imageService) start(t *testing.T) (imageID string, proxy *proxytest.Proxy, provider string) {
	t.Helper()
	proxy = proxytest.New(t, s.url, proxytest.Options{})
	return s.newImage(t), proxy, tfcli.ProviderVia(devcloud.Producer, proxy.URL)
}

// memberPath is the URL path of one membership, as the version spells it.
func (s imageService) memberPath(imageID, memberID string) string {
	return fmt.Sprintf("/v%s/images/%s/members/%s", s.api, imageID, memberID)
}

// listRequest is the member list's request.
func (s imageService) listRequest(imageID string) string {
	return fmt.Sprintf("GET /v%s/images/%s/members", s.api, imageID)
}

// addRequests are the requests that add one member: v2's POST; v1 looks first (its PUT would
// silently adopt a member someone else added), then PUTs.
func (s imageService) addRequests(imageID, memberID string) []string {
	if s.api == glanceclient.ImageAPIv1 {
		return []string{s.listRequest(imageID), "PUT " + s.memberPath(imageID, memberID)}
	}
	return []string{fmt.Sprintf("POST /v2/images/%s/members", imageID)}
}

// checkGone is a CheckDestroy: the membership is not on the service.
func (s imageService) checkGone(t *testing.T, imageID, memberID string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if _, ok := s.members(t, imageID)[memberID]; ok {
			return fmt.Errorf("%s: image %s still has member %s after destroy", s.name(), imageID, memberID)
		}
		return nil
	}
}

// checkMember says the service has the membership, with can_share as given.
func (s imageService) checkMember(t *testing.T, imageID, memberID string, canShare bool) func(*terraform.State) error {
	return func(*terraform.State) error {
		got, ok := s.members(t, imageID)[memberID]
		if !ok || got != canShare {
			return fmt.Errorf(
				"%s: image %s member %s: present %v, can_share %v; want present with can_share %v",
				s.name(),
				imageID,
				memberID,
				ok,
				got,
				canShare,
			)
		}
		return nil
	}
}

// expectRequests is a Check: since the proxy's last reset, exactly want (version detection aside).
func expectRequests(proxy *proxytest.Proxy, what string, want ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := memberCalls(proxy)
		if !slices.Equal(got, want) {
			return fmt.Errorf("%s made %d requests:%s\nwant exactly:%s", what, len(got), acctest.Lines(got), acctest.Lines(want))
		}
		return nil
	}
}

// statusOf is the state's status for a new membership: pending on v2, null on v1 (no status).
func (s imageService) statusOf() knownvalue.Check {
	if s.api == glanceclient.ImageAPIv1 {
		return knownvalue.Null()
	}
	return knownvalue.StringExact("pending")
}

// A glance_image_member's whole life on each version: created with the version's add (one
// POST on v2; a look and one PUT on v1), refreshed with one list, restored after a removal
// outside Terraform, imported, and destroyed with exactly the version's remove-member call:
// on v1 DELETE /v1/images/{image_id}/members/{member_id}.
func TestAccImageAPIs_imageMember(t *testing.T) {
	env := acctest.PreCheck(t)
	for _, svc := range imageServices(t, env) {
		t.Run(svc.name(), func(t *testing.T) {
			imageID, proxy, provider := svc.start(t)
			config := provider + memberBlock("test", imageID, env.ConsumerProject)
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             svc.checkGone(t, imageID, env.ConsumerProject),
				Steps: []tfresource.TestStep{
					{
						PreConfig: proxy.Reset,
						Config:    config,
						Check: tfresource.ComposeTestCheckFunc(
							expectRequests(proxy, "apply of one member", svc.addRequests(imageID, env.ConsumerProject)...),
							svc.checkMember(t, imageID, env.ConsumerProject, false),
						),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(
								memberAddr,
								tfjsonpath.New("id"),
								knownvalue.StringExact(imageID+"/"+env.ConsumerProject),
							),
							statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("status"), svc.statusOf()),
							statecheck.ExpectKnownValue(memberAddr, tfjsonpath.New("can_share"), knownvalue.Bool(false)),
						},
						ConfigPlanChecks: emptyPlanAfterApply,
					},
					{ // a refresh is one list
						PreConfig:    proxy.Reset,
						RefreshState: true,
						Check:        expectRequests(proxy, "refresh of one member", svc.listRequest(imageID)),
					},
					{ // removed outside Terraform: planned as a create, and restored
						PreConfig: func() { svc.remove(t, imageID, env.ConsumerProject) },
						Config:    config,
						ConfigPlanChecks: tfresource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(memberAddr, plancheck.ResourceActionCreate),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: svc.checkMember(t, imageID, env.ConsumerProject, false),
					},
					{Config: config, ResourceName: memberAddr, ImportState: true, ImportStateVerify: true},
					{ // destroyed by taking it out of the configuration: one list (the refresh), one remove
						PreConfig: proxy.Reset,
						Config:    provider,
						Check: tfresource.ComposeTestCheckFunc(
							expectRequests(
								proxy,
								"destroy of one member",
								svc.listRequest(imageID),
								"DELETE "+svc.memberPath(imageID, env.ConsumerProject),
							),
							svc.checkGone(t, imageID, env.ConsumerProject),
						),
						ConfigPlanChecks: emptyPlanAfterApply,
					},
				},
			})
		})
	}
}

// What each version refuses, explained the same way: a missing image, a member that was
// added outside Terraform, and a member project trying to share the owner's image further
// (v1 answers that with 404 "No permission to share that image": it must never read as
// "not found").
func TestAccImageAPIs_refusals(t *testing.T) {
	env := acctest.PreCheck(t)
	for _, svc := range imageServices(t, env) {
		t.Run(svc.name(), func(t *testing.T) {
			imageID := svc.newImage(t)
			svc.add(t, imageID, env.ConsumerProject, false)
			missing := "00000000-0000-4000-8000-000000000000"
			refusedBy := `.*` + spaced(
				`owned by project `+env.ProducerProject+`, but the provider acts as project `+env.ConsumerProject,
			)
			if svc.api == glanceclient.ImageAPIv1 {
				refusedBy = `.*` + spaced(`answered 404 "No permission to share that image", v1's way of refusing`) +
					refusedBy + `.*` + spaced(`or a member the owner gave can_share`)
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []tfresource.TestStep{
					{
						Config: tfcli.ProviderVia(devcloud.Producer, svc.url) + memberBlock("test", missing, env.Consumer2Project),
						ExpectError: regexp.MustCompile(
							`(?s)Error adding image member.*` + spaced(
								`Image `+missing+`, member `+env.Consumer2Project+`: image `+missing+` was not found`,
							),
						),
					},
					{
						Config: tfcli.ProviderVia(devcloud.Consumer, svc.url) + memberBlock("test", imageID, env.Consumer2Project),
						ExpectError: regexp.MustCompile(
							`(?s)Error adding image member.*` + spaced(`Image `+imageID+`, member `+env.Consumer2Project+`:`) + refusedBy,
						),
					},
				},
			})
			if got := slices.Sorted(maps.Keys(svc.members(t, imageID))); !slices.Equal(got, []string{env.ConsumerProject}) {
				t.Errorf("members after the refusals: %v, want only %s", got, env.ConsumerProject)
			}
		})
	}
}

// glance_image_members on each version. On v1 the whole list is one PUT on the collection
// whatever the number of members, and member_status is null; on v2 one call per change. (An
// update on v1 first makes one change alone, whose answer tells the provider process which
// version it speaks, then the PUT: the process of an apply has read nothing before.)
func TestAccImageAPIs_imageMembers(t *testing.T) {
	env := acctest.PreCheck(t)
	for _, svc := range imageServices(t, env) {
		t.Run(svc.name(), func(t *testing.T) {
			imageID, proxy, provider := svc.start(t)
			many := []string{"p-01", "p-02", "p-03", "p-04", "p-05", "p-06"}
			config := func(ids []string) string {
				return provider + fmt.Sprintf("\nresource \"glance_image_members\" \"all\" {\n  image_id   = %q\n  member_ids = "+
					"[%s]\n}\n", imageID, tfcli.QuoteAll(ids))
			}
			applied := func(ids []string, writes, v1Writes int) func(*terraform.State) error {
				return func(*terraform.State) error {
					got := memberCalls(proxy)
					n := 0
					for _, r := range got {
						if !strings.HasPrefix(r, "GET ") {
							n++
						}
					}
					if svc.api == glanceclient.ImageAPIv1 {
						writes = v1Writes
					}
					if n != writes {
						return fmt.Errorf("%s: %d writes, want %d:%s", svc.name(), n, writes, acctest.Lines(got))
					}
					if members := slices.Sorted(maps.Keys(svc.members(t, imageID))); !slices.Equal(members, sorted(ids)) {
						return fmt.Errorf("%s: members %v, want %v", svc.name(), members, ids)
					}
					return nil
				}
			}
			var status knownvalue.Check = knownvalue.MapSizeExact(len(many))
			if svc.api == glanceclient.ImageAPIv1 {
				status = knownvalue.Null()
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: func(*terraform.State) error {
					if got := svc.members(t, imageID); len(got) != 0 {
						return fmt.Errorf("%s: members left after destroy: %v", svc.name(), got)
					}
					return nil
				},
				Steps: []tfresource.TestStep{
					{
						PreConfig: proxy.Reset,
						Config:    config(many),
						Check:     applied(many, len(many), 1), // the create lists first: one PUT on v1
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue("glance_image_members.all", tfjsonpath.New("member_status"), status),
						},
						ConfigPlanChecks: emptyPlanAfterApply,
					},
					{ // two removed, one added outside Terraform: all undone on apply
						PreConfig: func() {
							svc.add(t, imageID, "p-07", false)
							proxy.Reset()
						},
						Config: config(many[:4]),
						// p-05, p-06 and p-07 removed: 3 DELETEs on v2; on v1 one DELETE, then one PUT
						Check:            applied(many[:4], 3, 2),
						ConfigPlanChecks: emptyPlanAfterApply,
					},
				},
			})
		})
	}
}

// Which Image API the provider speaks, whatever the form of image_endpoint (unversioned, or
// ending in /v1 or /v2): v2, told by the first call's answer without a request of its own; on
// a service without v2, that call's 300 has the version document read once, and the call made
// again in v1; image_api_version skips both. Every member call then uses that version's paths.
func TestAccImageAPI_detection(t *testing.T) {
	env := acctest.PreCheck(t)
	v1 := glancev1test.Start(t, env.AuthURL)
	for _, tc := range []struct {
		name, target, suffix, attr, want string
	}{
		{"Glance unversioned", env.ImageURL, "", "", glanceclient.ImageAPIv2},
		{"Glance /v2", env.ImageURL, "/v2", "", glanceclient.ImageAPIv2},
		{"Glance image_api_version 2", env.ImageURL, "", "2", glanceclient.ImageAPIv2},
		{"v1 unversioned", v1.URL, "/", "", glanceclient.ImageAPIv1},
		{"v1 /v1", v1.URL, "/v1", "", glanceclient.ImageAPIv1},
		{"v1 /v2", v1.URL, "/v2/", "", glanceclient.ImageAPIv1},
		{"v1 image_api_version 1.1", v1.URL, "/v1", "1.1", glanceclient.ImageAPIv1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			imageID := v1.AddImage(env.ProducerProject, "shared")
			if tc.want == glanceclient.ImageAPIv2 {
				imageID = acctest.NewImage(t, images.ImageVisibilityShared)
			}
			proxy := proxytest.New(t, tc.target, proxytest.Options{})
			version := ""
			if tc.attr != "" {
				version = fmt.Sprintf("  image_api_version = %q\n", tc.attr)
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []tfresource.TestStep{{
					Config: fmt.Sprintf(
						"provider \"glance\" {\n  cloud = %q\n  image_endpoint = %q\n%s}\n",
						devcloud.Producer,
						proxy.URL+tc.suffix,
						version,
					) +
						fmt.Sprintf(
							"data \"glance_image_members\" \"m\" {\n  image_id = %q\n}\n",
							imageID,
						),
					Check: func(*terraform.State) error {
						got := proxy.Requests()
						detections, v2Tries := 0, 0
						for _, r := range got {
							switch {
							case r == acctest.VersionDetection:
								detections++
							case tc.want == glanceclient.ImageAPIv1 && r == "GET /v2/images/"+imageID+"/members":
								v2Tries++ // answered with the versions document
							case !strings.HasPrefix(r, "GET /v"+tc.want+"/images/"+imageID+"/members"):
								return fmt.Errorf("a request outside Image API v%s:%s", tc.want, acctest.Lines(got))
							}
						}
						want := 0
						if tc.want == glanceclient.ImageAPIv1 && tc.attr == "" {
							want = 1 // one try of v2, its 300, then one read of the version document
						}
						if detections != want || v2Tries != want {
							return fmt.Errorf("%d version detections and %d tries of v2, want %d:%s", detections, v2Tries, want,
								acctest.Lines(got))
						}
						return nil
					},
				}},
			})
		})
	}
}

// A version that the service does not serve, a service that is no image service, and a
// version that does not exist: each an error that says what to change.
func TestAccImageAPI_wrongVersion(t *testing.T) {
	env := acctest.PreCheck(t)
	v1 := glancev1test.Start(t, env.AuthURL)
	imageID := v1.AddImage(env.ProducerProject, "shared")
	config := func(version string) string {
		return fmt.Sprintf(
			"provider \"glance\" {\n  cloud = %q\n  image_endpoint = %q\n  image_api_version = %q\n}\n",
			devcloud.Producer,
			v1.URL,
			version,
		) +
			fmt.Sprintf(
				"data \"glance_image_members\" \"m\" {\n  image_id = %q\n}\n",
				imageID,
			)
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{
				Config: config("2"),
				ExpectError: regexp.MustCompile(
					`(?s)` + spaced(
						regexp.QuoteMeta(
							`does not serve Image API v2: it answered with its versions document (HTTP 300). Unset image_api_version`,
						),
					),
				),
			},
			{ // Keystone is no image service: it has no image versions document
				Config: fmt.Sprintf(
					"provider \"glance\" {\n  cloud = %q\n  image_endpoint = %q\n}\n",
					devcloud.Producer,
					env.AuthURL,
				) +
					fmt.Sprintf(
						"data \"glance_image_members\" \"m\" {\n  image_id = %q\n}\n",
						imageID,
					),
				ExpectError: regexp.MustCompile(
					`(?s)` + spaced(regexp.QuoteMeta(`cannot tell which Image API the image service speaks:`)) +
						`.*` + spaced(`without a versions document`),
				),
			},
			{
				Config:      config("3"),
				ExpectError: regexp.MustCompile(`(?s)` + spaced(regexp.QuoteMeta(`image_api_version must be "2" or "1"`))),
			},
		},
	})
}

// The member's side on v1: glance_image_member_acceptance is an error at plan time (v1 has no
// answers), the data sources read v1 (can_share, null status, the inbox with image names),
// and a status filter, which v1 cannot answer, is an error that says why.
func TestAccImageAPIv1_memberSide(t *testing.T) {
	env := acctest.PreCheck(t)
	v1 := glancev1test.Start(t, env.AuthURL)
	imageID := v1.AddImage(env.ProducerProject, "shared")
	v1.SetMember(imageID, env.ConsumerProject, true)
	v1.SetMember(imageID, env.Consumer2Project, false)
	providers := fmt.Sprintf(`
provider "glance" {
  cloud          = %q
  image_endpoint = %q
}

provider "glance" {
  alias          = "member"
  cloud          = %q
  image_endpoint = %q
}
`, devcloud.Producer, v1.URL, devcloud.Consumer, v1.URL)
	member := func(id string, canShare bool) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"member_id": knownvalue.StringExact(id), "can_share": knownvalue.Bool(canShare),
			"status": knownvalue.Null(), "created_at": knownvalue.Null(), "updated_at": knownvalue.Null(),
		})
	}
	members := []knownvalue.Check{member(env.ConsumerProject, true), member(env.Consumer2Project, false)}
	if env.Consumer2Project < env.ConsumerProject {
		members[0], members[1] = members[1], members[0]
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{
			{
				Config: providers + fmt.Sprintf(`
data "glance_image_members" "all" {
  image_id = %q
}

data "glance_shared_images" "inbox" {
  provider = glance.member
}
`, imageID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(
						"data.glance_image_members.all",
						tfjsonpath.New("members"),
						knownvalue.ListExact(members),
					),
					statecheck.ExpectKnownValue(
						"data.glance_shared_images.inbox",
						tfjsonpath.New("images"),
						knownvalue.ListExact([]knownvalue.Check{
							knownvalue.ObjectPartial(map[string]knownvalue.Check{
								"id": knownvalue.StringExact(imageID), "name": knownvalue.StringExact(v1.Name(imageID)),
								"owner": knownvalue.StringExact(env.ProducerProject), "member_status": knownvalue.Null(),
								"can_share": knownvalue.Bool(true), "visibility": knownvalue.StringExact("shared"),
								"created_at": knownvalue.StringRegexp(rfc3339),
							}),
						}),
					),
				},
			},
			{
				Config: providers + fmt.Sprintf(`
data "glance_image_members" "accepted" {
  image_id = %q
  status   = "accepted"
}
`, imageID),
				ExpectError: regexp.MustCompile(
					`(?s)Member status filter needs Image API v2.*` + spaced(
						`speaks only Glance's Image API v1, which has no member status`,
					),
				),
			},
			{
				Config: providers + fmt.Sprintf(`
resource "glance_image_member_acceptance" "answer" {
  provider = glance.member
  image_id = %q
}
`, imageID),
				ExpectError: regexp.MustCompile(
					`(?s)glance_image_member_acceptance needs Image API v2.*` + spaced(
						`on v1 a membership is in effect as soon as the owner adds it`,
					),
				),
			},
		},
	})
}

// The guide "Clouds that still serve Glance v1" runs as written against the stand-in: two
// tenants, one allowed to share further; one dropped with v1's DELETE; then none.
func TestAccGuideGlanceV1_example(t *testing.T) {
	env := acctest.PreCheck(t)
	v1 := glancev1test.Start(t, env.AuthURL)
	imageID := v1.AddImage(env.ProducerProject, "shared")
	proxy := proxytest.New(t, v1.URL, proxytest.Options{})
	vars := func(tenants map[string]bool) config.Variables {
		m := map[string]config.Variable{}
		for id, canShare := range tenants {
			m[id] = config.BoolVariable(canShare)
		}
		return config.Variables{
			"cloud": config.StringVariable(devcloud.Producer), "image_endpoint": config.StringVariable(proxy.URL),
			"image_id": config.StringVariable(imageID), "tenants": config.MapVariable(m),
		}
	}
	both := map[string]bool{env.ConsumerProject: true, env.Consumer2Project: false}
	tfresource.ParallelTest(t, tfresource.TestCase{
		// the guide names its provider source: the built provider from the test mirror

		Steps: []tfresource.TestStep{
			{
				ConfigFile:      config.StaticFile("../../examples/guides/glance-v1/legacy.tf"),
				ConfigVariables: vars(both),
				ConfigStateChecks: []statecheck.StateCheck{checkAfterApply(func() error {
					if got := v1.Members(imageID); !maps.Equal(got, both) {
						return fmt.Errorf("the stand-in has members %v, want %v", got, both)
					}
					return nil
				})},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				PreConfig:       proxy.Reset,
				ConfigFile:      config.StaticFile("../../examples/guides/glance-v1/legacy.tf"),
				ConfigVariables: vars(map[string]bool{env.ConsumerProject: true}),
				ConfigStateChecks: []statecheck.StateCheck{checkAfterApply(func() error {
					return expectRequests(proxy, "dropping one tenant",
						"GET /v1/images/"+imageID+"/members", "DELETE /v1/images/"+imageID+"/members/"+env.Consumer2Project)(nil)
				})},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{ // no tenants left (this stands for CheckDestroy, which cannot read for_each state)
				ConfigFile:      config.StaticFile("../../examples/guides/glance-v1/legacy.tf"),
				ConfigVariables: vars(map[string]bool{}),
				ConfigStateChecks: []statecheck.StateCheck{checkAfterApply(func() error {
					if got := v1.Members(imageID); len(got) != 0 {
						return fmt.Errorf("members left: %v", got)
					}
					return nil
				})},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}

// checkAfterApply is a state check that looks elsewhere than the state: for configurations
// with for_each, whose state the older Check functions cannot read.
func checkAfterApply(check func() error) statecheck.StateCheck { return stateCheckFunc(check) }

type stateCheckFunc func() error

func (f stateCheckFunc) CheckState(
	_ context.Context,
	_ statecheck.CheckStateRequest,
	resp *statecheck.CheckStateResponse,
) {
	resp.Error = f()
}

// v1's member quota answers 413, explained as on v2; and nothing is left behind.
func TestAccImageAPIv1_quota(t *testing.T) {
	env := acctest.PreCheck(t)
	v1 := glancev1test.Start(t, env.AuthURL)
	v1.Quota = 1
	imageID := v1.AddImage(env.ProducerProject, "shared")
	v1.SetMember(imageID, env.ConsumerProject, false)
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []tfresource.TestStep{{
			Config: tfcli.ProviderVia(devcloud.Producer, v1.URL) + memberBlock("test", imageID, env.Consumer2Project),
			ExpectError: regexp.MustCompile(
				`(?s)Error adding image member.*` + spaced(`image `+imageID+` has reached Glance's limit on members per image`) +
					`.*Attempted:\s+2,\s+Maximum:\s+1`,
			),
		}},
	})
	if got := v1.Members(imageID); !maps.Equal(got, map[string]bool{env.ConsumerProject: false}) {
		t.Errorf("members after the refusal: %v", got)
	}
}
