package provider

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// An apply that outlives its token, on each Image API version: the local cloud's second
// Keystone issues tokens that expire in seconds (cloud producer-short-token); every answer of
// the image service is slowed down so the apply takes longer than one token. The service
// answers 401 mid-apply, the provider logs in again, and the apply finishes.
func TestAccProvider_reauthentication(t *testing.T) {
	env := acctest.PreCheck(t)
	lifetime := env.ShortTokenSeconds
	const latency = 2 * time.Second
	n := lifetime/int(latency.Seconds()) + 3 // a chain of creates that outlasts one token
	for _, svc := range imageServices(t, env) {
		t.Run(svc.name(), func(t *testing.T) {
			imageID := svc.newImage(t)
			slow := proxytest.New(t, svc.url, proxytest.Options{Faults: []proxytest.Fault{proxytest.Latency}, Latency: latency})
			var config strings.Builder
			config.WriteString(tfcli.ProviderVia(devcloud.ProducerShortToken, slow.URL))
			var want []string
			for i := range n {
				member := fmt.Sprintf("reauth-%02d", i)
				want = append(want, member)
				var depends []string
				if i > 0 {
					depends = append(depends, fmt.Sprintf("depends_on = [glance_image_member.m%d]", i-1))
				}
				config.WriteString(memberBlock(fmt.Sprintf("m%d", i), imageID, member, depends...))
			}
			members := func(want ...string) func(*terraform.State) error {
				return func(*terraform.State) error {
					if got := slices.Sorted(maps.Keys(svc.members(t, imageID))); !slices.Equal(got, sorted(want)) {
						return fmt.Errorf("%s: image %s has members %v, want %v", svc.name(), imageID, got, sorted(want))
					}
					return nil
				}
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             members(),
				Steps: []tfresource.TestStep{{
					PreConfig: func() { slow.Reset(); slow.SetFaultRate(1) },
					Config:    config.String(),
					Check: tfresource.ComposeTestCheckFunc(
						func(*terraform.State) error {
							slow.SetFaultRate(0)
							ex := slow.Exchanges()
							for i, e := range ex {
								if e.Status == 401 && i+1 < len(ex) && ex[i+1].Status < 300 && ex[i+1].Path == e.Path {
									t.Logf("token expired after %d of %d requests (lifetime %ds); the provider logged in again and the request "+
										"succeeded", i, len(ex), lifetime)
									return nil
								}
							}
							return fmt.Errorf("no 401 followed by a success in %d requests over %s per request, token lifetime %ds: the "+
								"test did not outlive a token", len(ex), latency, lifetime)
						},
						members(want...),
					),
					ConfigPlanChecks: emptyPlanAfterApply,
				}},
			})
		})
	}
}

