package bench

// The shapes of sharing at scale, beyond one image and N projects: one authoritative list of
// thousands of members, many images × many projects, and the member side's answers to many
// images. TestAccCost_scale holds their request counts in every `make test`;
// BenchmarkSharing measures them beside terraform-provider-openstack.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// The sizes of the scale cases.
const (
	bigListMembers  = 2000 // one glance_image_members
	manyImages      = 20   // images × projects, glance_image_member for each pair
	manyProjects    = 25
	manyAcceptances = 200 // glance_image_member_acceptance, one per image shared with the consumer
)

// scaleCase is one configuration measured through apply, the no-op plan and destroy.
type scaleCase struct {
	name string
	// peer marks terraform-provider-openstack's way of writing the same.
	peer bool
	// run sets Glance up, then measures the steps (measureSteps).
	run func(t testing.TB, env acctest.Env, cpuLog string, tfEnv ...string) map[string]stepCost
}

// bigList is one glance_image_members of n members, on the second region's Glance, which has
// no limit on members per image.
func bigList(n int) scaleCase {
	return scaleCase{
		name: fmt.Sprintf("`glance_image_members`, one image, %d members", n),
		run: func(t testing.TB, env acctest.Env, cpuLog string, tfEnv ...string) map[string]stepCost {
			imageID := acctest.NewImageIn(t, devcloud.Producer, devcloud.RegionTwo, images.ImageVisibilityShared)
			proxy := proxytest.New(t, env.Image2URL, proxytest.Options{})
			w := tfcli.NewWorkdir(t, tfcli.ProviderVia(devcloud.Producer, proxy.URL)+
				membersBlock("all", imageID, acctest.MadeUpProjects(n)), tfEnv...)
			return measureSteps(t, "big list", proxy, w, cpuLog, glancePIDFile(env, env.Image2URL),
				func(step string) error { return countMembers(t, devcloud.RegionTwo, []string{imageID}, n, step) })
		},
	}
}

func membersBlock(name, imageID string, projects []string) string {
	return fmt.Sprintf("\nresource \"glance_image_members\" %q {\n  image_id   = %q\n  member_ids = [%s]\n}\n",
		name, imageID, tfcli.QuoteAll(projects))
}

// countMembers checks that each image has want members after a step (none after destroy).
func countMembers(t testing.TB, region string, imageIDs []string, want int, step string) error {
	if step == "destroy" {
		want = 0
	}
	c := acctest.ImageIn(t, devcloud.Producer, region)
	for _, id := range imageIDs {
		pages, err := members.List(c, id).AllPages(context.Background())
		if err != nil {
			return err
		}
		list, err := members.ExtractMembers(pages)
		if err != nil {
			return err
		}
		if len(list) != want {
			return fmt.Errorf("image %s has %d members, want %d", id, len(list), want)
		}
	}
	return nil
}

// imagesTimesProjects shares each of manyImages images with each of manyProjects projects:
// glance_image_member for each pair (for_each over setproduct), or the peer's
// openstack_images_image_access_v2, or one glance_image_members per image.
func imagesTimesProjects(way string) scaleCase {
	nImages, nProjects := manyImages, manyProjects
	return scaleCase{
		name: fmt.Sprintf("`%s`, %d images × %d projects", way, nImages, nProjects),
		peer: way == peerWay.name,
		run: func(t testing.TB, env acctest.Env, cpuLog string, tfEnv ...string) map[string]stepCost {
			imageIDs := make([]string, nImages)
			for i := range imageIDs {
				imageIDs[i] = acctest.NewImage(t, images.ImageVisibilityShared)
			}
			projects := acctest.MadeUpProjects(nProjects)
			proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
			pairs := fmt.Sprintf(`
locals {
  pairs = { for p in setproduct([%s], [%s]) : "${p[0]}/${p[1]}" => p }
}
`, tfcli.QuoteAll(imageIDs), tfcli.QuoteAll(projects))
			var config string
			switch way {
			case peerWay.name:
				config = peerProvider(devcloud.Producer, proxy.URL) + pairs + `
resource "openstack_images_image_access_v2" "m" {
  for_each  = local.pairs
  image_id  = each.value[0]
  member_id = each.value[1]
}
`
			case memberWay.name:
				config = tfcli.ProviderVia(devcloud.Producer, proxy.URL) + pairs + `
resource "glance_image_member" "m" {
  for_each  = local.pairs
  image_id  = each.value[0]
  member_id = each.value[1]
}
`
			default:
				config = tfcli.ProviderVia(devcloud.Producer, proxy.URL) + fmt.Sprintf(`
resource "glance_image_members" "m" {
  for_each   = toset([%s])
  image_id   = each.value
  member_ids = [%s]
}
`, tfcli.QuoteAll(imageIDs), tfcli.QuoteAll(projects))
			}
			w := tfcli.NewWorkdir(t, config, tfEnv...)
			return measureSteps(t, way, proxy, w, cpuLog, glancePIDFile(env, env.ImageURL),
				func(step string) error { return countMembers(t, "", imageIDs, nProjects, step) })
		},
	}
}

