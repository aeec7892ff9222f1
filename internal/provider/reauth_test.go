package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
)

// An apply that outlives its token: the local cloud's second Keystone issues tokens that
// expire in seconds (cloud producer-short-token); every Glance answer is slowed down so the
// apply takes longer than one token. Glance answers 401 mid-apply, the provider logs in
// again, and the apply finishes.
func TestAccProvider_reauthentication(t *testing.T) {
	env := acctest.PreCheck(t)
	lifetime := env.ShortTokenSeconds
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	const latency = 2 * time.Second
	n := lifetime/int(latency.Seconds()) + 3 // a chain of creates that outlasts one token
	slow := proxytest.New(t, env.ImageURL, proxytest.Options{Faults: []proxytest.Fault{proxytest.Latency}, Latency: latency})

	var config strings.Builder
	config.WriteString(providerVia(devcloud.ProducerShortToken, slow.URL))
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
	tfresource.ParallelTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             checkMembers(t, imageID),
		Steps: []tfresource.TestStep{{
			PreConfig: func() { slow.Reset(); slow.SetFaultRate(1) },
			Config:    config.String(),
			Check: tfresource.ComposeTestCheckFunc(
				func(*terraform.State) error {
					slow.SetFaultRate(0)
					ex := slow.Exchanges()
					for i, e := range ex {
						if e.Status == 401 && i+1 < len(ex) && ex[i+1].Status < 300 && ex[i+1].Path == e.Path {
							t.Logf("token expired after %d of %d requests (lifetime %ds); the provider logged in again and the request succeeded", i, len(ex), lifetime)
							return nil
						}
					}
					return fmt.Errorf("no 401 followed by a success in %d requests over %s per request, token lifetime %ds: the test did not outlive a token", len(ex), latency, lifetime)
				},
				checkMembers(t, imageID, want...),
			),
			ConfigPlanChecks: emptyPlanAfterApply,
		}},
	})
}