// Keystone restarts while a plan of 30 memberships, each of its own image (one list each),
// refreshes: the token expires mid-plan,
// Glance answers 401, and logging in again meets a Keystone that is away for seconds. The
// provider retries the login like any transient failure and the plan succeeds. When Keystone
// stays away, the plan fails with an error that names Keystone, not Glance.
func TestAccProvider_keystoneRestart(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	keystone := acctest.StartKeystone(t, env)
	var imageIDs []string // an image each: reads of one image would share one list
	for range 30 {
		imageIDs = append(imageIDs, acctest.NewImage(t, images.ImageVisibilityShared))
	}
	slow := proxytest.New(
		t,
		env.ImageURL,
		proxytest.Options{Faults: []proxytest.Fault{proxytest.Latency}, Latency: time.Second},
	)
	w := tfcli.NewWorkdir(t, fmt.Sprintf(`
provider "glance" {
  auth_url            = %q
  image_endpoint      = %q
  user_name           = "producer"
  user_domain_name    = "Default"
  password            = %q
  project_name        = "producer"
  project_domain_name = "Default"
}

resource "glance_image_member" "m" {
  for_each  = toset([%s])
  image_id  = each.value
  member_id = %q
}
`, keystone.URL, slow.URL, env.Password("producer"), tfcli.QuoteAll(imageIDs), env.Consumer2Project),
		"TF_LOG_PROVIDER=WARN") // the retries' log lines
	w.Must("apply", "-auto-approve", "-input=false", "-parallelism=10")

	// plan runs a refresh of 30 reads, two at a time, a second each: longer than a token lives.
	plan := func(outage time.Duration) (string, int) {
		slow.Reset()
		slow.SetFaultRate(1)
		defer slow.SetFaultRate(0)
		done := make(chan struct{})
		var out string
		var code int
		go func() {
			defer close(done)
			out, code = w.Run("plan", "-detailed-exitcode", "-input=false", "-parallelism=2")
		}()
		for len(slow.Requests()) == 0 { // logged in; the refresh has begun
			time.Sleep(50 * time.Millisecond)
		}
		keystone.Stop()
		t.Logf("Keystone stopped for %s, %d s tokens", outage, env.ShortTokenSeconds)
		if outage > 0 {
			time.Sleep(outage)
			keystone.Start()
		}
		<-done
		return out, code
	}

	out, code := plan(time.Duration(env.ShortTokenSeconds+3) * time.Second)
	if code != 0 {
		t.Fatalf("the plan did not survive a Keystone restart (exit %d):\n%s", code, tfcli.Tail(out, 40))
	}
	expired := 0
	for _, e := range slow.Exchanges() {
		if e.Status == 401 {
			expired++
		}
	}
	if expired == 0 {
		t.Fatalf("Glance never answered 401 in %d requests: the token did not expire during the outage", len(slow.Requests()))
	}
	retried := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "retrying request after a transient failure") && strings.Contains(line, keystone.URL) {
			retried++
		}
	}
	if retried == 0 {
		t.Fatalf(
			"no login was retried: the token did not run out while Keystone was away (%d answers 401):\n%s",
			expired,
			tfcli.Tail(out, 30),
		)
	}
	t.Logf(
		"plan survived: %d requests, %d answered 401 while Keystone was away, %d logins retried",
		len(slow.Requests()),
		expired,
		retried,
	)

	// Keystone stays away. One retry each, so that the 30 reads, each needing a token, give
	// up in seconds (the retries' backoff and bounds are TestReauth_retriesKeystone's).
	w.Setenv("OS_MAX_RETRIES=1")
	out, code = plan(0)
	if code != 1 || !strings.Contains(tfcli.Flat(out), "Glance asked for a new token (HTTP 401)") ||
		!strings.Contains(tfcli.Flat(out), "Keystone ("+keystone.URL+")") {
		t.Fatalf("with Keystone gone the plan must fail naming it (exit %d):\n%s", code, tfcli.Tail(out, 40))
	}
	keystone.Start()
	w.Must("destroy", "-auto-approve", "-input=false", "-parallelism=10")
}

// allow_reauth = false, as the openstack provider's: an apply that outlives its token is not
// logged in again; the 401 fails it with an error that names allow_reauth and where it was set.
// A destroy afterwards (a new token) removes what was made.
func TestAccProvider_allowReauthFalse(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	const latency = 2 * time.Second
	slow := proxytest.New(t, env.ImageURL, proxytest.Options{
		Faults: []proxytest.Fault{proxytest.Latency}, Latency: latency, FaultRate: 1,
		Only: func(r *http.Request) bool { return r.Method == http.MethodPost }, // the adds; destroy is quick
	})
	var config strings.Builder
	fmt.Fprintf(&config, `
provider "glance" {
  cloud          = %q
  image_endpoint = %q
  allow_reauth   = false
}
`, devcloud.ProducerShortToken, slow.URL)
	n := env.ShortTokenSeconds/int(latency.Seconds()) + 3 // a chain of adds that outlasts one token
	for i := range n {
		var depends []string
		if i > 0 {
			depends = append(depends, fmt.Sprintf("depends_on = [glance_image_member.m%d]", i-1))
		}
		config.WriteString(memberBlock(fmt.Sprintf("m%d", i), imageID, fmt.Sprintf("no-reauth-%02d", i), depends...))
	}
	w := tfcli.NewWorkdir(t, config.String())
	out, code := w.Run("apply", "-auto-approve", "-input=false")
	want := "allow_reauth = false (from provider attribute allow_reauth) keeps the provider from logging in again"
	if code == 0 || !strings.Contains(tfcli.Flat(out), want) {
		t.Fatalf("an apply that outlived its token with allow_reauth = false (exit %d):\n%s", code, tfcli.Tail(out, 30))
	}
	w.Must("destroy", "-auto-approve", "-input=false")
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Fatalf("destroy left %v", got)
	}
}