func peerProvider(cloud, proxyURL string) string {
	return tfcli.RequiredProviders("openstack") + fmt.Sprintf(`
provider "openstack" {
  cloud              = %q
  endpoint_overrides = { image = "%s/v2/" }
}
`, cloud, proxyURL)
}

const (
	acceptWay     = "glance_image_member_acceptance"
	peerAcceptWay = "openstack_images_image_access_accept_v2"
)

// acceptances are the member side: n images shared with the consumer, each accepted by it
// (glance_image_member_acceptance, or the peer's openstack_images_image_access_accept_v2) and
// rejected on destroy.
func acceptances(way string, n int) scaleCase {
	return scaleCase{
		name: fmt.Sprintf("`%s`, %d images", way, n),
		peer: way == peerAcceptWay,
		run: func(t testing.TB, env acctest.Env, cpuLog string, tfEnv ...string) map[string]stepCost {
			imageIDs := sharedWithConsumer(t, env, n)
			proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
			config := tfcli.ProviderVia(devcloud.Consumer, proxy.URL) + fmt.Sprintf(`
resource "glance_image_member_acceptance" "a" {
  for_each          = toset([%s])
  image_id          = each.value
  status_on_destroy = "rejected"
}
`, tfcli.QuoteAll(imageIDs))
			if way == peerAcceptWay {
				config = peerProvider(devcloud.Consumer, proxy.URL) + fmt.Sprintf(`
resource "openstack_images_image_access_accept_v2" "a" {
  for_each  = toset([%s])
  image_id  = each.value
  member_id = %q
  status    = "accepted"
}
`, tfcli.QuoteAll(imageIDs), env.ConsumerProject)
			}
			w := tfcli.NewWorkdir(t, config, tfEnv...)
			return measureSteps(t, way, proxy, w, cpuLog, glancePIDFile(env, env.ImageURL), func(step string) error {
				want := "accepted"
				if step == "destroy" {
					want = "rejected"
				}
				return countAnswers(t, imageIDs, want)
			})
		},
	}
}

// sharedWithConsumer makes n images, each shared with the consumer project (pending).
func sharedWithConsumer(t testing.TB, env acctest.Env, n int) []string {
	t.Helper()
	imageIDs := make([]string, n)
	var mu sync.Mutex
	inParallel(n, func(i int) {
		id := acctest.NewImage(t, images.ImageVisibilityShared)
		acctest.AddMember(t, id, env.ConsumerProject)
		mu.Lock()
		imageIDs[i] = id
		mu.Unlock()
	})
	return imageIDs
}

// inParallel calls fn(0..n-1), eight at a time.
func inParallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

// countAnswers checks that the consumer's answer to each image is want, from its own lists.
func countAnswers(t testing.TB, imageIDs []string, want string) error {
	c := acctest.Image(t, devcloud.Consumer)
	got := map[string]bool{}
	opts := images.ListOpts{Visibility: images.ImageVisibilityShared, MemberStatus: images.ImageMemberStatus(want),
		Limit: 100}
	err := images.List(c, opts).EachPage(context.Background(), func(_ context.Context, p pagination.Page) (bool, error) {
		list, err := images.ExtractImages(p)
		for _, img := range list {
			got[img.ID] = true
		}
		return true, err
	})
	if err != nil {
		return err
	}
	var missing []string
	for _, id := range imageIDs {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d of %d images are not %s by the consumer: %s", len(missing), len(imageIDs), want,
			strings.Join(missing, ", "))
	}
	return nil
}

