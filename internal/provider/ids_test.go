package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/glancetf/terraform-provider-glance/internal/acctest"
	"github.com/glancetf/terraform-provider-glance/internal/tfcli"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

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
		if !strings.Contains(d, want) || !strings.Contains(d, "The import ID must have the form "+
			"[<region>/]<image_id>/<member_id>, for example "+img+"/") {
			t.Errorf("parseMemberID(%q): %q, want one that says %q and shows the form", id, d, want)
		}
	}
}

// Import blocks by identity (Terraform and OpenTofu 1.12+), one for each resource, on the real cloud: the
// plan imports all three and changes nothing else, the apply records them, and the plan after
// it is empty; destroy then removes the membership and the list as usual. The default run
// (Terraform 1.11, which has no identity) leaves this test out; make test-matrix runs it under
// Terraform 1.16.2 and OpenTofu 1.12.6.
func TestAccIdentity_importBlocks(t *testing.T) {
	env := acctest.PreCheck(t)
	if version := tfcli.Version(t); !tfcli.AtLeast(version, 12) {
		t.Skipf("Terraform %s has no resource identity (1.12+): make test-matrix runs this test under Terraform 1.16.2 "+
			"and OpenTofu 1.12.6", version)
	}
	t.Parallel()
	imageID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, imageID, env.ConsumerProject)
	listID := acctest.NewImage(t, images.ImageVisibilityShared)
	acctest.AddMember(t, listID, env.Consumer2Project)
	config := fmt.Sprintf(`
provider "glance" {
  cloud = "producer"
}

provider "glance" {
  alias = "consumer"
  cloud = "consumer"
}

import {
  to       = glance_image_member.m
  identity = { image_id = %[1]q, member_id = %[2]q }
}

resource "glance_image_member" "m" {
  image_id  = %[1]q
  member_id = %[2]q
}

import {
  to       = glance_image_member_acceptance.a
  provider = glance.consumer
  identity = { image_id = %[1]q }
}

resource "glance_image_member_acceptance" "a" {
  provider = glance.consumer
  image_id = %[1]q
  status   = "pending"
}

import {
  to       = glance_image_members.all
  identity = { image_id = %[3]q, region = "RegionOne" }
}

resource "glance_image_members" "all" {
  image_id   = %[3]q
  member_ids = [%[4]q]
}
`, imageID, env.ConsumerProject, listID, env.Consumer2Project)
	w := tfcli.NewWorkdir(t, config)
	out, code := w.Run("plan", "-detailed-exitcode", "-input=false")
	if code != 2 || !strings.Contains(tfcli.Flat(out), "Plan: 3 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the plan of three import blocks by identity (exit %d):\n%s", code, tfcli.Tail(out, 40))
	}
	w.Must("apply", "-auto-approve", "-input=false")
	w.ExpectEmptyPlan()
	w.Must("destroy", "-auto-approve", "-input=false")
	if got := acctest.MemberIDs(t, imageID); len(got) != 0 {
		t.Errorf("destroy left members %v of image %s", got, imageID)
	}
	if got := acctest.MemberIDs(t, listID); len(got) != 0 {
		t.Errorf("destroy left members %v of image %s", got, listID)
	}
}
