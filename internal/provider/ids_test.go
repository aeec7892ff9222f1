package provider

import (
	"strings"
	"testing"
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
