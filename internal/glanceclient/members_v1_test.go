package glanceclient

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/glancev1test"
)

// v1As is the v1 client of a cloud of the local cloud's clouds.yaml, at the stand-in.
func v1As(t *testing.T, env acctest.Env, cloud, standIn string) v1Members {
	t.Helper()
	cfg, err := Resolve(Block{Settings: map[string]string{"cloud": cloud, "image_endpoint": standIn + "/v1"}}, env.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(context.Background(), cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	api, err := c.Version(context.Background())
	v1, ok := c.spoken.calls(api).(v1Members)
	if !ok || err != nil {
		t.Fatalf("the stand-in at %s/v1 was not detected as v1: %q, %v", standIn, api, err)
	}
	return v1
}

// Every v1 call against the stand-in, logged in through the real Keystone.
func TestAccV1Members_calls(t *testing.T) {
	env := acctest.PreCheck(t)
	s := glancev1test.Start(t, env.AuthURL)
	ctx := context.Background()
	owner := v1As(t, env, devcloud.Producer, s.URL)
	member := v1As(t, env, devcloud.Consumer, s.URL)
	img := s.AddImage(env.ProducerProject, "shared")
	expect := func(step string, want ...v1Member) {
		t.Helper()
		got, err := owner.list(ctx, img)
		if err != nil || !reflect.DeepEqual(got, want) && (len(got) != 0 || len(want) != 0) {
			t.Errorf("%s: list = %v, %v; want %v", step, got, err, want)
		}
	}

	for range 2 { // idempotent
		if err := owner.put(ctx, img, env.ConsumerProject, false); err != nil {
			t.Fatalf("put: %v", err)
		}
	}
	expect("added", v1Member{env.ConsumerProject, false})
	if err := owner.put(ctx, img, env.ConsumerProject, true); err != nil {
		t.Fatal(err)
	}
	expect("can_share set", v1Member{env.ConsumerProject, true})
	if got, err := member.list(ctx, img); err != nil || len(got) != 1 {
		t.Errorf("the member's list: %v, %v; want its own membership", got, err)
	}

	s.SetMember(img, "p2", true)
	if err := owner.replace(ctx, img, []string{"p1", "p2"}); err != nil {
		t.Fatal(err)
	}
	expect("replaced: p2 keeps its can_share", v1Member{"p1", false}, v1Member{"p2", true})
	if shared, err := owner.sharedWith(ctx, "p2"); err != nil || len(shared) != 1 ||
		shared[0] != (v1SharedImage{img, true}) {
		t.Errorf("shared-images of p2: %v, %v", shared, err)
	}

	if err := owner.remove(ctx, img, "p1"); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if err := owner.remove(ctx, img, "p1"); !IsNotFound(err) {
		t.Errorf("a second remove: %v, want 404", err)
	}
	expect("removed", v1Member{"p2", true})

	// The consumer is no member now: for v1 the image is not there (404, never 403).
	if err := member.put(ctx, img, "p3", false); !IsNotFound(err) || !strings.Contains(Message(err), "not found") {
		t.Errorf("a non-member sharing: %v, want 404", err)
	}
	s.SetMember(img, env.ConsumerProject, false)
	// v1's 404 that says "No permission" is the refusal it means: 403, never "not found".
	if err := member.put(ctx, img, "p3", false); Status(err) != http.StatusForbidden || IsNotFound(err) ||
		!strings.Contains(Message(err), "No permission to share that image") {
		t.Errorf(
			"a member without can_share sharing: %d %q, want it reported as 403 with v1's words",
			Status(err),
			Message(err),
		)
	}

	s.Quota = 2
	if err := owner.put(ctx, img, "p4", false); Status(err) != http.StatusRequestEntityTooLarge {
		t.Errorf("over the quota: %v, want 413", err)
	}
	if err := owner.replace(ctx, img, nil); err != nil {
		t.Fatal(err)
	}
	expect("emptied")
}
