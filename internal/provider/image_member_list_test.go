package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/devcloud"
	"github.com/glancetf/terraform-provider-glance/internal/glanceclient"
	"github.com/glancetf/terraform-provider-glance/internal/proxytest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
)

// queryTerraform skips unless the terraform under test has terraform query (Terraform 1.14+;
// OpenTofu has none): make test skips these tests by name, make test-matrix runs them under
// Terraform 1.16.2.
func queryTerraform(t *testing.T) {
	t.Helper()
	if version := tfcli.Version(t); !tfcli.AtLeast(version, 14) || os.Getenv("TF_ACC_PROVIDER_HOST") ==
		"registry.opentofu.org" {
		t.Skipf("%s %s has no terraform query (Terraform 1.14+): make test-matrix runs this test under Terraform "+
			"1.16.2", tfcli.Terraform(), version)
	}
}

// Memberships made directly in Glance are found by terraform query, which writes a resource
// and an import block for each (-generate-config-out); the plan imports them with nothing to
// add, change or destroy, the plan after the apply is empty, and destroy removes them. The
// query costs one read of the image (for its name) and one member list.
func TestAccQuery_imageMember(t *testing.T) {
	env := acctest.PreCheck(t)
	queryTerraform(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	members := []string{env.ConsumerProject, env.Consumer2Project, env.ServiceProject}
	for _, m := range members {
		acctest.AddMember(t, imageID, m)
	}
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	w := tfcli.NewWorkdir(t, tfcli.ProviderVia("producer", proxy.URL))
	writeQuery(t, w, fmt.Sprintf(`
list "glance_image_member" "found" {
  provider         = glance
  include_resource = true
  config {
    image_id = %q
  }
}
`, imageID))
	proxy.Reset()
	out := w.Must("query", "-generate-config-out=generated.tf")
	for _, m := range members {
		if !strings.Contains(out, "shared with "+m) {
			t.Errorf("the query does not show the membership of %s:\n%s", m, out)
		}
	}
	if got := memberCalls(proxy); len(got) != 2 {
		t.Errorf("the query made %d Glance requests, want 2 (the image, its member list):%s", len(got), acctest.Lines(got))
	}
	generated, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(generated), "\nimport {"); n != len(members) {
		t.Errorf("generated.tf has %d import blocks, want %d:\n%s", n, len(members), generated)
	}
	plan := tfcli.Flat(w.Must("plan", "-input=false"))
	want := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", len(members))
	if !strings.Contains(plan, want) {
		t.Fatalf("the plan of the generated configuration does not say %q:\n%s", want, plan)
	}
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()
	if inState, tainted := stateMembers(t, w); !slices.Equal(inState, sorted(members)) || tainted != 0 {
		t.Errorf("state has %v (%d tainted), want %v", inState, tainted, sorted(members))
	}
	destroyLeavesNothing(t, w, imageID)
}

// writeQuery puts a query file (list blocks) beside the workdir's configuration.
func writeQuery(t *testing.T, w *tfcli.Workdir, query string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, "query.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
}

// An image's member list made directly in Glance is found as one glance_image_members, whose
// generated configuration imports it with no change; destroy removes the members.
func TestAccQuery_imageMembers(t *testing.T) {
	env := acctest.PreCheck(t)
	queryTerraform(t)
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	members := []string{env.ConsumerProject, env.Consumer2Project}
	for _, m := range members {
		acctest.AddMember(t, imageID, m)
	}
	w := tfcli.NewWorkdir(t, providerProducer)
	writeQuery(t, w, fmt.Sprintf(`
list "glance_image_members" "found" {
  provider         = glance
  include_resource = true
  config {
    image_id = %q
  }
}
`, imageID))
	out := w.Must("query", "-generate-config-out=generated.tf")
	if !strings.Contains(out, imageID+"): 2 member(s)") {
		t.Errorf("the query does not show the image's list:\n%s", out)
	}
	plan := tfcli.Flat(w.Must("plan", "-input=false"))
	if !strings.Contains(plan, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan of the generated configuration does not import the one list:\n%s", plan)
	}
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()
	destroyLeavesNothing(t, w, imageID)
}

// The member project's inbox: the images shared with it are found with their answers, one
// list per answer (three requests), or one with status.
func TestAccQuery_imageMemberAcceptance(t *testing.T) {
	env := acctest.PreCheck(t)
	queryTerraform(t)
	t.Parallel()
	pending, accepted := acctest.NewImage(t, images.ImageVisibilityShared), acctest.NewImage(t,
		images.ImageVisibilityShared)
	acctest.AddMember(t, pending, env.Consumer2Project)
	acctest.AddMember(t, accepted, env.Consumer2Project)
	acctest.SetStatus(t, devcloud.Consumer2, accepted, env.Consumer2Project, "accepted")
	proxy := proxytest.New(t, env.ImageURL, proxytest.Options{})
	w := tfcli.NewWorkdir(t, tfcli.ProviderVia(devcloud.Consumer2, proxy.URL))
	writeQuery(t, w, `
list "glance_image_member_acceptance" "inbox" {
  provider = glance
}

list "glance_image_member_acceptance" "accepted" {
  provider = glance
  config {
    status = "accepted"
  }
}
`)
	proxy.Reset()
	out := tfcli.Flat(w.Must("query"))
	for image, status := range map[string]string{pending: "pending", accepted: "accepted"} {
		if !strings.Contains(out, image+") from "+env.ProducerProject+": "+status) {
			t.Errorf("the inbox does not show image %s, %s:\n%s", image, status, out)
		}
	}
	if n := strings.Count(out, pending+") from"); n != 1 {
		t.Errorf("the pending image shows %d times, want once (not under status = \"accepted\"):\n%s", n, out)
	}
	// One list per answer, shared by the two list blocks of one provider process.
	if got := memberCalls(proxy); len(got) != len(glanceclient.MemberStatuses) {
		t.Errorf("the query made %d Glance requests, want %d (one list per answer):%s", len(got),
			len(glanceclient.MemberStatuses), acctest.Lines(got))
	}
}

// The list resources' pages are written by hand (tfplugindocs reads list schemas only from a
// Terraform 1.14+, and make docs must give the same pages under every Terraform): each page
// names exactly the attributes of its list block's config.
func TestListResourcePages_matchTheSchemas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, newList := range (&glanceProvider{}).ListResources(ctx) {
		l := newList()
		var meta resource.MetadataResponse
		l.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "glance"}, &meta)
		var sch list.ListResourceSchemaResponse
		l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &sch)
		page, err := os.ReadFile(filepath.Join("../../docs/list-resources", strings.TrimPrefix(meta.TypeName,
			"glance_")+".md"))
		if err != nil {
			t.Fatal(err)
		}
		var documented []string
		for _, line := range strings.Split(string(page), "\n") {
			if name, ok := strings.CutPrefix(line, "- `"); ok && strings.Contains(line, "(String, optional)") {
				documented = append(documented, name[:strings.Index(name, "`")])
			}
		}
		if got := slices.Sorted(maps.Keys(sch.Schema.Attributes)); !slices.Equal(sorted(documented), got) {
			t.Errorf("%s: the page documents %v, the schema has %v", meta.TypeName, sorted(documented), got)
		}
	}
}