// The request counts at scale: a refresh of 200 acceptances is a few lists of the images
// shared with the project (one per answer, paginated), not 200 reads; 20 images × 25
// projects of glance_image_member plan with one list per image; and an authoritative list of
// 2000 members plans with one request.
func TestAccCost_scale(t *testing.T) {
	env := acctest.PreCheck(t)
	t.Parallel()
	t.Run("acceptances", func(t *testing.T) {
		t.Parallel()
		costs := acceptances(acceptWay, manyAcceptances).run(t, env, "")
		logCosts(t, manyAcceptances, costs)
		atMost(t, costs["plan"], 3, "a refresh of %d acceptances", manyAcceptances)
		exactWrites(t, costs["apply"], manyAcceptances, "apply")
		exactWrites(t, costs["destroy"], manyAcceptances, "destroy")
	})
	t.Run("images × projects", func(t *testing.T) {
		t.Parallel()
		costs := imagesTimesProjects(memberWay.name).run(t, env, "")
		logCosts(t, manyImages*manyProjects, costs)
		atMost(t, costs["plan"], manyImages, "a refresh of %d images × %d projects", manyImages, manyProjects)
		exactWrites(t, costs["apply"], manyImages*manyProjects, "apply")
		exactWrites(t, costs["destroy"], manyImages*manyProjects, "destroy")
	})
	t.Run("big list", func(t *testing.T) {
		t.Parallel()
		// The members are added out of band and imported: a plan of 2000 is what is counted.
		imageID := acctest.NewImageIn(t, devcloud.Producer, devcloud.RegionTwo, images.ImageVisibilityShared)
		projects := acctest.MadeUpProjects(bigListMembers)
		c := acctest.ImageIn(t, devcloud.Producer, devcloud.RegionTwo)
		inParallel(len(projects), func(i int) {
			if _, err := members.Create(context.Background(), c, imageID, projects[i]).Extract(); err != nil {
				t.Errorf("add member %s: %v", projects[i], err)
			}
		})
		if t.Failed() {
			t.FailNow()
		}
		proxy := proxytest.New(t, env.Image2URL, proxytest.Options{})
		w := tfcli.NewWorkdir(t, tfcli.ProviderVia(devcloud.Producer, proxy.URL)+membersBlock("all", imageID, projects))
		w.Must("import", "glance_image_members.all", imageID)
		proxy.Reset()
		w.ExpectEmptyPlan()
		plan := stepCost{requests: requestsOf(proxy)}
		t.Logf("no-op plan of one glance_image_members with %d members: %d requests", bigListMembers, len(plan.requests))
		if got := len(plan.requests); got != 1 {
			t.Errorf("a no-op plan of %d members made %d requests, want 1:%s", bigListMembers, len(plan.requests),
				acctest.Lines(plan.requests))
		}
	})
}

func logCosts(t *testing.T, n int, costs map[string]stepCost) {
	for _, step := range benchSteps {
		c := costs[step.name]
		t.Logf("%s of %d: %d requests (%d GET, %d PUT, %d POST, %d DELETE)", step.name, n, len(c.requests),
			c.count("GET"), c.count("PUT"), c.count("POST"), c.count("DELETE"))
	}
}

// atMost checks that a step made at most max requests, the version detection included.
func atMost(t *testing.T, c stepCost, limit int, what string, args ...any) {
	t.Helper()
	if len(c.requests) > limit {
		t.Errorf("%s made %d requests, want at most %d:%s", fmt.Sprintf(what, args...), len(c.requests), limit,
			acctest.Lines(c.requests))
	}
}

// exactWrites checks that a step made exactly n requests other than GET.
func exactWrites(t *testing.T, c stepCost, n int, step string) {
	t.Helper()
	if writes := c.count("") - c.count("GET"); writes != n {
		t.Errorf("%s made %d writes, want %d:%s", step, writes, n, acctest.Lines(c.requests))
	}
}
